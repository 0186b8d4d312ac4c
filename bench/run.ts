import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Agent, request } from "undici";
import { route } from "../emulator/graph/router";
import { splitPath } from "../emulator/graph/pipeline";
import { resourceUnitCost } from "../emulator/graph/throttle";
import { planOf, type FloorPlan, type Logged } from "./floor/plan";
import {
  canPin,
  closedLoop,
  cpuMs,
  envNumber,
  fixedRate,
  graphqlClassifiedOp,
  graphqlOp,
  loadAgent,
  median,
  naiveClassifiedOp,
  openLoop,
  pct,
  pinSelf,
  postJson,
  round,
  RssSampler,
  serial,
  sleep,
  startChild,
  type Child,
  type ClassifiedOp,
  type LoadResult,
  type Op,
  type OpenLoopResult,
} from "./lib";

/**
 * `npm run bench`: scenarios S0–S4 (the operations in `Q`, their floors in `floors`) against the built-in
 * cloud with its fixed latency profile (Graph 50 ms, tokens 300 ms), with the emulator, the subgraph
 * and each comparison as separate processes: servers on core 0, emulator and this load generator on
 * core 1 (taskset, when the machine has two cores). Per scenario: a warm-up, then `BENCH_RUNS` runs of
 * one client in series, a fixed arrival rate and a closed loop; medians over runs. Writes
 * bench/results/latest.json and latest.md and prints the table.
 *
 * Environment: BENCH_QUICK=1 (about 2 minutes), BENCH_RUNS (3), BENCH_WARMUP_S (1), BENCH_DURATION_S
 * (2, per mode and run), BENCH_CONNS (10), BENCH_RATE_S0..S4, BENCH_COLD_RUNS (3), BENCH_MESH=0 (skip
 * Mesh), BENCH_SCALE=0 (skip the scale runs), BENCH_NAIVE_CONCURRENCY (4).
 *
 * BENCH_ONLY picks sections, comma-separated: main (S0–S4 with the baseline, the hand-written client,
 * Mesh and S4 cold, and the live memory per in-flight S3 operation), memory (that measurement alone),
 * S5, S6, scale; unset = all. BENCH_OUT names the result files (latest).
 * BENCH_SERVER_NODE_ARGS: extra node flags for partner-graph's servers (`--cpu-prof --cpu-prof-dir=…`,
 * `--heap-prof`, `--max-semi-space-size=…`); profiles are written when the bench stops each server.
 *
 * S5 (S3 at fixed arrival rates on the realistic latency profile, partner-graph and the hand-written
 * client): BENCH_S5=0 (skip), BENCH_S5_RATES ("5,10,20,40"), BENCH_S5_DURATION_S (60; quick 10),
 * BENCH_S5_TIMEOUT_S (30, per operation), BENCH_S5_NAIVE (hand-written client concurrencies, "4,0";
 * "" = none), BENCH_S5_STOP_BELOW (0.5: after a rate where fewer than this share of operations
 * succeeded, a system's higher rates are not run; 0 = run all), BENCH_S5_BUDGET_SCALE (partner-graph's
 * GRAPH_BUDGET_SCALE in S5, 0 = off).
 *
 * S6 (S2 and S3 with the emulator's throttling on, partner-graph with its budget scaled like the
 * emulator and off, and the hand-written client): BENCH_S6=0 (skip), BENCH_S6_SCALE (emulator
 * throttleScale and GRAPH_BUDGET_SCALE, 0.1), BENCH_S6_RATE_S2 (1), BENCH_S6_RATE_S3 (0.5),
 * BENCH_S6_DURATION_S (30; quick 10), BENCH_S6_TIMEOUT_S (60, per operation).
 */

const ROOT = resolve(__dirname, "../..");
const DIST = resolve(ROOT, "dist/bench");
const RESULTS = resolve(ROOT, "bench/results");
const MESH_DIR = resolve(ROOT, "bench/mesh");
const SERVER_CORE = "0";
const LOAD_CORE = "1";
const GRAPH_MS = 50;
const TOKEN_MS = 300;
/** Graph's per-tenant concurrency the plan's floor assumes (c = 4). */
const C = 4;

const QUICK = process.env.BENCH_QUICK === "1";
/** Extra node flags for partner-graph's server processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a section. */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
const ONLY = (process.env.BENCH_ONLY ?? "")
  .split(",")
  .map((x) => x.trim().toLowerCase())
  .filter(Boolean);
const section = (name: string) => ONLY.length === 0 || ONLY.includes(name.toLowerCase());

function envList(name: string, fallback: number[]): number[] {
  const v = process.env[name];
  if (v === undefined) return fallback;
  const xs = v
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean)
    .map(Number);
  if (xs.some((x) => !Number.isFinite(x) || x < 0)) throw new Error(`${name} must be a comma-separated list of non-negative numbers, got '${v}'`);
  return xs;
}

/**
 * The plan's realistic profile: Graph lognormal with median 100 ms and p99 ≈ 300 ms, so
 * sigma = ln(3) / z(0.99) = ln 3 / 2.326 ≈ 0.47; tokens lognormal with median 700 ms (same sigma).
 */
const REALISTIC_SIGMA = Math.log(3) / 2.3263;
const REALISTIC = {
  graph: { kind: "lognormal", medianMs: 100, sigma: REALISTIC_SIGMA },
  token: { kind: "lognormal", medianMs: 700, sigma: REALISTIC_SIGMA },
};
const FIXED = { graph: { kind: "fixed", ms: GRAPH_MS }, token: { kind: "fixed", ms: TOKEN_MS } };

const CFG = {
  runs: envNumber("BENCH_RUNS", QUICK ? 1 : 3),
  warmupMs: envNumber("BENCH_WARMUP_S", 1) * 1000,
  durationMs: envNumber("BENCH_DURATION_S", QUICK ? 1 : 2) * 1000,
  conns: envNumber("BENCH_CONNS", 10),
  coldRuns: envNumber("BENCH_COLD_RUNS", QUICK ? 1 : 3),
  only: ONLY.length ? ONLY : ["main", "s5", "s6", "scale"],
  main: section("main"),
  memory: section("memory"),
  mesh: process.env.BENCH_MESH !== "0",
  scale: process.env.BENCH_SCALE !== "0" && section("scale"),
  naiveConcurrency: envNumber("BENCH_NAIVE_CONCURRENCY", C),
  rates: {
    S0: envNumber("BENCH_RATE_S0", 200),
    S1: envNumber("BENCH_RATE_S1", 20),
    // Half or less of what one tenant allows at c = 4 in flight (80 Graph calls/s at 50 ms): S2 makes 5, S3 7.
    S2: envNumber("BENCH_RATE_S2", 8),
    S3: envNumber("BENCH_RATE_S3", 5),
    S4: envNumber("BENCH_RATE_S4", 5),
  } as Record<string, number>,
  s5: {
    on: process.env.BENCH_S5 !== "0" && section("S5"),
    rates: envList("BENCH_S5_RATES", [5, 10, 20, 40]),
    durationMs: envNumber("BENCH_S5_DURATION_S", QUICK ? 10 : 60) * 1000,
    timeoutMs: envNumber("BENCH_S5_TIMEOUT_S", 30) * 1000,
    naive: envList("BENCH_S5_NAIVE", [envNumber("BENCH_NAIVE_CONCURRENCY", C), 0]),
    stopBelow: envNumber("BENCH_S5_STOP_BELOW", 0.5),
    profile: REALISTIC,
  },
  s6: {
    on: process.env.BENCH_S6 !== "0" && section("S6"),
    throttleScale: envNumber("BENCH_S6_SCALE", 0.1),
    rates: { S2: envNumber("BENCH_S6_RATE_S2", 1), S3: envNumber("BENCH_S6_RATE_S3", 0.5) } as Record<string, number>,
    durationMs: envNumber("BENCH_S6_DURATION_S", QUICK ? 10 : 30) * 1000,
    timeoutMs: envNumber("BENCH_S6_TIMEOUT_S", 60) * 1000,
  },
  out: process.env.BENCH_OUT || "latest",
};

// --- the emulator ---------------------------------------------------------------------------------

