import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Agent, fetch } from "undici";
import { startEmulator, type RunningEmulator } from "../emulator";
import { GraphBudget, resourceUnits } from "../src/graph/budget";
import { createLogger } from "../src/log";
import { MemoryBudgetStore, RedisBudgetStore, type BudgetStore } from "../src/shared/budgetStore";
import { SharedRedis } from "../src/shared/redisConnection";

/**
 * What sharing through Redis costs and buys, outside the main bench (`npm run bench` does not run it):
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/replicas.js [budget|reserve]
 *
 * - budget: three replicas (the production entry, `node dist/src/main.js`; `npm run build` first) on one
 *   emulator with Graph's limits and the client-side budget at 1%, the same open-loop load on each (one
 *   `getByIds` of 5 RU per operation), once with the budget shared through Redis, once per process.
 *   429s are the emulator's count.
 * - reserve: one reservation (a `$batch` of 20 directory reads) against the local Redis, as each Graph
 *   round trip makes: round trips per second one after another and 64 at a time, latency, and CPU in
 *   this process and in Redis (INFO cpu) per reservation; the memory store beside it.
 *
 * Redis at REDIS_URL (default redis://127.0.0.1:6379); keys under a fresh prefix, deleted at the end.
 */
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const ENTRY = resolve(__dirname, "../src/main.js");

async function main(): Promise<void> {
  const what = process.argv[2] ?? "all";
  if (what === "all" || what === "reserve") await reservations();
  if (what === "all" || what === "budget") await budgets();
}

// --- budget: 429s with the budget shared and per process ------------------------------------------

const SCALE = 0.01;
const REPLICAS = 3;
const RATE_PER_REPLICA = Number(process.env.RATE ?? 0.6); // operations per second: 3 RU/s, under one replica's 3.15 RU/s budget
const SECONDS = Number(process.env.SECONDS ?? 30);

