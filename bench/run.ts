import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Agent, request } from "undici";
import {
  canPin, closedLoop, cpuMs, envNumber, fixedRate, graphqlOp, median, pct, pinSelf, postJson, round, RssSampler, serial,
  sleep, startChild, type Child, type LoadResult, type Op,
} from "./lib";

/**
 * `npm run bench`: scenarios S0–S4 of ../shared/reference/performance-plan.md against the built-in
 * cloud with its fixed latency profile (Graph 50 ms, tokens 300 ms), with the emulator, the subgraph
 * and each comparison as separate processes: servers on core 0, emulator and this load generator on
 * core 1 (taskset, when the machine has two cores). Per scenario: a warm-up, then `BENCH_RUNS` runs of
 * one client in series, a fixed arrival rate and a closed loop; medians over runs. Writes
 * bench/results/latest.json and latest.md and prints the table.
 *
 * Environment: BENCH_QUICK=1 (about 2 minutes), BENCH_RUNS (3), BENCH_WARMUP_S (1), BENCH_DURATION_S
 * (2, per mode and run), BENCH_CONNS (10), BENCH_RATE_S0..S4, BENCH_COLD_RUNS (3), BENCH_MESH=0 (skip
 * Mesh), BENCH_SCALE=0 (skip the scale runs), BENCH_NAIVE_CONCURRENCY (4).
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
const CFG = {
  runs: envNumber("BENCH_RUNS", QUICK ? 1 : 3),
  warmupMs: envNumber("BENCH_WARMUP_S", 1) * 1000,
  durationMs: envNumber("BENCH_DURATION_S", QUICK ? 1 : 2) * 1000,
  conns: envNumber("BENCH_CONNS", 10),
  coldRuns: envNumber("BENCH_COLD_RUNS", QUICK ? 1 : 3),
  mesh: process.env.BENCH_MESH !== "0",
  scale: process.env.BENCH_SCALE !== "0",
  naiveConcurrency: envNumber("BENCH_NAIVE_CONCURRENCY", C),
  rates: {
    S0: envNumber("BENCH_RATE_S0", 200),
    S1: envNumber("BENCH_RATE_S1", 20),
    // Half or less of what one tenant allows at c = 4 in flight (80 Graph calls/s at 50 ms): S2 makes 5, S3 7.
    S2: envNumber("BENCH_RATE_S2", 8),
    S3: envNumber("BENCH_RATE_S3", 5),
    S4: envNumber("BENCH_RATE_S4", 5),
  } as Record<string, number>,
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

async function startEmu(preset: string): Promise<Emu> {
  mkdirSync(RESULTS, { recursive: true });
  const caFile = resolve(RESULTS, ".emulator-ca.pem.tmp");
  const partnerFile = resolve(RESULTS, ".partner-config.json.tmp");
  const child = await startChild("emulator", [process.execPath, resolve(DIST, "emulatorProcess.js")], { BENCH_PRESET: preset, BENCH_CA_FILE: caFile }, LOAD_CORE, { timeoutMs: 180_000 });
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
  await control("PUT", "/latency", { graph: { kind: "fixed", ms: GRAPH_MS }, token: { kind: "fixed", ms: TOKEN_MS } });
  await control("PUT", "/settings", { throttling: false, batchLimit: "enforce" });
  return { child, url, caFile, partnerFile, partnerConfig: child.info.partnerConfig, agent, control };
}

/** An app-only Graph token for a tenant, through the partner app that serves it (client credentials). */
async function appToken(emu: Emu, tenantId: string, partnerTenantId: string): Promise<string> {
  const partner = emu.partnerConfig.partnerTenants.find((p: any) => p.tenantId === partnerTenantId);
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: partner.app.clientId, client_secret: partner.app.clientSecret, scope: "https://graph.microsoft.com/.default" });
  const res = await request(`${emu.url}/${tenantId}/oauth2/v2.0/token`, { method: "POST", dispatcher: emu.agent, headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
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

async function startServer(emu: Emu, kind: "subgraph" | "graphql-http"): Promise<System> {
  const child = await startChild(kind, [process.execPath, resolve(DIST, "serverProcess.js")], {
    BENCH_SERVER: kind, BENCH_EMULATOR_URL: emu.url, BENCH_CA_FILE: emu.caFile, BENCH_PARTNER_FILE: emu.partnerFile,
  }, SERVER_CORE);
  return { name: kind === "subgraph" ? "partner-graph" : "graphql-http (bare)", child, url: `http://127.0.0.1:${child.info.port}/graphql` };
}

async function startNaive(emu: Emu, concurrency: number): Promise<System> {
  const child = await startChild("naive", [process.execPath, resolve(DIST, "naive/client.js")], {
    BENCH_EMULATOR_URL: emu.url, BENCH_CA_FILE: emu.caFile, BENCH_PARTNER_FILE: emu.partnerFile, BENCH_NAIVE_CONCURRENCY: String(concurrency),
  }, SERVER_CORE);
  return { name: concurrency > 0 ? `naive SDK (c=${concurrency})` : "naive SDK (c=∞)", child, url: `http://127.0.0.1:${child.info.port}/run` };
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
  const variant = xml.replace('<NavigationProperty Name="members" Type="Collection(microsoft.graph.directoryObject)"/>', '<NavigationProperty Name="members" Type="Collection(microsoft.graph.user)"/>');
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
  const child = await startChild("mesh", [process.execPath, resolve(MESH_DIR, "node_modules/@graphql-mesh/cli/cjs/bin.js"), "dev"], {
    NODE_EXTRA_CA_CERTS: emu.caFile, FORK: "0", NODE_ENV: "production", DEBUG: "",
  }, SERVER_CORE, { cwd: MESH_DIR, readyPattern: /Serving GraphQL Mesh/, timeoutMs: 120_000 });
  await sleep(1500);
  return { name: "GraphQL Mesh 0.22 (odata)", child, url: `http://127.0.0.1:${port}/graphql` };
}

// --- measurement ------------------------------------------------------------------------------------

interface Shape {
  requests: number; plain: number; batch: number; batchItems: number; token: number; discovery: number;
  waves: number; tokenWaves: number; bytes: number; ok: boolean;
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
    const c = await emu.control("GET", "/counters");
    const t = c.total;
    const plain = t.graph ?? 0;
    const batch = t.batch ?? 0;
    shapes.push({
      requests: plain + batch, plain, batch, batchItems: t.batchItem ?? 0, token: t.token ?? 0, discovery: t.discovery ?? 0,
      waves: c.waves.graph, tokenWaves: c.waves.token,
      bytes: Object.values(c.bytes as Record<string, number>).reduce((a, b) => a + b, 0), ok,
    });
  }
  const m = (k: keyof Shape) => median(shapes.map((s) => Number(s[k])));
  return {
    requests: m("requests"), plain: m("plain"), batch: m("batch"), batchItems: m("batchItems"), token: m("token"), discovery: m("discovery"),
    waves: m("waves"), tokenWaves: m("tokenWaves"), bytes: m("bytes"), ok: shapes.every((s) => s.ok),
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
    scenario, system: sys.name, setting: o.setting, shape, floor: o.floor,
    serial: {
      p50: median(serials.map((r) => pct(r.latencies, 50))), p99: median(serials.map((r) => pct(r.latencies, 99))),
      ops: serials.reduce((a, r) => a + r.ops, 0), errors: serials.reduce((a, r) => a + r.errors, 0),
    },
    rate: o.rate ? {
      rps: o.rate, p50: median(rates.map((r) => pct(r.latencies, 50))), p99: median(rates.map((r) => pct(r.latencies, 99))),
      ops: rates.reduce((a, r) => a + r.ops, 0), errors: rates.reduce((a, r) => a + r.errors, 0),
    } : undefined,
    closed: o.closed ? {
      rps: median(closeds.map((r) => (r.ops * 1000) / r.elapsedMs)), p50: median(closeds.map((r) => pct(r.latencies, 50))),
      p99: median(closeds.map((r) => pct(r.latencies, 99))), errors: closeds.reduce((a, r) => a + r.errors, 0),
    } : undefined,
    cpuMsPerOp: cpu / ops,
    rssPeakMb: mem.peakMb,
    rssEndMb: mem.endMb,
    note: o.note,
  };
  process.stdout.write(`p50 ${round(row.serial.p50)} ms, ${shape.requests} req (${shape.batchItems} items), ${shape.waves} waves${row.serial.errors ? `, ${row.serial.errors} errors` : ""}\n`);
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

async function main(): Promise<void> {
  const started = Date.now();
  pinSelf(LOAD_CORE);
  const rows: Row[] = [];
  const extra: Record<string, unknown> = {};
  const notes: string[] = [];
  process.stdout.write(`bench: runs ${CFG.runs}, warm-up ${CFG.warmupMs / 1000} s, ${CFG.durationMs / 1000} s per mode; pinned: ${canPin() ? "yes (servers core 0, emulator and load core 1)" : "no (taskset or a second core missing)"}\n`);

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
    S4: floorOf(partners + s4Customers, 2, `${partners} regional partner lists (one batch each) + ${s4Customers} customer tenants (users and device count in one batch each)`),
  };
  extra.s3Shape = { groups: s3Levels[0], members: groups.reduce((a: number, g: any) => a + g.members.nodes.length, 0), distinctUsers: userIds.size };

  const oursOps: Record<string, Op> = {
    S0: graphqlOp(ours.url, Q.S0, undefined),
    S1: graphqlOp(ours.url, Q.S1, { t: T }),
    S2: graphqlOp(ours.url, Q.S2, { r: reps }),
    S3: graphqlOp(ours.url, Q.S3, { t: T }),
    S4: graphqlOp(ours.url, Q.S4, { n: s4Customers }, {}, intuneOnly),
  };
  process.stdout.write("partner-graph:\n");
  for (const s of ["S0", "S1", "S2", "S3", "S4"]) {
    rows.push(await measure(emu, ours, s, oursOps[s]!, { rate: CFG.rates[s], closed: true, floor: floors[s] }));
  }

  // S0 baseline: a bare graphql-http server of the same SDL.
  const bare = await startServer(emu, "graphql-http");
  process.stdout.write("baseline:\n");
  rows.push(await measure(emu, bare, "S0", graphqlOp(bare.url, Q.S0, undefined), { rate: CFG.rates.S0, closed: true, floor: floors.S0 }));
  await bare.child.stop();

  // The hand-written client.
  for (const c of [CFG.naiveConcurrency, 0]) {
    const naive = await startNaive(emu, c);
    process.stdout.write(`${naive.name}:\n`);
    const nop = (payload: unknown): Op => async () => {
      const r = await postJson(naive.url, payload);
      return r.status === 200 && r.body.ok === true;
    };
    const screens: [string, unknown][] = [["S1", { screen: "S1", tenantId: T }], ["S2", { screen: "S2", tenantId: T, ids }], ["S3", { screen: "S3", tenantId: T }], ["S4", { screen: "S4", first: s4Customers }]];
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
          rows.push(await measure(emu, mesh, s, meshOps[s]!, { rate: CFG.rates[s], closed: setting === "lenient", floor: floors[s], setting: `batch limit ${setting}` }));
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
      const c = await emu.control("GET", "/counters");
      cold.push({
        requests: (c.total.graph ?? 0) + (c.total.batch ?? 0), plain: c.total.graph ?? 0, batch: c.total.batch ?? 0, batchItems: c.total.batchItem ?? 0,
        token: c.total.token ?? 0, discovery: c.total.discovery ?? 0, waves: c.waves.graph, tokenWaves: c.waves.token,
        bytes: Object.values(c.bytes as Record<string, number>).reduce((a, b) => a + b, 0), ok,
      });
    }
    const m = (k: keyof Shape) => median(cold.map((s) => Number(s[k])));
    rows.push({
      scenario: "S4 cold", system: ours.name,
      shape: { requests: m("requests"), plain: m("plain"), batch: m("batch"), batchItems: m("batchItems"), token: m("token"), discovery: m("discovery"), waves: m("waves"), tokenWaves: m("tokenWaves"), bytes: m("bytes"), ok: cold.every((s) => s.ok) },
      floor: floorOf(floors.S4!.requests, 2, `${floors.S4!.note}; plus ${partners} partner and ${s4Customers} customer tokens in two token waves`, 2),
      serial: { p50: median(lat), p99: Math.max(...lat), ops: lat.length, errors: cold.filter((s) => !s.ok).length },
      cpuMsPerOp: NaN, rssPeakMb: NaN, rssEndMb: NaN,
      note: `first operation of a fresh server process, ${lat.length} runs (p99 column = max)`,
    });
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
    rows.push(await measure(emu, ours, "S4 (1k)", s4Op, { floor: floorOf(p + 25, 2, `${all} customers; ${p} partner lists + 25 tenants`), note: `${all} customers, first 25` }));
    const wide = Math.min(999, all);
    rows.push(await measure(emu, ours, `S4 (${wide})`, graphqlOp(ours.url, Q.S4, { n: wide }, {}, intuneOnly), { floor: floorOf(p + wide, 2, `${p} partner lists + ${wide} tenants, one batch each`), note: `customers(first: ${wide}) over ${all}` }));
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
      tenantUsers: huge.sizes.users, usersRead: users, pages, errors: pageErrors, elapsedMs: round(elapsed, 0),
      graphRequests: (c.total.graph ?? 0) + (c.total.batch ?? 0), waves: c.waves.graph,
      floorRequests: Math.ceil(huge.sizes.users / 999), pageP50Ms: round(pct(sortedPages, 50)), pageP99Ms: round(pct(sortedPages, 99)),
      cpuMsPerPage: round(pageCpu / Math.max(1, pages), 2), rssPeakMb: round(mem.peakMb), rssEndMb: round(mem.endMb), rssSeries: series,
    };
    process.stdout.write(`  paging: ${users} users in ${pages} pages, RSS ${series.map((s) => s.rssMb).join(" → ")} MB\n`);
    // _entities with 1,000 representations.
    const thousand = firstIds.map((id) => ({ __typename: "User", tenantId: huge.id, id }));
    const n = thousand.length;
    const lf = levelFloor([n]);
    rows.push(await measure(emu, ours, `S2 (${n})`, graphqlOp(ours.url, Q.S2, { r: thousand }), {
      floor: floorOf(1, 1, `one getByIds (≤1,000 ids); ${lf.requests} $batch / ${lf.waves} waves without it`), note: `_entities with ${n} representations`,
    }));
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
  writeFileSync(resolve(RESULTS, "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
  const md = markdown(result);
  writeFileSync(resolve(RESULTS, "latest.md"), md);
  process.stdout.write(`\n${md}\nwritten: bench/results/latest.json, bench/results/latest.md (${result.durationS} s)\n`);
}

// --- reporting ------------------------------------------------------------------------------------------

const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : String(round(x, d)));
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : "–");

