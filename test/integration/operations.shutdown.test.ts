import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Agent, fetch } from "undici";

const REPO = resolve(__dirname, "../..");
const DEMO_ENTRY = join(REPO, "dist/demo/main.js");
/** An operation whose Graph calls (one per customer's users) take the emulator's injected latency. */
const SLOW_OPERATION = `{ customers(first: 3) { nodes { id users(first: 1) { nodes { id } } } } }`;

/** A subgraph process of the demo entry, with its own built-in cloud, on free ports; in its own process group. */
interface Served {
  child: ChildProcess;
  base: string;
  /** The emulator's control API (`/_emulator/…`) of the process's built-in cloud. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Resolves when the process (npm itself, for `npm start`) has exited: its code or signal, and when. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  lines: string[];
}

const running: Served[] = [];

/**
 * Starts `command` in a working directory of its own (the demo writes .emulator/ there) with its own
 * process group, so that a failing test can kill whatever it started — npm, a shell, node — at once.
 */
async function serve(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Served> {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const child = spawn(command, args, {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? cwd,
      npm_config_update_notifier: "false",
      PORT: String(port),
      EMULATOR_PORT: String(emulatorPort),
      LOG_LEVEL: "info",
      CURSOR_SECRET: "operations-shutdown-cursor-secret-32-chars",
      ...env,
    },
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk: Buffer) => lines.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal, at: Date.now() })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const base = `http://127.0.0.1:${port}`;
  const served: Served = { child, base, exited, lines, control: async () => undefined };
  running.push(served);
  await waitFor(async () => {
    if (gone) throw new Error(`the process exited while starting:\n${lines.join("\n")}`);
    return (await fetch(`${base}/health`).catch(() => undefined))?.ok === true;
  });
  const dispatcher = new Agent({ connect: { ca: readFileSync(join(cwd, ".emulator/ca.pem"), "utf8") } });
  served.control = async (method, path, body) => {
    const res = await fetch(`https://127.0.0.1:${emulatorPort}/_emulator${path}`, {
      method,
      dispatcher,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json();
  };
  return served;
}

afterEach(() => {
  // Whatever a failed test left running: the whole process group (npm, its shell, node).
  for (const s of running.splice(0)) {
    try {
      process.kill(-s.child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
});

const query = (base: string, q: string) =>
  fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: q }) }).then(async (res) => ({
    status: res.status,
    body: (await res.json()) as any,
  }));

/** The pids of the node processes that logged (pino's `pid`): the server, whoever started it. */
const loggedPids = (lines: string[]) => new Set(lines.flatMap((l) => (/^\{.*"pid":(\d+)/.exec(l) ? [Number(/"pid":(\d+)/.exec(l)![1])] : [])));
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * SIGTERM while an operation is in flight (Graph answers it after 3 s): `/ready` answers 503 (draining)
 * for SHUTDOWN_DELAY_MS while the listener stays open, the operation, still out when the listener
 * closes, answers with its data, and the process exits 0 — well within
 * SHUTDOWN_TIMEOUT_MS. Returns how long the exit took after the signal.
 */
async function drainsInFlight(s: Served, signalled: () => void): Promise<number> {
  expect((await query(s.base, SLOW_OPERATION)).body.data.customers.nodes).toHaveLength(3); // warm: tokens and the listing cached
  await s.control("PUT", "/latency", { graph: { kind: "fixed", ms: 3000 } });
  const inFlight = query(s.base, SLOW_OPERATION);
  await new Promise((r) => setTimeout(r, 300));
  const at = Date.now();
  signalled();
  const ready = await fetch(`${s.base}/ready`);
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as { status: string }).status).toBe("draining");
  const answer = await inFlight;
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data.customers.nodes.map((n: any) => n.users.nodes.length)).toEqual([1, 1, 1]);
  const end = await s.exited;
  expect({ code: end.code, signal: end.signal }).toEqual({ code: 0, signal: null });
  // After the exit nothing listens any more.
  await expect(fetch(`${s.base}/health`)).rejects.toThrow();
  return end.at - at;
}

describe("graceful shutdown", () => {
  beforeAll(() => {
    if (!existsSync(DEMO_ENTRY)) throw new Error("dist/demo/main.js is missing: run `npm run build:demo` (npm test does it)");
  });

  it("node dist/demo/main.js: SIGTERM drains the operation in flight and exits 0 within the bound", async () => {
    const s = await serve(process.execPath, [DEMO_ENTRY], mkdtempSync(join(tmpdir(), "partner-graph-shutdown-")), {
      SHUTDOWN_DELAY_MS: "1500",
      SHUTDOWN_TIMEOUT_MS: "10000",
    });
    const took = await drainsInFlight(s, () => s.child.kill("SIGTERM"));
    // The operation had ~2.7 s left, past the 1.5 s delay: the exit waited for it, and not for the bound.
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(10_000);
    expect(s.lines.join("\n")).toMatch(/"msg":"shut down"/);
  });

  it("npm start: npm's forwarded SIGTERM reaches node, which drains, exits, and leaves no orphan behind", async () => {
    // The project's own start script, run by npm in a directory of its own (the demo writes .emulator/
    // there) on the built dist/. --ignore-scripts skips prestart's rebuild: tsc rewriting dist/ under
    // the other test files' processes would race them; the path of the signal (npm → sh → node) is the same.
    const cwd = mkdtempSync(join(tmpdir(), "partner-graph-npm-start-"));
    const { name, scripts } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    writeFileSync(join(cwd, "package.json"), JSON.stringify({ name, private: true, scripts: { start: scripts.start } }));
    symlinkSync(join(REPO, "dist"), join(cwd, "dist"));
    const s = await serve("npm", ["start", "--ignore-scripts"], cwd, { SHUTDOWN_DELAY_MS: "1500", SHUTDOWN_TIMEOUT_MS: "10000" });
    const servers = loggedPids(s.lines);
    expect(servers.size).toBe(1);
    const [server] = [...servers];
    expect(server).not.toBe(s.child.pid);
    const took = await drainsInFlight(s, () => process.kill(s.child.pid!, "SIGTERM"));
    expect(took).toBeLessThan(10_000);
    expect(isAlive(server!)).toBe(false);
  });

  it("exits by SHUTDOWN_TIMEOUT_MS, with code 1, when an operation in flight would outlast it", async () => {
    const s = await serve(process.execPath, [DEMO_ENTRY], mkdtempSync(join(tmpdir(), "partner-graph-shutdown-bound-")), {
      SHUTDOWN_TIMEOUT_MS: "3000",
      OPERATION_TIMEOUT_MS: "60000",
    });
    expect((await query(s.base, SLOW_OPERATION)).status).toBe(200);
    await s.control("PUT", "/latency", { graph: { kind: "fixed", ms: 30_000 } });
    const inFlight = query(s.base, SLOW_OPERATION).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 300));
    const at = Date.now();
    s.child.kill("SIGTERM");
    const end = await s.exited;
    expect(end.code).toBe(1);
    // The bound, plus what a loaded machine may add to a timer; far from the operation's 30 s.
    expect(end.at - at).toBeGreaterThanOrEqual(2900);
    expect(end.at - at).toBeLessThan(3000 + 2000);
    expect(await inFlight).toBeInstanceOf(Error);
    expect(s.lines.join("\n")).toMatch(/shutdown did not finish within SHUTDOWN_TIMEOUT_MS/);
  });
});

async function waitFor(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out waiting");
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}