async function budgets(): Promise<void> {
  const emulator = await startEmulator({ settings: { throttling: true } });
  const control = new Agent({ connect: { ca: emulator.caCert } });
  const dir = mkdtempSync(join(tmpdir(), "partner-graph-replicas-"));
  writeFileSync(join(dir, "partner.json"), JSON.stringify(emulator.partnerConfig()), { mode: 0o600 });
  writeFileSync(join(dir, "ca.pem"), emulator.caCert);
  const ctl = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}/_emulator${path}`, {
      method,
      dispatcher: control,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as any;
  };
  const token = await appToken(emulator, control);
  const customers = ((await ctl("GET", "/tenants")).customers as Array<{ id: string; region: string; sizes: { users: number } }>)
    .filter((c) => c.region === "NA" && c.sizes.users > 0)
    .sort((a, b) => a.sizes.users - b.sizes.users);
  const tenant = customers[0]!;
  const rows: string[] = [];
  try {
    for (const mode of ["shared", "per-process"] as const) {
      const prefix = `partner-graph-bench:${randomUUID()}:`;
      const env: Record<string, string> = {
        PARTNER_CONFIG: join(dir, "partner.json"),
        GRAPH_ENDPOINT: emulator.url,
        AUTHORITY_HOST: emulator.url,
        EXTRA_CA_FILE: join(dir, "ca.pem"),
        GRAPH_BUDGET_SCALE: String(SCALE),
        CURSOR_SECRET: "bench-cursor-secret-of-at-least-32-chars",
        LOG_LEVEL: "warn",
        ...(mode === "shared" ? { REDIS_URL, REDIS_KEY_PREFIX: prefix, REDIS_ENCRYPTION_KEY: randomBytes(32).toString("base64") } : {}),
      };
      await ctl("PUT", "/settings", { throttleScale: 1 });
      const replicas = await Promise.all(Array.from({ length: REPLICAS }, () => startReplica(env)));
      try {
        const ask = (r: Replica, query: string, variables?: unknown) => graphql(r.url, token, query, variables);
        for (const r of replicas) await ask(r, "query { customers(first: 1) { nodes { id } } }");
        const users = (await ask(replicas[0]!, `query($id: ID!) { customer(id: $id) { users(first: 10) { nodes { id } } } }`, { id: tenant.id })).data.customer
          .users.nodes as Array<{ id: string }>;
        const reps = users.map((u) => ({ __typename: "User", tenantId: tenant.id, id: u.id }));
        await ctl("PUT", "/settings", { throttleScale: SCALE });
        await ctl("POST", "/throttling/reset");
        await ctl("POST", "/counters/reset");
        const outcomes: Promise<string>[] = [];
        const started = Date.now();
        for (let i = 0; i < RATE_PER_REPLICA * SECONDS; i++) {
          const at = started + (i * 1000) / RATE_PER_REPLICA;
          await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
          for (const r of replicas)
            outcomes.push(
              ask(r, `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }`, { r: reps }).then((b) =>
                b.errors ? `${b.errors[0].extensions?.code}${b.errors[0].extensions?.graphCode ? `/${b.errors[0].extensions.graphCode}` : ""}` : "ok",
              ),
            );
        }
        const done = await Promise.all(outcomes);
        const c = await ctl("GET", "/counters");
        const sent = (c.requests as Array<{ tenantId?: string; kind: string; method: string; url: string }>).filter(
          (r) => r.tenantId === tenant.id && r.kind !== "batch",
        );
        const ru = sent.reduce((n, r) => n + resourceUnits({ method: r.method as "GET" | "POST", url: r.url.replace(/^\/v1\.0/, "") }), 0);
        const tally = (o: string) => done.filter((d) => d === o).length;
        const others = [...new Set(done)].filter((o) => o !== "ok" && o !== "THROTTLED/ClientBudgetExhausted" && o !== "THROTTLED/TooManyRequests");
        rows.push(
          `| ${mode} | ${done.length} | ${tally("ok")} | ${c.byTenant[tenant.id]?.throttled ?? 0} | ${sent.length} | ${ru} | ${tally("THROTTLED/ClientBudgetExhausted")} | ${tally("THROTTLED/TooManyRequests")} | ${others.map((o) => `${o} ${tally(o)}`).join(", ") || "–"} | ${((Date.now() - started) / 1000).toFixed(1)} |`,
        );
      } finally {
        await Promise.all(replicas.map((r) => r.stop()));
        if (mode === "shared") await deleteKeys(prefix);
      }
      await ctl("POST", "/reset");
    }
  } finally {
    await control.close();
    await emulator.close();
  }
  console.log(
    `\n${REPLICAS} replicas, ${RATE_PER_REPLICA} op/s each for ${SECONDS} s, one getByIds (5 RU) per op to one tenant (${tenant.sizes.users} users: Graph allows ${sizeLimit(tenant.sizes.users)} RU per 10 s at ×${SCALE}; the budget plans ${3500 * 0.9 * SCALE} RU per 10 s)`,
  );
  console.log("| budget | ops | ok | 429s (emulator) | Graph requests | RU sent | THROTTLED by the budget | THROTTLED after Graph's 429 | other | s |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}

function sizeLimit(users: number): number {
  const limit = users < 50 ? 3500 : users <= 500 ? 5000 : 8000;
  return Math.round(limit * SCALE);
}

interface Replica {
  url: string;
  stop(): Promise<void>;
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const proc: ChildProcess = spawn(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port), ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`replica exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error("replica did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `${url}/graphql`,
    stop: () =>
      new Promise<void>((r) => {
        if (proc.exitCode !== null) return r();
        proc.once("exit", () => r());
        proc.kill("SIGTERM");
      }),
  };
}

async function graphql(url: string, token: string, query: string, variables?: unknown): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