interface Goal { goal: string; measured: string; met: boolean | null }

function find(rows: Row[], scenario: string, system: string, setting?: string): Row | undefined {
  return rows.find((r) => r.scenario === scenario && r.system.startsWith(system) && r.setting === setting);
}

function goals(rows: Row[], extra: Record<string, any>): Goal[] {
  const out: Goal[] = [];
  for (const r of rows.filter((r) => r.system === "partner-graph" && !r.setting && r.floor && r.scenario !== "S0")) {
    const fl = r.floor!;
    out.push({ goal: `${r.scenario}: Graph requests = minimum (${fl.requests})`, measured: `${r.shape.requests} (${ratio(r.shape.requests, fl.requests)})`, met: r.shape.requests <= fl.requests });
    out.push({ goal: `${r.scenario}: waves = floor (${fl.waves})`, measured: `${r.shape.waves}`, met: r.shape.waves <= fl.waves });
    if (!r.scenario.includes("cold")) {
      out.push({ goal: `${r.scenario}: p50 at 1 client ≤ floor + 15 ms (${fl.latencyMs + 15} ms)`, measured: `${f(r.serial.p50)} ms`, met: r.serial.p50 <= fl.latencyMs + 15 });
    }
  }
  for (const s of ["S2", "S3"]) {
    const o = find(rows, s, "partner-graph");
    const n = find(rows, s, "naive SDK (c=4)") ?? find(rows, s, "naive SDK");
    if (o && n) {
      out.push({ goal: `${s}: requests ≤ 0.06× hand-written`, measured: `${o.shape.requests} vs ${n.shape.requests} (${ratio(o.shape.requests, n.shape.requests)})`, met: o.shape.requests <= 0.06 * n.shape.requests });
      out.push({ goal: `${s}: p50 ≤ 0.15× hand-written`, measured: `${f(o.serial.p50)} vs ${f(n.serial.p50)} ms (${ratio(o.serial.p50, n.serial.p50)})`, met: o.serial.p50 <= 0.15 * n.serial.p50 });
    }
  }
  const o0 = find(rows, "S0", "partner-graph");
  const b0 = find(rows, "S0", "graphql-http");
  if (o0?.closed && b0?.closed) {
    out.push({ goal: "S0: throughput ≥ 0.9× bare graphql-http", measured: `${f(o0.closed.rps, 0)} vs ${f(b0.closed.rps, 0)} req/s (${ratio(o0.closed.rps, b0.closed.rps)})`, met: o0.closed.rps >= 0.9 * b0.closed.rps });
  }
  for (const s of ["S1", "S2", "S3"]) {
    const ml = find(rows, s, "GraphQL Mesh", "batch limit lenient");
    const ol = find(rows, s, "partner-graph", "batch limit lenient");
    if (ml && ol) {
      out.push({ goal: `${s} (lenient): sub-requests ≤ Mesh`, measured: `${ol.shape.plain + ol.shape.batchItems} vs ${ml.shape.plain + ml.shape.batchItems}`, met: ol.shape.plain + ol.shape.batchItems <= ml.shape.plain + ml.shape.batchItems });
      const meshFails = ml.serial.errors === ml.serial.ops;
      out.push({
        goal: `${s} (lenient): p50 ≤ 1.1× Mesh`,
        measured: `${f(ol.serial.p50)} vs ${f(ml.serial.p50)} ms (${ratio(ol.serial.p50, ml.serial.p50)})${meshFails ? "; Mesh answered every operation with errors" : ml.serial.errors ? `; Mesh had ${ml.serial.errors} errors` : ""}`,
        met: meshFails ? null : ol.serial.p50 <= 1.1 * ml.serial.p50,
      });
      if (ml.closed && ol.closed) {
        out.push({ goal: `${s} (lenient): req/s ≥ 1.0× Mesh`, measured: `${f(ol.closed.rps, 0)} vs ${f(ml.closed.rps, 0)} (${ratio(ol.closed.rps, ml.closed.rps)})`, met: meshFails ? null : ol.closed.rps >= ml.closed.rps });
      }
    }
    const me = find(rows, s, "GraphQL Mesh", "batch limit enforce");
    const oe = find(rows, s, "partner-graph");
    if (me && oe) {
      const ourErr = oe.serial.errors + (oe.rate?.errors ?? 0) + (oe.closed?.errors ?? 0);
      const meshErr = me.serial.errors + (me.rate?.errors ?? 0);
      out.push({ goal: `${s} (enforced): zero errors`, measured: `ours ${ourErr}; Mesh ${meshErr} of ${me.serial.ops + (me.rate?.ops ?? 0)}`, met: ourErr === 0 });
    }
  }
  if (extra.paging) {
    const p = extra.paging;
    const first = p.rssSeries[0]?.rssMb;
    // Flat: after the first ten pages (caches, pools and JIT warm), RSS grows by at most 10%.
    const settled = p.rssSeries.find((s: any) => s.page === 10)?.rssMb ?? first;
    out.push({ goal: "Paging 100k users: RSS flat (≤ +10% after page 10)", measured: `${first} → ${settled} (page 10) → ${p.rssEndMb} MB (peak ${p.rssPeakMb})`, met: p.rssEndMb <= settled * 1.1 });
    out.push({ goal: "Paging 100k users: requests = pages", measured: `${p.graphRequests} for ${p.pages} pages (floor ${p.floorRequests})`, met: p.graphRequests <= p.floorRequests });
  }
  return out;
}

