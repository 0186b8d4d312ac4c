import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";

/** Shared pieces of the benchmark runner: child processes, /proc readings, load generation, statistics. */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got '${v}'`);
  return n;
}

// --- processes and pinning ----------------------------------------------------------------------

let tasksetOk: boolean | undefined;
export function canPin(): boolean {
  if (tasksetOk === undefined) {
    try {
      execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
      tasksetOk = Number(execFileSync("nproc").toString().trim()) >= 2;
    } catch {
      tasksetOk = false;
    }
  }
  return tasksetOk;
}

export function pinSelf(core: string): void {
  if (canPin()) execFileSync("taskset", ["-pc", core, String(process.pid)], { stdio: "ignore" });
}

/** Every child started, so a failing run leaves none behind. */
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

export interface Child {
  proc: ChildProcess;
  pid: number;
  info: any;
  stop(): Promise<void>;
}

/** Starts `node script` (or another command) pinned to `core`; resolves with its first JSON line holding "ready". */
export function startChild(
  label: string,
  cmd: string[],
  env: Record<string, string>,
  core: string,
  opts: { cwd?: string; readyPattern?: RegExp; timeoutMs?: number } = {},
): Promise<Child> {
  const argv = canPin() ? ["taskset", "-c", core, ...cmd] : cmd;
  const proc = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
  children.add(proc);
  proc.once("exit", () => children.delete(proc));
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start in time:\n${out.slice(-2000)}\n${err.slice(-2000)}`)), opts.timeoutMs ?? 60_000);
    const child = (info: any): Child => ({
      proc,
      pid: proc.pid!,
      info,
      stop: () =>
        new Promise<void>((r) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return r();
          const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
          proc.once("exit", () => (clearTimeout(t), r()));
          proc.kill("SIGTERM");
        }),
    });
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (opts.readyPattern) {
        if (opts.readyPattern.test(out)) {
          clearTimeout(timer);
          resolve(child({}));
        }
        return;
      }
      const line = out.split("\n").find((l) => l.includes('"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(child(JSON.parse(line)));
      }
    });
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code}:\n${out.slice(-2000)}\n${err.slice(-2000)}`));
    });
  });
}

/** The pid of the node process under a `taskset -c N node …` child (taskset execs, so it is the same pid). */
export function nodePid(child: Child): number {
  return child.pid;
}

// --- /proc readings -----------------------------------------------------------------------------

let clkTck: number | undefined;
/** User + system CPU time of a process in ms, from /proc/<pid>/stat (no endpoint in the server). */
export function cpuMs(pid: number): number {
  clkTck ??= Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3 overall, utime 14 and stime 15 (1-based), i.e. indices 11 and 12 here.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clkTck;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Samples a process's RSS every `everyMs` until stopped. */
export class RssSampler {
  readonly samples: { t: number; mb: number }[] = [];
  private timer?: NodeJS.Timeout;
  private readonly t0 = Date.now();
  constructor(
    private readonly pid: number,
    everyMs = 250,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }
  sample(): number {
    try {
      const mb = rssMb(this.pid);
      this.samples.push({ t: Date.now() - this.t0, mb });
      return mb;
    } catch {
      return NaN;
    }
  }
  stop(): { peakMb: number; endMb: number } {
    clearInterval(this.timer);
    const end = this.sample();
    return { peakMb: Math.max(...this.samples.map((s) => s.mb)), endMb: end };
  }
}

// --- HTTP and load ------------------------------------------------------------------------------

export const loadAgent = new Agent({ connections: 256, keepAliveTimeout: 30_000, pipelining: 1 });

export type Op = () => Promise<boolean>;

/** A GraphQL POST; ok when 200 and no `errors`. */
export function graphqlOp(
  url: string,
  query: string,
  variables: Record<string, unknown> | undefined,
  headers: Record<string, string> = {},
  accept?: (body: any) => boolean,
): Op {
  const body = JSON.stringify({ query, variables });
  return async () => {
    const res = await request(url, { method: "POST", dispatcher: loadAgent, headers: { "content-type": "application/json", ...headers }, body });
    const text = await res.body.text();
    if (res.statusCode !== 200) return false;
    if (!text.includes('"errors"')) return true;
    return accept ? accept(JSON.parse(text)) : false;
  };
}

export async function postJson(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await request(url, {
    method: "POST",
    dispatcher: loadAgent,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(payload),
  });
  const text = await res.body.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.statusCode, body };
}

export interface LoadResult {
  ops: number;
  errors: number;
  /** Latencies in ms of every operation, sorted. */
  latencies: number[];
  elapsedMs: number;
}

async function timed(op: Op): Promise<{ ok: boolean; ms: number }> {
  const t = performance.now();
  let ok: boolean;
  try {
    ok = await op();
  } catch {
    ok = false;
  }
  return { ok, ms: performance.now() - t };
}

/** One client, one operation after another, for `ms` and at least `minOps` operations. */
export async function serial(op: Op, ms: number, minOps = 3): Promise<LoadResult> {
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms || lat.length < minOps) {
    const r = await timed(op);
    lat.push(r.ms);
    if (!r.ok) errors++;
  }
  return { ops: lat.length, errors, latencies: lat.sort((a, b) => a - b), elapsedMs: performance.now() - t0 };
}

/**
 * Open loop at a fixed arrival rate: operations start on schedule whether or not earlier ones have
 * finished; latency counts from the scheduled start (no coordinated omission).
 */
export async function fixedRate(op: Op, rate: number, ms: number): Promise<LoadResult> {
  const lat: number[] = [];
  let errors = 0;
  const { t0 } = await onSchedule(rate, ms, async (due) => {
    let ok: boolean;
    try {
      ok = await op();
    } catch {
      ok = false;
    }
    lat.push(performance.now() - due);
    if (!ok) errors++;
  });
  return { ops: lat.length, errors, latencies: lat.sort((a, b) => a - b), elapsedMs: performance.now() - t0 };
}

/**
 * Starts `run` every 1/rate seconds for `ms`, each at its due time whether or not earlier ones have
 * finished, and waits for all of them. `run` gets its scheduled start, from which latency counts.
 */
async function onSchedule(rate: number, ms: number, run: (due: number) => Promise<void>): Promise<{ t0: number; total: number; interval: number }> {
  const interval = 1000 / rate;
  const total = Math.max(1, Math.floor((ms / 1000) * rate));
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(run(due));
  }
  await Promise.all(pending);
  return { t0, total, interval };
}

/** Closed loop: `conns` clients each sending the next operation when the previous answers. */
export async function closedLoop(op: Op, conns: number, ms: number): Promise<LoadResult> {
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: conns }, async () => {
      while (performance.now() < end) {
        const r = await timed(op);
        lat.push(r.ms);
        if (!r.ok) errors++;
      }
    }),
  );
  return { ops: lat.length, errors, latencies: lat.sort((a, b) => a - b), elapsedMs: performance.now() - t0 };
}

// --- statistics ---------------------------------------------------------------------------------

export function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const round = (x: number, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

// --- open loop with outcomes (S5, S6) -------------------------------------------------------------

/** What one operation ended in: success, Graph throttling (THROTTLED / 429), a deadline, anything else. */
export type Outcome = "ok" | "throttled" | "timeout" | "error";
export type ClassifiedOp = (signal: AbortSignal) => Promise<Outcome>;

/**
 * Open-loop runs keep many operations in flight at once when the system under test saturates; a pool
 * of its own keeps them from queueing behind the 256 connections of `loadAgent` (queueing that would
 * be the load generator's, not the server's).
 */
export const openLoopAgent = new Agent({ connections: 4096, keepAliveTimeout: 30_000, pipelining: 1 });

/** The outcome of a GraphQL answer: ok without `errors`; else the first error code we know (THROTTLED, TIMEOUT). */
export function classifyGraphql(status: number, text: string): Outcome {
  if (status !== 200) return "error";
  if (!text.includes('"errors"')) return "ok";
  let codes: string[];
  try {
    codes = ((JSON.parse(text).errors ?? []) as any[]).map((e) => String(e?.extensions?.code ?? ""));
  } catch {
    return "error";
  }
  if (codes.includes("THROTTLED")) return "throttled";
  if (codes.includes("TIMEOUT")) return "timeout";
  return "error";
}

export function graphqlClassifiedOp(url: string, query: string, variables: Record<string, unknown> | undefined): ClassifiedOp {
  const body = JSON.stringify({ query, variables });
  return async (signal) => {
    const res = await request(url, { method: "POST", dispatcher: openLoopAgent, headers: { "content-type": "application/json" }, body, signal });
    return classifyGraphql(res.statusCode, await res.body.text());
  };
}

/** The hand-written client's /run endpoint: ok, or its error with Graph's status (429 = throttled). */
export function naiveClassifiedOp(url: string, payload: unknown): ClassifiedOp {
  const body = JSON.stringify(payload);
  return async (signal) => {
    const res = await request(url, { method: "POST", dispatcher: openLoopAgent, headers: { "content-type": "application/json" }, body, signal });
    const json = (await res.body.json().catch(() => ({}))) as { ok?: boolean; status?: number; error?: string };
    if (res.statusCode === 200 && json.ok === true) return "ok";
    if (json.status === 429 || /TooManyRequests|\b429\b/i.test(String(json.error ?? ""))) return "throttled";
    return "error";
  };
}

export interface OpenLoopResult {
  scheduled: number;
  outcomes: Record<Outcome, number>;
  /** Latencies in ms from each operation's scheduled start, sorted: all operations, and the successful ones. */
  latencies: number[];
  okLatencies: number[];
  /** From the first scheduled start until the last operation ended. */
  elapsedMs: number;
  /** Scheduled span (operations × interval). */
  scheduleMs: number;
}

/**
 * Open loop at a fixed arrival rate, as `fixedRate`, with each operation's outcome and a time limit
 * per operation (aborted and counted as "timeout" after `timeoutMs`), so a saturated system cannot
 * keep the run going for the length of its backlog.
 */
export async function openLoop(op: ClassifiedOp, rate: number, ms: number, timeoutMs: number): Promise<OpenLoopResult> {
  const lat: number[] = [];
  const okLat: number[] = [];
  const outcomes: Record<Outcome, number> = { ok: 0, throttled: 0, timeout: 0, error: 0 };
  const { t0, total, interval } = await onSchedule(rate, ms, async (due) => {
    const signal = AbortSignal.timeout(Math.max(1, Math.round(timeoutMs - (performance.now() - due))));
    let outcome: Outcome;
    try {
      outcome = await op(signal);
    } catch {
      outcome = signal.aborted ? "timeout" : "error";
    }
    const took = performance.now() - due;
    lat.push(took);
    if (outcome === "ok") okLat.push(took);
    outcomes[outcome] += 1;
  });
  return {
    scheduled: total,
    outcomes,
    latencies: lat.sort((a, b) => a - b),
    okLatencies: okLat.sort((a, b) => a - b),
    elapsedMs: performance.now() - t0,
    scheduleMs: total * interval,
  };
}