async function appToken(emulator: RunningEmulator, dispatcher: Agent): Promise<string> {
  const p = emulator.partnerConfig().partnerTenants.find((t) => t.region === "NA")!;
  const res = await fetch(`${emulator.url}/${p.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    dispatcher,
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: p.app.clientId,
      client_secret: p.app.clientSecret!,
      scope: `api://${p.app.clientId}/.default`,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

// --- reserve: the cost of one reservation per Graph round trip ---------------------------------------

/** A round trip's worth of requests: a `$batch` of 20 directory reads (20 × 1 RU). */
const BATCH = Array.from({ length: 20 }, (_, i) => ({ req: { method: "GET" as const, url: `/users/u${i}?$select=id` }, workload: "directory" as const }));
const TENANTS = Array.from({ length: 1000 }, () => randomUUID());

async function reservations(): Promise<void> {
  const prefix = `partner-graph-bench:${randomUUID()}:`;
  const redis = await SharedRedis.connect({ url: REDIS_URL, prefix, timeoutMs: 1_000, log: createLogger("warn") });
  if (!redis.state().available) throw new Error(`Redis at ${REDIS_URL} is not reachable`);
  const failing: BudgetStore = {
    reserve: () => Promise.reject(new Error("fell back to memory")),
    refund: () => Promise.reject(new Error("fell back to memory")),
    hold: () => Promise.reject(new Error("fell back to memory")),
  };
  const inRedis = new GraphBudget(1, new RedisBudgetStore(redis, failing));
  const inMemory = new GraphBudget(1, new MemoryBudgetStore());
  console.log("\none reservation per Graph round trip (a $batch of 20 directory reads), 1,000 tenants round-robin");
  console.log("| store | in flight | reservations | per second | p50 µs | p99 µs | client CPU µs / reservation | Redis CPU µs / reservation |");
  console.log("|---|---|---|---|---|---|---|---|");
  try {
    await measure("Redis", inRedis, 1, 2_000, redis); // warm-up (script loaded, connection warm)
    for (const [budget, name, inFlight, n] of [
      [inRedis, "Redis", 1, 20_000],
      [inRedis, "Redis", 64, 100_000],
      [inMemory, "memory", 1, 200_000],
    ] as const) {
      const m = await measure(name, budget, inFlight, n, name === "Redis" ? redis : undefined);
      console.log(
        `| ${name} | ${inFlight} | ${n} | ${Math.round(m.perSecond)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.clientCpuUs.toFixed(1)} | ${m.redisCpuUs === undefined ? "–" : m.redisCpuUs.toFixed(1)} |`,
      );
    }
  } finally {
    await redis.close();
    await deleteKeys(prefix);
  }
}

async function measure(
  _name: string,
  budget: GraphBudget,
  inFlight: number,
  n: number,
  redis?: SharedRedis,
): Promise<{ perSecond: number; p50: number; p99: number; clientCpuUs: number; redisCpuUs?: number }> {
  const latencies = new Float64Array(n);
  const redisCpu0 = redis ? await redisCpuUs() : 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const s = process.hrtime.bigint();
      await budget.reserve(TENANTS[i % TENANTS.length]!, BATCH);
      latencies[i] = Number(process.hrtime.bigint() - s) / 1000;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const redisCpu = redis ? (await redisCpuUs()) - redisCpu0 : undefined;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    perSecond: n / elapsedS,
    p50: sorted[Math.floor(n * 0.5)]!,
    p99: sorted[Math.floor(n * 0.99)]!,
    clientCpuUs: (cpu.user + cpu.system) / n,
    redisCpuUs: redisCpu === undefined ? undefined : redisCpu / n,
  };
}

/** Redis' own CPU time (user + system, µs) so far, from INFO cpu, through a plain client. */
async function redisCpuUs(): Promise<number> {
  const { createClient } = await import("redis");
  const c = createClient({ url: REDIS_URL });
  await c.connect();
  const info = await c.info("cpu");
  await c.quit();
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return (field("used_cpu_user") + field("used_cpu_sys")) * 1e6;
}

async function deleteKeys(prefix: string): Promise<void> {
  const { createClient } = await import("redis");
  const c = createClient({ url: REDIS_URL });
  await c.connect();
  for await (const key of c.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) await c.del(key);
  await c.quit();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