function markdown(result: any): string {
  const rows: Row[] = result.rows;
  const lines: string[] = [];
  lines.push(`Measured ${result.date.slice(0, 10)}, Node ${result.node}, ${result.machine.cores} cores${result.machine.pinned ? " (server core 0; emulator and load core 1)" : ""}; emulator latency: Graph ${GRAPH_MS} ms, token ${TOKEN_MS} ms; ${result.config.runs} run(s) × ${result.config.durationMs / 1000} s per mode, medians. Tenant: ${result.tenant.displayName} (${result.tenant.sizes.users} users).`);
  lines.push("");
  lines.push("| Scenario | System | Graph req/op (plain+batch) | batch items | waves | floor req / waves / ms | req ratio | p50 / p99 1 client (ms) | p50 / floor | p50 / p99 @ rate (ms) | req/s (closed, " + CFG.conns + " conns) | errors | CPU ms/op | RSS peak MB | upstream KB/op |");
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const fl = r.floor;
    const errs = r.serial.errors + (r.rate?.errors ?? 0) + (r.closed?.errors ?? 0);
    const total = r.serial.ops + (r.rate?.ops ?? 0);
    lines.push([
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
    ].join(" | ").replace(/^/, "| ").concat(" |"));
  }
  lines.push("");
  if (result.extra.paging) {
    const p = result.extra.paging;
    lines.push(`Paging a ${p.tenantUsers.toLocaleString("en")}-user tenant (users(first: 999) page after page): ${p.usersRead} users in ${p.pages} pages, ${p.graphRequests} Graph requests (floor ${p.floorRequests}), ${p.waves} waves, page p50 ${p.pageP50Ms} ms / p99 ${p.pageP99Ms} ms, ${p.cpuMsPerPage} CPU ms per page, RSS by page: ${p.rssSeries.map((s: any) => `${s.page}: ${s.rssMb}`).join(", ")} MB (peak ${p.rssPeakMb}).`);
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