interface Emu {
  child: Child;
  url: string;
  caFile: string;
  partnerFile: string;
  partnerConfig: any;
  agent: Agent;
  control<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

const tmpFiles = new Set<string>();
process.on("exit", () => {
  for (const file of tmpFiles) rmSync(file, { force: true });
});

async function startEmu(preset: string): Promise<Emu> {
  mkdirSync(RESULTS, { recursive: true });
  // Per runner process, so two bench runs on one machine cannot hand each other's CA to their children.
  const caFile = resolve(RESULTS, `.emulator-ca.${process.pid}.pem.tmp`);
  const partnerFile = resolve(RESULTS, `.partner-config.${process.pid}.json.tmp`);
  tmpFiles.add(caFile).add(partnerFile);
  const child = await startChild(
    "emulator",
    [process.execPath, resolve(DIST, "emulatorProcess.js")],
    { BENCH_PRESET: preset, BENCH_CA_FILE: caFile },
    LOAD_CORE,
    { timeoutMs: 180_000 },
  );
  writeFileSync(partnerFile, JSON.stringify(child.info.partnerConfig));
  const agent = new Agent({ connect: { ca: readFileSync(caFile, "utf8") }, connections: 16 });
  const url: string = child.info.url;
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await request(`${url}/_emulator${path}`, {
      method: method as "GET",
      dispatcher: agent,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.body.json()) as T;
    if (res.statusCode >= 300) throw new Error(`control ${method} ${path}: ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  };
  await control("PUT", "/latency", FIXED);
  await control("PUT", "/settings", { throttling: false, batchLimit: "enforce" });
  return { child, url, caFile, partnerFile, partnerConfig: child.info.partnerConfig, agent, control };
}

/** An app-only Graph token for a tenant, through the partner app that serves it (client credentials). */
async function appToken(emu: Emu, tenantId: string, partnerTenantId: string): Promise<string> {
  const partner = emu.partnerConfig.partnerTenants.find((p: any) => p.tenantId === partnerTenantId);
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: partner.app.clientId,
    client_secret: partner.app.clientSecret,
    scope: "https://graph.microsoft.com/.default",
  });
  const res = await request(`${emu.url}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    dispatcher: emu.agent,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token: ${res.statusCode} ${JSON.stringify(body)}`);
  return body.access_token;
}

// --- systems under test -----------------------------------------------------------------------------

interface System {
  name: string;
  child: Child;
  url: string;
}

async function startServer(emu: Emu, kind: "subgraph" | "graphql-http", env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<System> {
  const child = await startChild(
    kind,
    [process.execPath, ...(kind === "subgraph" ? SERVER_NODE_ARGS : []), ...nodeArgs, resolve(DIST, "serverProcess.js")],
    {
      // The main sections run the emulator with throttling off (no limits to respect), so the client-side
      // budget is off too, as for the systems compared; S6 measures both with limits on.
      GRAPH_BUDGET_SCALE: "0",
      BENCH_SERVER: kind,
      BENCH_EMULATOR_URL: emu.url,
      BENCH_CA_FILE: emu.caFile,
      BENCH_PARTNER_FILE: emu.partnerFile,
      ...env,
    },
    SERVER_CORE,
  );
  return { name: kind === "subgraph" ? "partner-graph" : "graphql-http (bare)", child, url: `http://127.0.0.1:${child.info.port}/graphql` };
}

async function startNaive(emu: Emu, concurrency: number): Promise<System> {
  const child = await startChild(
    "naive",
    [process.execPath, resolve(DIST, "naive/client.js")],
    {
      BENCH_EMULATOR_URL: emu.url,
      BENCH_CA_FILE: emu.caFile,
      BENCH_PARTNER_FILE: emu.partnerFile,
      BENCH_NAIVE_CONCURRENCY: String(concurrency),
    },
    SERVER_CORE,
  );
  return { name: concurrency > 0 ? `naive SDK (c=${concurrency})` : "naive SDK (c=∞)", child, url: `http://127.0.0.1:${child.info.port}/run` };
}

// --- the floor client -----------------------------------------------------------------------------

const FLOOR_NAME = "floor client";

/** The floor client (bench/floor/client.ts): partner-graph's own Graph requests of an operation, and nothing else. */
async function startFloorClient(emu: Emu): Promise<System> {
  const child = await startChild(
    "floor",
    [process.execPath, resolve(DIST, "floor/client.js")],
    { BENCH_EMULATOR_URL: emu.url, BENCH_CA_FILE: emu.caFile, BENCH_PARTNER_FILE: emu.partnerFile },
    SERVER_CORE,
  );
  return { name: FLOOR_NAME, child, url: `http://127.0.0.1:${child.info.port}` };
}

/**
 * What partner-graph sent to Graph for one operation (warm: tokens cached, customers listed) and its
 * response, as the floor client's plan. `waveOf` says which wave each logged request belongs to.
 */
async function capturePlan(emu: Emu, ours: System, query: string, variables: Record<string, unknown>, waveOf: (r: Logged) => number): Promise<FloorPlan> {
  await emu.control("POST", "/counters/reset");
  const res = await request(ours.url, {
    method: "POST",
    dispatcher: loadAgent,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.body.text();
  await sleep(20);
  const c = await emu.control("GET", "/counters");
  const graphCalls = (c.total.graph ?? 0) + (c.total.batchItem ?? 0);
  if (c.requests.length !== graphCalls) throw new Error(`the emulator's log holds ${c.requests.length} of ${graphCalls} Graph requests`);
  return planOf(c.requests, waveOf, text);
}

/** Gives the floor client its plan (it fetches the plan's tokens then); the op runs one operation of it. */
async function floorOpOf(floor: System, name: string, plan: FloorPlan): Promise<Op> {
  const r = await postJson(`${floor.url}/plan`, { name, plan });
  if (r.status !== 200) throw new Error(`floor plan ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  const body = JSON.stringify({ name });
  return async () => {
    const res = await request(`${floor.url}/run`, { method: "POST", dispatcher: loadAgent, headers: { "content-type": "application/json" }, body });
    await res.body.text();
    return res.statusCode === 200;
  };
}

/** S3's waves: the groups, their members, the member users' managed devices. */
const s3WaveOf = (r: Logged) => (/\/members\b/.test(r.url) ? 1 : /\/managedDevices\b/.test(r.url) ? 2 : 0);

// --- live memory per in-flight operation ---------------------------------------------------------------

/** Asks a server started with --expose-gc for its heap after a full GC (SIGUSR2; bench/serverProcess.ts answers on stdout). */
function heapAfterGc(sys: System): Promise<{ heapUsedMb: number; externalMb: number; rssMb: number }> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => (off(), reject(new Error("no heap answer"))), 10_000);
    const onData = (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split("\n").find((l) => l.includes('"heapAfterGc"'));
      if (line) {
        off();
        resolve(JSON.parse(line).heapAfterGc);
      }
    };
    const off = () => (clearTimeout(timer), sys.child.proc.stdout!.off("data", onData));
    sys.child.proc.stdout!.on("data", onData);
    process.kill(sys.child.pid, "SIGUSR2");
  });
}

/**
 * Live memory per in-flight S3 operation: 50 operations at once, Graph answering in 1 s so all of them
 * are in the same wave at once (the per-tenant cap raised for that: 50 × 5 calls of the last wave), a
 * full GC every `everyMs` until the first operation answers; the heap above the idle heap (after GC),
 * per operation: the largest (the peak, as the operations build their answers) and the median.
 */
async function inFlightMemory(emu: Emu, T: string, inFlight = 50, waveMs = 1000, everyMs = 150): Promise<Record<string, unknown>> {
  const sys = await startServer(emu, "subgraph", { GRAPH_MAX_IN_FLIGHT_PER_TENANT: "256" }, ["--expose-gc"]);
  try {
    const op = graphqlOp(sys.url, Q.S3, { t: T });
    for (let i = 0; i < 3; i++) await op();
    const idle = await heapAfterGc(sys);
    await emu.control("PUT", "/latency", { ...FIXED, graph: { kind: "fixed", ms: waveMs } });
    let failed = 0;
    let finished = 0;
    const started = performance.now();
    const ops = Array.from({ length: inFlight }, () =>
      op().then(
        (ok) => ((finished += 1), ok || (failed += 1)),
        () => ((finished += 1), (failed += 1)),
      ),
    );
    // A full GC every `everyMs` until the first operation answers: the largest heap is the operations' peak.
    const samples: Array<{ atMs: number; graphInFlight: number; heapUsedMb: number; externalMb: number; rssMb: number }> = [];
    while (finished === 0) {
      await sleep(everyMs);
      const flying = (await emu.control("GET", "/counters")).concurrency.graph.current;
      const h = await heapAfterGc(sys);
      if (finished === 0) samples.push({ atMs: round(performance.now() - started, 0)!, graphInFlight: flying, ...h });
    }
    await Promise.all(ops);
    const above = (k: "heapUsedMb" | "rssMb") => samples.map((x) => (x[k] - idle[k]) / inFlight);
    return {
      inFlight,
      waveMs,
      everyMs,
      failed,
      idle,
      samples,
      heapMbPerOp: Math.max(...above("heapUsedMb")),
      heapMbPerOpMedian: median(above("heapUsedMb")),
      rssMbPerOp: Math.max(...above("rssMb")),
    };
  } finally {
    await emu.control("PUT", "/latency", FIXED);
    await sys.child.stop();
  }
}

function ensureMesh(): void {
  if (existsSync(resolve(MESH_DIR, "node_modules/.bin/mesh"))) return;
  process.stdout.write("installing bench/mesh (npm ci --prefix bench/mesh --legacy-peer-deps)…\n");
  execFileSync("npm", ["ci", "--prefix", MESH_DIR, "--legacy-peer-deps", "--no-audit", "--no-fund"], { stdio: "inherit", cwd: ROOT });
}

/**
 * GraphQL Mesh v0 (@graphql-mesh/odata 0.22.18) on the emulator's `$metadata`. Mesh 0.22 turns
 * Collection(directoryObject) into a concrete type, so `... on user` under group members cannot be
 * written; the bench gives Mesh the emulator's document with group.members re-typed as
 * Collection(user) (a concession to Mesh) so S3 can be expressed at all.
 */
async function startMesh(emu: Emu, token: string): Promise<System> {
  ensureMesh();
  const meta = await request(`${emu.url}/v1.0/$metadata`, { dispatcher: emu.agent, headers: { authorization: `Bearer ${token}` } });
  const xml = await meta.body.text();
  if (meta.statusCode !== 200) throw new Error(`$metadata: ${meta.statusCode}`);
  const variant = xml.replace(
    '<NavigationProperty Name="members" Type="Collection(microsoft.graph.directoryObject)"/>',
    '<NavigationProperty Name="members" Type="Collection(microsoft.graph.user)"/>',
  );
  writeFileSync(resolve(MESH_DIR, "graph-metadata.xml"), variant);
  const port = 4100 + Math.floor(Math.random() * 800);
  writeFileSync(
    resolve(MESH_DIR, ".meshrc.yaml"),
    [
      "# Written by bench/run.ts for each run; do not edit.",
      "sources:",
      "  - name: Graph",
      "    handler:",
      "      odata:",
      `        endpoint: ${emu.url}/v1.0`,
      "        source: ./graph-metadata.xml",
      "        batch: json",
      "        operationHeaders:",
      '          Authorization: "{context.headers.authorization}"',
      "serve:",
      "  hostname: 127.0.0.1",
      `  port: ${port}`,
      "  browser: false",
      "  fork: 0",
      "",
    ].join("\n"),
  );
  const child = await startChild(
    "mesh",
    [process.execPath, resolve(MESH_DIR, "node_modules/@graphql-mesh/cli/cjs/bin.js"), "dev"],
    {
      NODE_EXTRA_CA_CERTS: emu.caFile,
      FORK: "0",
      NODE_ENV: "production",
      DEBUG: "",
    },
    SERVER_CORE,
    { cwd: MESH_DIR, readyPattern: /Serving GraphQL Mesh/, timeoutMs: 120_000 },
  );
  await sleep(1500);
  return { name: "GraphQL Mesh 0.22 (odata)", child, url: `http://127.0.0.1:${port}/graphql` };
}

// --- measurement ------------------------------------------------------------------------------------

interface Shape {
  requests: number;
  plain: number;
  batch: number;
  batchItems: number;
  token: number;
  discovery: number;
  waves: number;
  tokenWaves: number;
  bytes: number;
  ok: boolean;
}

interface Floor {
  requests: number;
  waves: number;
  tokenWaves?: number;
  latencyMs: number;
  note: string;
}

interface Row {
  scenario: string;
  system: string;
  setting?: string;
  shape: Shape;
  floor?: Floor;
  serial: { p50: number; p99: number; ops: number; errors: number };
  rate?: { rps: number; p50: number; p99: number; ops: number; errors: number };
  closed?: { rps: number; p50: number; p99: number; errors: number };
  cpuMsPerOp: number;
  rssPeakMb: number;
  rssEndMb: number;
  note?: string;
}

async function shapeOf(emu: Emu, op: Op, probes = 3): Promise<Shape> {
  const shapes: Shape[] = [];
  for (let i = 0; i < probes; i++) {
    await emu.control("POST", "/counters/reset");
    const ok = await op().catch(() => false);
    await sleep(20);
    shapes.push(countedShape(await emu.control("GET", "/counters"), ok));
  }
  return medianShape(shapes);
}

/** One operation's shape from the emulator's counters (read after a reset and the operation). */
function countedShape(c: any, ok: boolean): Shape {
  const plain = c.total.graph ?? 0;
  const batch = c.total.batch ?? 0;
  return {
    requests: plain + batch,
    plain,
    batch,
    batchItems: c.total.batchItem ?? 0,
    token: c.total.token ?? 0,
    discovery: c.total.discovery ?? 0,
    waves: c.waves.graph,
    tokenWaves: c.waves.token,
    bytes: Object.values(c.bytes as Record<string, number>).reduce((a, b) => a + b, 0),
    ok,
  };
}

/** The median of each count over several runs of one operation; ok only if every run was. */
function medianShape(shapes: readonly Shape[]): Shape {
  const m = (k: keyof Shape) => median(shapes.map((s) => Number(s[k])));
  return {
    requests: m("requests"),
    plain: m("plain"),
    batch: m("batch"),
    batchItems: m("batchItems"),
    token: m("token"),
    discovery: m("discovery"),
    waves: m("waves"),
    tokenWaves: m("tokenWaves"),
    bytes: m("bytes"),
    ok: shapes.every((s) => s.ok),
  };
}

interface MeasureOptions {
  rate?: number;
  closed?: boolean;
  floor?: Floor;
  setting?: string;
  note?: string;
}

async function measure(emu: Emu, sys: System, scenario: string, op: Op, o: MeasureOptions): Promise<Row> {
  process.stdout.write(`  ${scenario.padEnd(10)} ${sys.name}${o.setting ? ` [${o.setting}]` : ""} … `);
  await serial(op, CFG.warmupMs, 2);
  const shape = await shapeOf(emu, op);
  const rss = new RssSampler(sys.child.pid);
  const cpu0 = cpuMs(sys.child.pid);
  let ops = 0;
  const serials: LoadResult[] = [];
  const rates: LoadResult[] = [];
  const closeds: LoadResult[] = [];
  for (let run = 0; run < CFG.runs; run++) {
    const s = await serial(op, CFG.durationMs, 3);
    serials.push(s);
    ops += s.ops;
    if (o.rate) {
      const r = await fixedRate(op, o.rate, CFG.durationMs);
      rates.push(r);
      ops += r.ops;
    }
    if (o.closed) {
      const c = await closedLoop(op, CFG.conns, CFG.durationMs);
      closeds.push(c);
      ops += c.ops;
    }
  }
  const cpu = cpuMs(sys.child.pid) - cpu0;
  const mem = rss.stop();
  const row: Row = {
    scenario,
    system: sys.name,
    setting: o.setting,
    shape,
    floor: o.floor,
    serial: {
      p50: median(serials.map((r) => pct(r.latencies, 50))),
      p99: median(serials.map((r) => pct(r.latencies, 99))),
      ops: serials.reduce((a, r) => a + r.ops, 0),
      errors: serials.reduce((a, r) => a + r.errors, 0),
    },
    rate: o.rate
      ? {
          rps: o.rate,
          p50: median(rates.map((r) => pct(r.latencies, 50))),
          p99: median(rates.map((r) => pct(r.latencies, 99))),
          ops: rates.reduce((a, r) => a + r.ops, 0),
          errors: rates.reduce((a, r) => a + r.errors, 0),
        }
      : undefined,
    closed: o.closed
      ? {
          rps: median(closeds.map((r) => (r.ops * 1000) / r.elapsedMs)),
          p50: median(closeds.map((r) => pct(r.latencies, 50))),
          p99: median(closeds.map((r) => pct(r.latencies, 99))),
          errors: closeds.reduce((a, r) => a + r.errors, 0),
        }
      : undefined,
    cpuMsPerOp: cpu / ops,
    rssPeakMb: mem.peakMb,
    rssEndMb: mem.endMb,
    note: o.note,
  };
  process.stdout.write(
    `p50 ${round(row.serial.p50)} ms, ${shape.requests} req (${shape.batchItems} items), ${shape.waves} waves${row.serial.errors ? `, ${row.serial.errors} errors` : ""}\n`,
  );
  return row;
}

// --- scenarios ----------------------------------------------------------------------------------------

const Q = {
  S0: "{ me { mode demo } }",
  S1: "query($t: ID!) { customer(id: $t) { users(first: 100) { nodes { id displayName mail } } } }",
  S2: "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id displayName } } }",
  S3: "query($t: ID!) { customer(id: $t) { groups(first: 10) { nodes { id members(first: 20) { nodes { __typename ... on User { id managedDevices { nodes { deviceName complianceState } } } } } } } } }",
  S4: "query($n: Int!) { customers(first: $n) { nodes { id users(first: 5) { nodes { displayName } } managedDevices(first: 1) { totalCount } } } }",
  page: "query($t: ID!, $after: String) { customer(id: $t) { users(first: 999, after: $after) { nodes { id displayName } pageInfo { hasNextPage endCursor } } } }",
};

const MESH_Q = {
  S1: "{ users(queryOptions: { top: 100 }) { id displayName mail } }",
  S2: (ids: string[]) => `{ ${ids.map((id, i) => `u${i}: usersByid(id: "${id}") { id displayName }`).join(" ")} }`,
  S3: "{ groups(queryOptions: { top: 10 }) { id members(queryOptions: { top: 20 }) { id managedDevices { deviceName complianceState } } } }",
};

/**
 * S4's expected errors: customers without an Intune licence answer managedDevices with Graph's 400
 * "Request not applicable to target tenant"; the hand-written client skips those too.
 */
const intuneOnly = (body: any) => Boolean(body?.data?.customers) && (body.errors ?? []).every((e: any) => e.path?.includes("managedDevices"));

const levelFloor = (levels: number[]) => ({
  requests: levels.reduce((a, n) => a + Math.ceil(n / 20), 0),
  waves: levels.reduce((a, n) => a + Math.ceil(Math.ceil(n / 20) / C), 0),
});

function floorOf(requests: number, waves: number, note: string, tokenWaves = 0): Floor {
  return { requests, waves, tokenWaves, latencyMs: waves * GRAPH_MS + tokenWaves * TOKEN_MS, note };
}

// --- S5 and S6: open loop at fixed rates ---------------------------------------------------------------

/** Graph requests of one stretch of counters, and their identity cost (plain requests and batch items). */
interface Cost {
  requests: number;
  plain: number;
  batch: number;
  items: number;
  token: number;
  /** Plain requests + batch items: what Graph throttles one by one. */
  subRequests: number;
  /** Identity ("directory") resource units, by the emulator's cost function (what it sends as x-ms-resource-unit). */
  identityRu: number;
  directory: number;
  intune: number;
  /** Whether the emulator's request log (the last 5,000) held every request of the stretch. */
  logComplete: boolean;
}

function costOf(counters: any): Cost {
  const t = counters.total;
  const plain = t.graph ?? 0;
  const batch = t.batch ?? 0;
  const items = t.batchItem ?? 0;
  let identityRu = 0;
  let directory = 0;
  let intune = 0;
  for (const r of counters.requests as { kind: string; method: string; url: string }[]) {
    if (r.kind !== "graph" && r.kind !== "batchItem") continue;
    let u: URL;
    try {
      u = new URL(r.url, "https://graph.invalid");
    } catch {
      continue;
    }
    const routed = route(r.method, splitPath(u).segments);
    if (!routed.ok) continue;
    if (routed.route.service === "directory") {
      directory += 1;
      identityRu += resourceUnitCost(routed.route.baseCost, u);
    } else if (routed.route.service === "intune") intune += 1;
  }
  return {
    requests: plain + batch,
    plain,
    batch,
    items,
    token: t.token ?? 0,
    subRequests: plain + items,
    identityRu,
    directory,
    intune,
    logComplete: counters.requests.length === plain + items,
  };
}

/** The Graph cost of one operation, measured alone (throttling off); the second of two probes (warm). */
async function probeCost(emu: Emu, op: ClassifiedOp): Promise<Cost & { outcome: string }> {
  let last: (Cost & { outcome: string }) | undefined;
  for (let i = 0; i < 2; i++) {
    await emu.control("POST", "/counters/reset");
    const outcome = await op(AbortSignal.timeout(60_000)).catch(() => "error");
    await sleep(20);
    last = { ...costOf(await emu.control("GET", "/counters")), outcome };
  }
  return last!;
}

interface OpenRun {
  r: OpenLoopResult;
  cost: Cost;
  throttled429: number;
  /** Most Graph requests in flight at once (the emulator's count; one tenant in S5 and S6). */
  maxInFlight: number;
  cpuMs: number;
  rssPeakMb: number;
  rssEndMb: number;
}

async function openRun(emu: Emu, sys: System, op: ClassifiedOp, rate: number, durationMs: number, timeoutMs: number): Promise<OpenRun> {
  await emu.control("POST", "/counters/reset");
  const rss = new RssSampler(sys.child.pid);
  const cpu0 = cpuMs(sys.child.pid);
  const r = await openLoop(op, rate, durationMs, timeoutMs);
  await sleep(20);
  const cpu = cpuMs(sys.child.pid) - cpu0;
  const mem = rss.stop();
  const counters = await emu.control("GET", "/counters");
  return {
    r,
    cost: costOf(counters),
    throttled429: counters.total.throttled ?? 0,
    maxInFlight: counters.concurrency.graph.max,
    cpuMs: cpu,
    rssPeakMb: mem.peakMb,
    rssEndMb: mem.endMb,
  };
}

const naiveName = (c: number) => (c > 0 ? `naive SDK (c=${c})` : "naive SDK (c=∞)");
const perOp = (n: number, ops: number) => (ops > 0 ? n / ops : NaN);

interface S5Row {
  system: string;
  rate: number;
  scheduled: number;
  ok: number;
  throttled: number;
  timeout: number;
  error: number;
  /** Successful operations per second, from the first scheduled start until the last answer. */
  goodputRps: number;
  p50: number;
  p99: number;
  okP50: number;
  okP99: number;
  graphRequestsPerOp: number;
  batchItemsPerOp: number;
  maxInFlight: number;
  tokenRequests: number;
  cpuMsPerOp: number;
  rssPeakMb: number;
  rssEndMb: number;
  elapsedS: number;
}

/**
 * S5: S3 at fixed arrival rates on the realistic profile, partner-graph and the hand-written client.
 * partner-graph runs in a server of its own with its client-side budget at BENCH_S5_BUDGET_SCALE
 * (default 0, off: the emulator does not throttle in S5, and at Graph's real Intune limit of 2,000
 * requests per 20 s one tenant affords about one S3 per second — S6 measures quotas). The
 * hand-written client gets a fresh process per rate, so an abandoned backlog cannot spill over.
 */
async function runS5(emu: Emu, T: string, floor: Floor): Promise<Record<string, unknown>> {
  const cfg = CFG.s5;
  const budget = process.env.BENCH_S5_BUDGET_SCALE ?? "0";
  const rows: S5Row[] = [];
  const skipped: string[] = [];
  process.stdout.write(
    `S5: S3 at ${cfg.rates.join(", ")} rps for ${cfg.durationMs / 1000} s each, realistic latency (Graph lognormal median 100 ms, sigma ${REALISTIC_SIGMA.toFixed(3)}; tokens median 700 ms)\n`,
  );
  await emu.control("PUT", "/latency", REALISTIC);
  try {
    const specs = [
      {
        name: "partner-graph",
        fresh: false,
        start: () => startServer(emu, "subgraph", { GRAPH_BUDGET_SCALE: budget }),
        op: (s: System) => graphqlClassifiedOp(s.url, Q.S3, { t: T }),
      },
      ...cfg.naive.map((c) => ({
        name: naiveName(c),
        fresh: true,
        start: () => startNaive(emu, c),
        op: (s: System) => naiveClassifiedOp(s.url, { screen: "S3", tenantId: T }),
      })),
    ];
    for (const spec of specs) {
      let sys: System | undefined;
      let stoppedAt: number | undefined;
      for (const rate of cfg.rates) {
        if (stoppedAt !== undefined) {
          skipped.push(`${spec.name} at ${rate} rps: not run (fewer than ${round(cfg.stopBelow * 100, 0)}% of operations succeeded at ${stoppedAt} rps)`);
          continue;
        }
        if (!sys || spec.fresh) sys = await spec.start();
        const op = spec.op(sys);
        // Warm-up: tokens, connections and JIT on this profile.
        for (let i = 0; i < 3; i++) await op(AbortSignal.timeout(cfg.timeoutMs)).catch(() => "error");
        process.stdout.write(`  S5 ${spec.name.padEnd(20)} @ ${String(rate).padStart(3)} rps … `);
        const m = await openRun(emu, sys, op, rate, cfg.durationMs, cfg.timeoutMs);
        if (spec.fresh) {
          await sys.child.stop();
          sys = undefined;
        }
        const r = m.r;
        const row: S5Row = {
          system: spec.name,
          rate,
          scheduled: r.scheduled,
          ok: r.outcomes.ok,
          throttled: r.outcomes.throttled,
          timeout: r.outcomes.timeout,
          error: r.outcomes.error,
          goodputRps: (r.outcomes.ok * 1000) / r.elapsedMs,
          p50: pct(r.latencies, 50),
          p99: pct(r.latencies, 99),
          okP50: pct(r.okLatencies, 50),
          okP99: pct(r.okLatencies, 99),
          graphRequestsPerOp: perOp(m.cost.requests, r.scheduled),
          batchItemsPerOp: perOp(m.cost.items, r.scheduled),
          maxInFlight: m.maxInFlight,
          tokenRequests: m.cost.token,
          cpuMsPerOp: perOp(m.cpuMs, r.scheduled),
          rssPeakMb: m.rssPeakMb,
          rssEndMb: m.rssEndMb,
          elapsedS: r.elapsedMs / 1000,
        };
        rows.push(row);
        const errs = row.throttled + row.timeout + row.error;
        process.stdout.write(
          `${row.ok}/${row.scheduled} ok, goodput ${f(row.goodputRps, 2)}/s, p50 ${f(row.p50, 0)} p99 ${f(row.p99, 0)} ms, ${f(row.graphRequestsPerOp, 2)} Graph req/op, ≤${row.maxInFlight} in flight, CPU ${f(row.cpuMsPerOp, 1)} ms/op, RSS ${f(row.rssPeakMb, 0)} MB${errs ? `, errors ${row.throttled} throttled / ${row.timeout} timeout / ${row.error} other` : ""}\n`,
        );
        if (cfg.stopBelow > 0 && row.ok < cfg.stopBelow * row.scheduled) stoppedAt = rate;
      }
      if (sys) await sys.child.stop();
    }
  } finally {
    await emu.control("PUT", "/latency", FIXED);
  }
  return {
    profile: REALISTIC,
    durationS: cfg.durationMs / 1000,
    timeoutS: cfg.timeoutMs / 1000,
    partnerGraphBudgetScale: Number(budget),
    minGraphRequestsPerOp: floor.requests,
    rows,
    skipped,
  };
}

interface S6Row {
  scenario: string;
  system: string;
  budget: string;
  throttleScale: number;
  rate: number;
  scheduled: number;
  ok: number;
  /** Answers that were THROTTLED (partner-graph) or a 429 after the SDK's retries (hand-written). */
  throttled: number;
  timeout: number;
  error: number;
  goodputRps: number;
  /** 429s the emulator gave (plain requests and batch items). */
  graph429: number;
  requestsPerOp: number;
  subRequestsPerOp: number;
  minSubRequestsPerOp: number;
  /** Sub-requests sent beyond the minimum × operations (≥ 0): retries. */
  retries: number;
  p50: number;
  p99: number;
  okP50: number;
  okP99: number;
  /** Identity RU of one operation, measured alone (what one successful operation costs). */
  identityRuPerOp: number;
  /** Identity RU of every sub-request sent during the run (429'd ones included) per operation; null when the log overflowed. */
  identityRuSentPerOp: number | null;
  intunePerOp: number;
  cpuMsPerOp: number;
  rssPeakMb: number;
}

/**
 * S6: S2 and S3 with the emulator's throttling on at `throttleScale` (every limit multiplied by it),
 * at a fixed rate: partner-graph with its budget scaled the same, partner-graph with the budget off,
 * and the hand-written client (the Graph SDK's default retry: 3 retries after Retry-After). Each run
 * gets a fresh process and full buckets; tokens are warmed with a 1-RU call before throttling is on.
 */
async function runS6(emu: Emu, ours: System, T: string, users: number, ids: string[], reps: unknown[]): Promise<Record<string, unknown>> {
  const cfg = CFG.s6;
  const scale = cfg.throttleScale;
  const before = await emu.control("GET", "/settings");
  process.stdout.write(
    `S6: S2 at ${cfg.rates.S2} rps and S3 at ${cfg.rates.S3} rps for ${cfg.durationMs / 1000} s, emulator throttling on at scale ${scale}\n`,
  );
  const oursOp = (s: string, sys: System) => (s === "S2" ? graphqlClassifiedOp(sys.url, Q.S2, { r: reps }) : graphqlClassifiedOp(sys.url, Q.S3, { t: T }));
  const naiveOp = (s: string, sys: System) => naiveClassifiedOp(sys.url, s === "S2" ? { screen: "S2", tenantId: T, ids } : { screen: "S3", tenantId: T });

  // One operation alone, throttling off: its minimum sub-requests and identity RU.
  await emu.control("PUT", "/settings", { throttling: false });
  const probes: Record<string, { ours: Cost; naive: Cost }> = {};
  const probeNaive = await startNaive(emu, CFG.naiveConcurrency);
  try {
    for (const s of ["S2", "S3"]) probes[s] = { ours: await probeCost(emu, oursOp(s, ours)), naive: await probeCost(emu, naiveOp(s, probeNaive)) };
  } finally {
    await probeNaive.child.stop();
  }

  const systems = [
    { name: "partner-graph", budget: `×${scale}`, start: () => startServer(emu, "subgraph", { GRAPH_BUDGET_SCALE: String(scale) }), naive: false },
    { name: "partner-graph", budget: "off", start: () => startServer(emu, "subgraph", { GRAPH_BUDGET_SCALE: "0" }), naive: false },
    { name: naiveName(CFG.naiveConcurrency), budget: "–", start: () => startNaive(emu, CFG.naiveConcurrency), naive: true },
  ];
  const rows: S6Row[] = [];
  try {
    for (const s of ["S2", "S3"]) {
      const rate = cfg.rates[s]!;
      for (const spec of systems) {
        const sys = await spec.start();
        try {
          // Tokens and connections, with throttling off and a 1-RU call ($select, one list).
          if (spec.naive) await postJson(sys.url, { screen: "S1", tenantId: T });
          else await postJson(sys.url, { query: Q.S1, variables: { t: T } });
          await emu.control("POST", "/throttling/reset");
          await emu.control("PUT", "/settings", { throttling: true, throttleScale: scale });
          process.stdout.write(`  S6 ${s} ${`${spec.name} [budget ${spec.budget}]`.padEnd(32)} @ ${rate} rps … `);
          const op = spec.naive ? naiveOp(s, sys) : oursOp(s, sys);
          let m: OpenRun;
          try {
            m = await openRun(emu, sys, op, rate, cfg.durationMs, cfg.timeoutMs);
          } finally {
            await emu.control("PUT", "/settings", { throttling: before.throttling, throttleScale: before.throttleScale });
          }
          const probe = spec.naive ? probes[s]!.naive : probes[s]!.ours;
          const r = m.r;
          const row: S6Row = {
            scenario: s,
            system: spec.name,
            budget: spec.budget,
            throttleScale: scale,
            rate,
            scheduled: r.scheduled,
            ok: r.outcomes.ok,
            throttled: r.outcomes.throttled,
            timeout: r.outcomes.timeout,
            error: r.outcomes.error,
            goodputRps: (r.outcomes.ok * 1000) / r.elapsedMs,
            graph429: m.throttled429,
            requestsPerOp: perOp(m.cost.requests, r.scheduled),
            subRequestsPerOp: perOp(m.cost.subRequests, r.scheduled),
            minSubRequestsPerOp: probe.subRequests,
            retries: Math.max(0, m.cost.subRequests - probe.subRequests * r.scheduled),
            p50: pct(r.latencies, 50),
            p99: pct(r.latencies, 99),
            okP50: pct(r.okLatencies, 50),
            okP99: pct(r.okLatencies, 99),
            identityRuPerOp: probe.identityRu,
            identityRuSentPerOp: m.cost.logComplete ? perOp(m.cost.identityRu, r.scheduled) : null,
            intunePerOp: probe.intune,
            cpuMsPerOp: perOp(m.cpuMs, r.scheduled),
            rssPeakMb: m.rssPeakMb,
          };
          rows.push(row);
          process.stdout.write(
            `${row.ok}/${row.scheduled} ok, goodput ${f(row.goodputRps, 2)}/s, ${row.graph429} × 429, ${row.retries} retries, ${row.throttled} THROTTLED, ${row.timeout + row.error} other errors, p50 ${f(row.p50, 0)} p99 ${f(row.p99, 0)} ms, ${row.identityRuPerOp} RU/op\n`,
          );
        } finally {
          await sys.child.stop();
        }
      }
    }
  } finally {
    await emu.control("PUT", "/settings", { throttling: before.throttling, throttleScale: before.throttleScale });
    await emu.control("POST", "/throttling/reset");
  }
  const size = users < 50 ? "S" : users <= 500 ? "M" : "L";
  const identity = { S: 3500, M: 5000, L: 8000 }[size];
  return {
    throttleScale: scale,
    rates: cfg.rates,
    durationS: cfg.durationMs / 1000,
    timeoutS: cfg.timeoutMs / 1000,
    tenantSize: size,
    limits: `at scale ${scale} the emulator allows this ${size} tenant (${users} users) ${round(identity * scale, 1)} identity RU per 10 s and ${round(2000 * scale, 1)} Intune requests per 20 s per app; partner-graph's budget at ×${scale} plans for an S tenant: ${round(3500 * scale * 0.9, 1)} RU per 10 s and ${round(2000 * scale * 0.9, 1)} Intune requests per 20 s (90%)`,
    probes,
    rows,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  pinSelf(LOAD_CORE);
  const rows: Row[] = [];
  const extra: Record<string, unknown> = {};
  const notes: string[] = [];
  process.stdout.write(
    `bench: runs ${CFG.runs}, warm-up ${CFG.warmupMs / 1000} s, ${CFG.durationMs / 1000} s per mode; pinned: ${canPin() ? "yes (servers core 0, emulator and load core 1)" : "no (taskset or a second core missing)"}\n`,
  );

  // ---- demo world: S0–S4 -------------------------------------------------------------------------
  let emu = await startEmu("demo");
  let ours = await startServer(emu, "subgraph");
  const tenants = await emu.control("GET", "/tenants");
  const customer = [...tenants.customers].filter((c: any) => c.region === "NA").sort((a: any, b: any) => b.sizes.users - a.sizes.users)[0];
  const T: string = customer.id;
  const partnerOf: string = customer.partnerTenantId;
  process.stdout.write(`tenant ${T} (${customer.displayName}: ${customer.sizes.users} users, ${customer.sizes.groups} groups)\n`);

  // Shapes from the data: S2's ids, S3's user members.
  const s1 = await postJson(ours.url, { query: Q.S1, variables: { t: T } });
  const ids: string[] = s1.body.data.customer.users.nodes.map((u: any) => u.id).slice(0, 100);
  const reps = ids.map((id) => ({ __typename: "User", tenantId: T, id }));
  const s3 = await postJson(ours.url, { query: Q.S3, variables: { t: T } });
  const groups = s3.body.data?.customer?.groups?.nodes ?? [];
  const userIds = new Set<string>();
  for (const g of groups) for (const m of g.members.nodes) if (m.__typename === "User") userIds.add(m.id);
  const s3Levels = [groups.length, groups.length, userIds.size];
  const s4Customers = Math.min(25, tenants.customers.length);
  const partners = emu.partnerConfig.partnerTenants.length;
  const f3 = levelFloor([1, groups.length, userIds.size]);
  const floors: Record<string, Floor> = {
    S0: floorOf(0, 0, "no upstream"),
    S1: floorOf(1, 1, "one list call"),
    S2: floorOf(1, 1, "one getByIds for ≤1,000 ids (5 $batch / 2 waves without it)"),
    S3: floorOf(f3.requests, f3.waves, `levels 1 → ${groups.length} groups → ${userIds.size} distinct users; ⌈n/20⌉ per level, c=${C}`),
    S4: floorOf(
      partners + s4Customers,
      2,
      `${partners} regional partner lists (one batch each) + ${s4Customers} customer tenants (users and device count in one batch each)`,
    ),
  };
  extra.s3Shape = { groups: s3Levels[0], members: groups.reduce((a: number, g: any) => a + g.members.nodes.length, 0), distinctUsers: userIds.size };

  const oursOps: Record<string, Op> = {
    S0: graphqlOp(ours.url, Q.S0, undefined),
    S1: graphqlOp(ours.url, Q.S1, { t: T }),
    S2: graphqlOp(ours.url, Q.S2, { r: reps }),
    S3: graphqlOp(ours.url, Q.S3, { t: T }),
    S4: graphqlOp(ours.url, Q.S4, { n: s4Customers }, {}, intuneOnly),
  };
  if (CFG.main) {
    process.stdout.write("partner-graph:\n");
    for (const s of ["S0", "S1", "S2", "S3", "S4"]) {
      rows.push(await measure(emu, ours, s, oursOps[s]!, { rate: CFG.rates[s], closed: true, floor: floors[s] }));
    }

    // The floor client: partner-graph's own S3 requests and nothing else, measured alike in the same run.
    const floorClient = await startFloorClient(emu);
    process.stdout.write(`${FLOOR_NAME}:\n`);
    const s3Plan = await capturePlan(emu, ours, Q.S3, { t: T }, s3WaveOf);
    rows.push(
      await measure(emu, floorClient, "S3", await floorOpOf(floorClient, "S3", s3Plan), {
        rate: CFG.rates.S3,
        closed: true,
        floor: floors.S3,
        note: `partner-graph's ${s3Plan.requests} requests in ${s3Plan.waves.length} waves, each answer parsed, a ${s3Plan.response.length}-byte response written`,
      }),
    );
    await floorClient.child.stop();

    // S0 baseline: a bare graphql-http server of the same SDL.
    const bare = await startServer(emu, "graphql-http");
    process.stdout.write("baseline:\n");
    rows.push(await measure(emu, bare, "S0", graphqlOp(bare.url, Q.S0, undefined), { rate: CFG.rates.S0, closed: true, floor: floors.S0 }));
    await bare.child.stop();

    // The hand-written client.
    for (const c of [CFG.naiveConcurrency, 0]) {
      const naive = await startNaive(emu, c);
      process.stdout.write(`${naive.name}:\n`);
      const nop =
        (payload: unknown): Op =>
        async () => {
          const r = await postJson(naive.url, payload);
          return r.status === 200 && r.body.ok === true;
        };
      const screens: [string, unknown][] = [
        ["S1", { screen: "S1", tenantId: T }],
        ["S2", { screen: "S2", tenantId: T, ids }],
        ["S3", { screen: "S3", tenantId: T }],
        ["S4", { screen: "S4", first: s4Customers }],
      ];
      for (const [s, payload] of screens) {
        if (c === 0 && (s === "S1" || s === "S4")) continue;
        rows.push(await measure(emu, naive, s, nop(payload), { floor: floors[s] }));
      }
      await naive.child.stop();
    }

    // GraphQL Mesh, with the batch limit enforced and lenient.
    if (CFG.mesh) {
      try {
        const token = await appToken(emu, T, partnerOf);
        const mesh = await startMesh(emu, token);
        const auth = { authorization: `Bearer ${token}` };
        const meshOps: Record<string, Op> = {
          S1: graphqlOp(mesh.url, MESH_Q.S1, undefined, auth),
          S2: graphqlOp(mesh.url, MESH_Q.S2(ids), undefined, auth),
          S3: graphqlOp(mesh.url, MESH_Q.S3, undefined, auth),
        };
        for (const setting of ["enforce", "lenient"] as const) {
          await emu.control("PUT", "/settings", { batchLimit: setting });
          process.stdout.write(`${mesh.name} [batch limit ${setting}]:\n`);
          for (const s of ["S1", "S2", "S3"]) {
            rows.push(
              await measure(emu, mesh, s, meshOps[s]!, {
                rate: CFG.rates[s],
                closed: setting === "lenient",
                floor: floors[s],
                setting: `batch limit ${setting}`,
              }),
            );
          }
          // Ours under the lenient setting too, so the comparison is like for like.
          if (setting === "lenient") {
            for (const s of ["S1", "S2", "S3"]) {
              rows.push(await measure(emu, ours, s, oursOps[s]!, { rate: CFG.rates[s], closed: true, floor: floors[s], setting: "batch limit lenient" }));
            }
          }
        }
        await emu.control("PUT", "/settings", { batchLimit: "enforce" });
        await mesh.child.stop();
      } catch (err) {
        notes.push(`Mesh not measured: ${(err as Error).message.split("\n")[0]}`);
        process.stdout.write(`Mesh failed: ${(err as Error).message}\n`);
      }
    }

    // S4 cold: a fresh server process per run, first operation (every token and region lookup cold).
    {
      const cold: Shape[] = [];
      const lat: number[] = [];
      for (let i = 0; i < CFG.coldRuns; i++) {
        await ours.child.stop();
        ours = await startServer(emu, "subgraph");
        await emu.control("POST", "/counters/reset");
        const op = graphqlOp(ours.url, Q.S4, { n: s4Customers }, {}, intuneOnly);
        const t = performance.now();
        const ok = await op();
        lat.push(performance.now() - t);
        await sleep(20);
        cold.push(countedShape(await emu.control("GET", "/counters"), ok));
      }
      rows.push({
        scenario: "S4 cold",
        system: ours.name,
        shape: medianShape(cold),
        floor: floorOf(floors.S4!.requests, 2, `${floors.S4!.note}; plus ${partners} partner and ${s4Customers} customer tokens in two token waves`, 2),
        serial: { p50: median(lat), p99: Math.max(...lat), ops: lat.length, errors: cold.filter((s) => !s.ok).length },
        cpuMsPerOp: NaN,
        rssPeakMb: NaN,
        rssEndMb: NaN,
        note: `first operation of a fresh server process, ${lat.length} runs (p99 column = max)`,
      });
    }
  }

  // ---- live memory per in-flight S3 operation (part of main; BENCH_ONLY=memory runs it alone) --------
  if (CFG.main || CFG.memory) {
    process.stdout.write("live memory per in-flight S3 operation … ");
    extra.s3Memory = await inFlightMemory(emu, T);
    process.stdout.write(`${f((extra.s3Memory as any).heapMbPerOp, 2)} MB heap per operation at the peak\n`);
  }

  // ---- S5: S3 at fixed arrival rates, realistic latency --------------------------------------------
  if (CFG.s5.on) {
    extra.s5 = await runS5(emu, T, floors.S3!);
  }

  // ---- S6: S2 and S3 with throttling on ------------------------------------------------------------
  if (CFG.s6.on) {
    extra.s6 = await runS6(emu, ours, T, customer.sizes.users, ids, reps);
  }
  await ours.child.stop();
  await emu.child.stop();

  // ---- scale ----------------------------------------------------------------------------------------
  if (CFG.scale) {
    process.stdout.write("scale: 1,000 customers\n");
    emu = await startEmu("scale-customers");
    ours = await startServer(emu, "subgraph");
    const all = (await emu.control("GET", "/tenants")).customers.length;
    const p = emu.partnerConfig.partnerTenants.length;
    const s4Op = graphqlOp(ours.url, Q.S4, { n: 25 }, {}, intuneOnly);
    rows.push(
      await measure(emu, ours, "S4 (1k)", s4Op, {
        floor: floorOf(p + 25, 2, `${all} customers; ${p} partner lists + 25 tenants`),
        note: `${all} customers, first 25`,
      }),
    );
    const wide = Math.min(999, all);
    rows.push(
      await measure(emu, ours, `S4 (${wide})`, graphqlOp(ours.url, Q.S4, { n: wide }, {}, intuneOnly), {
        floor: floorOf(p + wide, 2, `${p} partner lists + ${wide} tenants, one batch each`),
        note: `customers(first: ${wide}) over ${all}`,
      }),
    );
    {
      const floorClient = await startFloorClient(emu);
      const plan = await capturePlan(emu, ours, Q.S4, { n: wide }, () => 0);
      rows.push(
        await measure(emu, floorClient, `S4 (${wide})`, await floorOpOf(floorClient, `S4 (${wide})`, plan), {
          floor: floorOf(p + wide, 2, `${p} partner lists + ${wide} tenants, one batch each`),
          note: `partner-graph's ${plan.requests} requests (${plan.subRequests} items) in one wave, each answer parsed, a ${plan.response.length}-byte response written (${(JSON.parse(plan.response).errors ?? []).length} errors in it, as in partner-graph's)`,
        }),
      );
      await floorClient.child.stop();
    }
    await ours.child.stop();
    await emu.child.stop();

    process.stdout.write("scale: 100,000-user tenant\n");
    emu = await startEmu("scale-users");
    ours = await startServer(emu, "subgraph");
    const huge = [...(await emu.control("GET", "/tenants")).customers].sort((a: any, b: any) => b.sizes.users - a.sizes.users)[0];
    // Paging the whole tenant, RSS sampled after every page.
    await emu.control("POST", "/counters/reset");
    const series: { page: number; rssMb: number }[] = [];
    const pageLat: number[] = [];
    const sampler = new RssSampler(ours.child.pid, 500);
    const cpu0 = cpuMs(ours.child.pid);
    let after: string | null = null;
    let pages = 0;
    let users = 0;
    let pageErrors = 0;
    const firstIds: string[] = [];
    const t0 = performance.now();
    for (;;) {
      const t = performance.now();
      const r = await postJson(ours.url, { query: Q.page, variables: { t: huge.id, after } });
      pageLat.push(performance.now() - t);
      const conn = r.body?.data?.customer?.users;
      if (!conn) {
        pageErrors++;
        break;
      }
      pages++;
      users += conn.nodes.length;
      for (const u of conn.nodes) if (firstIds.length < 1000) firstIds.push(u.id);
      if (pages === 1 || pages % 10 === 0) series.push({ page: pages, rssMb: round(sampler.sample(), 1)! });
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    const elapsed = performance.now() - t0;
    const pageCpu = cpuMs(ours.child.pid) - cpu0;
    series.push({ page: pages, rssMb: round(sampler.sample(), 1)! });
    const mem = sampler.stop();
    const c = await emu.control("GET", "/counters");
    const sortedPages = [...pageLat].sort((a, b) => a - b);
    extra.paging = {
      tenantUsers: huge.sizes.users,
      usersRead: users,
      pages,
      errors: pageErrors,
      elapsedMs: round(elapsed, 0),
      graphRequests: (c.total.graph ?? 0) + (c.total.batch ?? 0),
      waves: c.waves.graph,
      // One request per page, plus the customer listing of the first operation (one batch per partner tenant).
      floorRequests: Math.ceil(huge.sizes.users / 999) + (await emu.control("GET", "/partner-config")).partnerTenants.length,
      pageP50Ms: round(pct(sortedPages, 50)),
      pageP99Ms: round(pct(sortedPages, 99)),
      cpuMsPerPage: round(pageCpu / Math.max(1, pages), 2),
      rssPeakMb: round(mem.peakMb),
      rssEndMb: round(mem.endMb),
      rssSeries: series,
    };
    process.stdout.write(`  paging: ${users} users in ${pages} pages, RSS ${series.map((s) => s.rssMb).join(" → ")} MB\n`);
    // _entities with 1,000 representations.
    const thousand = firstIds.map((id) => ({ __typename: "User", tenantId: huge.id, id }));
    const n = thousand.length;
    const lf = levelFloor([n]);
    rows.push(
      await measure(emu, ours, `S2 (${n})`, graphqlOp(ours.url, Q.S2, { r: thousand }), {
        floor: floorOf(1, 1, `one getByIds (≤1,000 ids); ${lf.requests} $batch / ${lf.waves} waves without it`),
        note: `_entities with ${n} representations`,
      }),
    );
    await ours.child.stop();
    await emu.child.stop();
  }

  // ---- output --------------------------------------------------------------------------------------
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    machine: { cores: Number(execFileSync("nproc", ["--all"]).toString().trim()), pinned: canPin() },
    profile: { graphMs: GRAPH_MS, tokenMs: TOKEN_MS, c: C },
    config: CFG,
    tenant: { id: T, displayName: customer.displayName, sizes: customer.sizes },
    durationS: round((Date.now() - started) / 1000, 0),
    rows,
    extra,
    goals: goals(rows, extra),
    notes,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(resolve(RESULTS, `${CFG.out}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const md = markdown(result);
  writeFileSync(resolve(RESULTS, `${CFG.out}.md`), md);
  process.stdout.write(`\n${md}\nwritten: bench/results/${CFG.out}.json, bench/results/${CFG.out}.md (${result.durationS} s)\n`);
}

// --- reporting ------------------------------------------------------------------------------------------

const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : String(round(x, d)));
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : "–");

interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

function find(rows: Row[], scenario: string, system: string, setting?: string): Row | undefined {
  return rows.find((r) => r.scenario === scenario && r.system.startsWith(system) && r.setting === setting);
}

interface FloorComparison {
  scenario: string;
  customers: number;
  apiCpuPerCustomer: number;
  floorCpuPerCustomer: number;
  apiP50: number;
  floorP50: number;
}

/** partner-graph against the floor client, per scenario both ran in (same run, same modes). */
function floorComparisons(rows: Row[]): FloorComparison[] {
  return rows
    .filter((r) => r.system === FLOOR_NAME)
    .flatMap((fl) => {
      const api = find(rows, fl.scenario, "partner-graph");
      if (!api) return [];
      const customers = Number(/^S4 \((\d+)\)$/.exec(fl.scenario)?.[1] ?? 1);
      return [
        {
          scenario: fl.scenario,
          customers,
          apiCpuPerCustomer: api.cpuMsPerOp / customers,
          floorCpuPerCustomer: fl.cpuMsPerOp / customers,
          apiP50: api.serial.p50,
          floorP50: fl.serial.p50,
        },
      ];
    });
}

function goals(rows: Row[], extra: Record<string, any>): Goal[] {
  const out: Goal[] = [];
  for (const r of rows.filter((r) => r.system === "partner-graph" && !r.setting && r.floor && r.scenario !== "S0")) {
    const fl = r.floor!;
    // A scenario whose operations failed proves nothing about its request count: never "met".
    const answered = r.serial.errors === 0;
    const failedNote = answered ? "" : ` (operations failed: ${r.serial.errors})`;
    out.push({
      goal: `${r.scenario}: Graph requests = minimum (${fl.requests})`,
      measured: `${r.shape.requests} (${ratio(r.shape.requests, fl.requests)})${failedNote}`,
      met: answered && r.shape.requests <= fl.requests,
    });
    out.push({ goal: `${r.scenario}: waves = floor (${fl.waves})`, measured: `${r.shape.waves}${failedNote}`, met: answered && r.shape.waves <= fl.waves });
    if (!r.scenario.includes("cold")) {
      out.push({
        goal: `${r.scenario}: p50 at 1 client ≤ floor + 15 ms (${fl.latencyMs + 15} ms)`,
        measured: `${f(r.serial.p50)} ms`,
        met: r.serial.p50 <= fl.latencyMs + 15,
      });
    }
  }
  for (const s of ["S2", "S3"]) {
    const o = find(rows, s, "partner-graph");
    const n = find(rows, s, "naive SDK (c=4)") ?? find(rows, s, "naive SDK");
    if (o && n) {
      out.push({
        goal: `${s}: requests ≤ 0.06× hand-written`,
        measured: `${o.shape.requests} vs ${n.shape.requests} (${ratio(o.shape.requests, n.shape.requests)})`,
        met: o.shape.requests <= 0.06 * n.shape.requests,
      });
      out.push({
        goal: `${s}: p50 ≤ 0.15× hand-written`,
        measured: `${f(o.serial.p50)} vs ${f(n.serial.p50)} ms (${ratio(o.serial.p50, n.serial.p50)})`,
        met: o.serial.p50 <= 0.15 * n.serial.p50,
      });
    }
  }
  for (const c of floorComparisons(rows)) {
    if (!c.scenario.startsWith("S4 (")) continue;
    out.push({
      goal: `${c.scenario}: server CPU per customer ≤ 1.5× the floor client's`,
      measured: `${f(c.apiCpuPerCustomer, 3)} vs ${f(c.floorCpuPerCustomer, 3)} ms (${ratio(c.apiCpuPerCustomer, c.floorCpuPerCustomer)})`,
      met: c.apiCpuPerCustomer <= 1.5 * c.floorCpuPerCustomer,
    });
    out.push({
      goal: `${c.scenario}: p50 ≤ 1.3× the floor client's`,
      measured: `${f(c.apiP50)} vs ${f(c.floorP50)} ms (${ratio(c.apiP50, c.floorP50)})`,
      met: c.apiP50 <= 1.3 * c.floorP50,
    });
    const api = find(rows, c.scenario, "partner-graph")!;
    out.push({ goal: `${c.scenario}: waves ≤ 3`, measured: String(api.shape.waves), met: api.shape.waves <= 3 });
  }
  if (extra.s3Memory) {
    const m = extra.s3Memory;
    out.push({
      goal: `S3: live memory per in-flight operation (${m.inFlight} in flight, after GC) ≤ 0.5 MB`,
      measured: `${f(m.heapMbPerOp, 2)} MB heap (RSS ${f(m.rssMbPerOp, 2)} MB)${m.failed ? `; ${m.failed} operations failed` : ""}`,
      met: m.failed === 0 && Number.isFinite(m.heapMbPerOp) ? m.heapMbPerOp <= 0.5 : null,
    });
  }
  const o0 = find(rows, "S0", "partner-graph");
  const b0 = find(rows, "S0", "graphql-http");
  if (o0?.closed && b0?.closed) {
    out.push({
      goal: "S0: throughput ≥ 0.9× bare graphql-http",
      measured: `${f(o0.closed.rps, 0)} vs ${f(b0.closed.rps, 0)} req/s (${ratio(o0.closed.rps, b0.closed.rps)})`,
      met: o0.closed.rps >= 0.9 * b0.closed.rps,
    });
  }
  for (const s of ["S1", "S2", "S3"]) {
    const ml = find(rows, s, "GraphQL Mesh", "batch limit lenient");
    const ol = find(rows, s, "partner-graph", "batch limit lenient");
    if (ml && ol) {
      out.push({
        goal: `${s} (lenient): sub-requests ≤ Mesh`,
        measured: `${ol.shape.plain + ol.shape.batchItems} vs ${ml.shape.plain + ml.shape.batchItems}`,
        met: ol.shape.plain + ol.shape.batchItems <= ml.shape.plain + ml.shape.batchItems,
      });
      const meshFails = ml.serial.errors === ml.serial.ops;
      out.push({
        goal: `${s} (lenient): p50 ≤ 1.1× Mesh`,
        measured: `${f(ol.serial.p50)} vs ${f(ml.serial.p50)} ms (${ratio(ol.serial.p50, ml.serial.p50)})${meshFails ? "; Mesh answered every operation with errors" : ml.serial.errors ? `; Mesh had ${ml.serial.errors} errors` : ""}`,
        met: meshFails ? null : ol.serial.p50 <= 1.1 * ml.serial.p50,
      });
      if (ml.closed && ol.closed) {
        out.push({
          goal: `${s} (lenient): req/s ≥ 1.0× Mesh`,
          measured: `${f(ol.closed.rps, 0)} vs ${f(ml.closed.rps, 0)} (${ratio(ol.closed.rps, ml.closed.rps)})`,
          met: meshFails ? null : ol.closed.rps >= ml.closed.rps,
        });
      }
    }
    const me = find(rows, s, "GraphQL Mesh", "batch limit enforce");
    const oe = find(rows, s, "partner-graph");
    if (me && oe) {
      const ourErr = oe.serial.errors + (oe.rate?.errors ?? 0) + (oe.closed?.errors ?? 0);
      const meshErr = me.serial.errors + (me.rate?.errors ?? 0);
      out.push({
        goal: `${s} (enforced): zero errors`,
        measured: `ours ${ourErr}; Mesh ${meshErr} of ${me.serial.ops + (me.rate?.ops ?? 0)}`,
        met: ourErr === 0,
      });
    }
  }
  if (extra.s6) {
    for (const s of ["S2", "S3"]) {
      const p = extra.s6.probes?.[s];
      if (!p) continue;
      const o = p.ours.identityRu;
      const n = p.naive.identityRu;
      out.push({
        goal: `S6 ${s}: identity RU per operation ≤ 0.5× hand-written`,
        measured: `${o} vs ${n} RU (${ratio(o, n)}); Intune requests ${p.ours.intune} vs ${p.naive.intune} (counted one by one, no savings promised)`,
        met: n > 0 ? o <= 0.5 * n : null,
      });
    }
  }
  if (extra.paging) {
    const p = extra.paging;
    const first = p.rssSeries[0]?.rssMb;
    // Flat: after the first ten pages (caches, pools and JIT warm), RSS grows by at most 10%.
    const settled = p.rssSeries.find((s: any) => s.page === 10)?.rssMb ?? first;
    out.push({
      goal: "Paging 100k users: RSS flat (≤ +10% after page 10)",
      measured: `${first} → ${settled} (page 10) → ${p.rssEndMb} MB (peak ${p.rssPeakMb})`,
      met: p.rssEndMb <= settled * 1.1,
    });
    out.push({
      goal: "Paging 100k users: requests = pages",
      measured: `${p.graphRequests} for ${p.pages} pages (floor ${p.floorRequests})`,
      met: p.graphRequests <= p.floorRequests,
    });
  }
  return out;
}

function markdown(result: any): string {
  const rows: Row[] = result.rows;
  const lines: string[] = [];
  lines.push(
    `Measured ${result.date.slice(0, 10)}, Node ${result.node}, ${result.machine.cores} cores${result.machine.pinned ? " (server core 0; emulator and load core 1)" : ""}; emulator latency: Graph ${GRAPH_MS} ms, token ${TOKEN_MS} ms; ${result.config.runs} run(s) × ${result.config.durationMs / 1000} s per mode, medians. Tenant: ${result.tenant.displayName} (${result.tenant.sizes.users} users).`,
  );
  lines.push("");
  if (rows.length) {
    lines.push(
      "| Scenario | System | Graph req/op (plain+batch) | batch items | waves | floor req / waves / ms | req ratio | p50 / p99 1 client (ms) | p50 / floor | p50 / p99 @ rate (ms) | req/s (closed, " +
        CFG.conns +
        " conns) | errors | CPU ms/op | RSS peak MB | upstream KB/op |",
    );
    lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) {
      const fl = r.floor;
      const errs = r.serial.errors + (r.rate?.errors ?? 0) + (r.closed?.errors ?? 0);
      const total = r.serial.ops + (r.rate?.ops ?? 0);
      lines.push(
        [
          r.scenario,
          `${r.system}${r.setting ? ` [${r.setting}]` : ""}`,
          `${r.shape.requests} (${r.shape.plain}+${r.shape.batch})${r.shape.token ? ` +${r.shape.token} token` : ""}`,
          String(r.shape.batchItems),
          `${r.shape.waves}${r.shape.tokenWaves ? ` +${r.shape.tokenWaves} token` : ""}`,
          fl ? `${fl.requests} / ${fl.waves}${fl.tokenWaves ? `+${fl.tokenWaves}t` : ""} / ${fl.latencyMs}` : "–",
          fl ? ratio(r.shape.requests, fl.requests) : "–",
          `${f(r.serial.p50)} / ${f(r.serial.p99)}`,
          fl && fl.latencyMs > 0 ? ratio(r.serial.p50, fl.latencyMs) : "–",
          r.rate ? `${f(r.rate.p50)} / ${f(r.rate.p99)} @ ${r.rate.rps}/s` : "–",
          r.closed ? f(r.closed.rps, 0) : "–",
          errs ? `${errs}${total ? ` of ≥${total}` : ""}` : "0",
          f(r.cpuMsPerOp, 2),
          f(r.rssPeakMb, 0),
          f(r.shape.bytes / 1024, 1),
        ]
          .join(" | ")
          .replace(/^/, "| ")
          .concat(" |"),
      );
    }
  }
  lines.push("");
  const comparisons = floorComparisons(rows);
  if (comparisons.length) {
    lines.push(
      `**partner-graph / floor client** (same run, same modes): the floor client (\`bench/floor/\`) sends partner-graph's own Graph requests for the operation (the same plain calls and \`$batch\` bodies, wave after wave) over one keep-alive undici Agent, \`JSON.parse\`s every answer and writes a response of the same size with \`JSON.stringify\`: the irreducible work. CPU per customer is CPU per operation over the customers it covers (1 for S3). On this 2-core rig the emulator shares the cores, so the floor client's p50, not the latency floor above, is the latency reachable here.`,
    );
    lines.push("");
    lines.push(
      "| Scenario | customers/op | CPU ms per customer: partner-graph / floor client | CPU ratio | p50 1 client (ms): partner-graph / floor client | p50 ratio |",
    );
    lines.push("|---|---|---|---|---|---|");
    for (const c of comparisons) {
      lines.push(
        `| ${c.scenario} | ${c.customers} | ${f(c.apiCpuPerCustomer, 3)} / ${f(c.floorCpuPerCustomer, 3)} | ${ratio(c.apiCpuPerCustomer, c.floorCpuPerCustomer)} | ${f(c.apiP50)} / ${f(c.floorP50)} | ${ratio(c.apiP50, c.floorP50)} |`,
      );
    }
    lines.push("");
  }
  if (result.extra.s3Memory) {
    const m = result.extra.s3Memory;
    lines.push(
      `Live memory per in-flight S3 operation: ${f(m.heapMbPerOp, 2)} MB of heap at the peak, ${f(m.heapMbPerOpMedian, 2)} MB median over the operations' lifetime (RSS ${f(m.rssMbPerOp, 2)} MB at the peak) — ${m.inFlight} operations at once, Graph answering in ${m.waveMs} ms so all are in the same wave, a full GC every ${m.everyMs} ms until the first answers (heap after GC: idle ${f(m.idle.heapUsedMb, 1)} MB; then ${m.samples.map((w: any) => `${f(w.heapUsedMb, 1)}`).join(", ")} MB), heap above idle per operation.`,
    );
    lines.push("");
  }
  if (result.extra.paging) {
    const p = result.extra.paging;
    lines.push(
      `Paging a ${p.tenantUsers.toLocaleString("en")}-user tenant (users(first: 999) page after page): ${p.usersRead} users in ${p.pages} pages, ${p.graphRequests} Graph requests (floor ${p.floorRequests}), ${p.waves} waves, page p50 ${p.pageP50Ms} ms / p99 ${p.pageP99Ms} ms, ${p.cpuMsPerPage} CPU ms per page, RSS by page: ${p.rssSeries.map((s: any) => `${s.page}: ${s.rssMb}`).join(", ")} MB (peak ${p.rssPeakMb}).`,
    );
    lines.push("");
  }
  if (result.extra.s5) {
    const s5 = result.extra.s5;
    lines.push(
      `**S5** — S3 at fixed arrival rates for ${s5.durationS} s each, realistic latency (Graph lognormal median ${s5.profile.graph.medianMs} ms, sigma ${s5.profile.graph.sigma.toFixed(2)}, p99 ≈ 3× median; tokens median ${s5.profile.token.medianMs} ms); partner-graph's client-side budget ${s5.partnerGraphBudgetScale > 0 ? `×${s5.partnerGraphBudgetScale}` : "off"} (the emulator does not throttle here). Latency from each operation's scheduled start; operations abandoned after ${s5.timeoutS} s count as timeouts. Minimum Graph requests per S3: ${s5.minGraphRequestsPerOp}.`,
    );
    lines.push("");
    lines.push(
      "| System | offered req/s | ops | ok | goodput (ok/s) | p50 / p99 all ops (ms) | p50 / p99 ok ops (ms) | errors (throttled / timeout / other) | Graph req/op | batch items/op | max Graph req in flight | CPU ms/op | RSS peak / end MB |",
    );
    lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of s5.rows as S5Row[]) {
      lines.push(
        `| ${r.system} | ${r.rate} | ${r.scheduled} | ${r.ok} | ${f(r.goodputRps, 2)} | ${f(r.p50, 0)} / ${f(r.p99, 0)} | ${f(r.okP50, 0)} / ${f(r.okP99, 0)} | ${r.throttled} / ${r.timeout} / ${r.error} | ${f(r.graphRequestsPerOp, 2)} | ${f(r.batchItemsPerOp, 1)} | ${r.maxInFlight} | ${f(r.cpuMsPerOp, 2)} | ${f(r.rssPeakMb, 0)} / ${f(r.rssEndMb, 0)} |`,
      );
    }
    for (const sk of s5.skipped as string[]) lines.push(`| ${sk} ||||||||||||`);
    lines.push("");
  }
  if (result.extra.s6) {
    const s6 = result.extra.s6;
    lines.push(
      `**S6** — S2 and S3 with the emulator's throttling on, every limit ×${s6.throttleScale} (${s6.limits}); fixed rate for ${s6.durationS} s, fresh process and full buckets per run. 429s: the emulator's count (plain requests and batch items). Retries: sub-requests sent beyond the operation's minimum × operations. THROTTLED: operations answered THROTTLED (partner-graph) or failing with a 429 after the SDK's 3 retries (hand-written). Identity RU/op: one operation alone, its logged requests priced with the emulator's cost function (the x-ms-resource-unit values it sends; Graph's published table with the $select / $top adjustments); RU sent/op: every sub-request of the run, 429'd ones included ("–" when the emulator's 5,000-request log overflowed).`,
    );
    lines.push("");
    lines.push(
      "| Scenario | System | budget | rate | ops | ok | goodput (ok/s) | 429s | sub-requests/op (min) | retries | THROTTLED | timeout / other | p50 / p99 all ops (ms) | p50 / p99 ok ops (ms) | identity RU/op | RU sent/op | Intune req/op | CPU ms/op |",
    );
    lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of s6.rows as S6Row[]) {
      lines.push(
        `| ${r.scenario} | ${r.system} | ${r.budget} | ${r.rate}/s | ${r.scheduled} | ${r.ok} | ${f(r.goodputRps, 2)} | ${r.graph429} | ${f(r.subRequestsPerOp, 1)} (${r.minSubRequestsPerOp}) | ${r.retries} | ${r.throttled} | ${r.timeout} / ${r.error} | ${f(r.p50, 0)} / ${f(r.p99, 0)} | ${f(r.okP50, 0)} / ${f(r.okP99, 0)} | ${r.identityRuPerOp} | ${r.identityRuSentPerOp === null ? "–" : f(r.identityRuSentPerOp, 1)} | ${r.intunePerOp} | ${f(r.cpuMsPerOp, 2)} |`,
      );
    }
    lines.push("");
  }
  lines.push("| Goal | Measured | Met |");
  lines.push("|---|---|---|");
  for (const g of result.goals as Goal[]) lines.push(`| ${g.goal} | ${g.measured} | ${g.met === null ? "–" : g.met ? "yes" : "**no**"} |`);
  lines.push("");
  for (const n of result.notes as string[]) lines.push(`- ${n}`);
  return `${lines.join("\n")}\n`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
