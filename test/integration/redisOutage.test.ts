import { Writable } from "node:stream";
import { CustomerUserIdsDocument } from "../__generated__/operations";
import { seededCustomers, startHarness, type Harness } from "../helpers/harness";
import {
  closedPort,
  connectTestRedis,
  deleteUnder,
  keysUnder,
  newEncryptionKey,
  startRedisProxy,
  uniquePrefix,
  type RedisProxy,
  type TestRedis,
} from "../helpers/redis";
import { createLogger } from "../../src/log";

/** A logger whose JSON lines the test reads. */
function capturedLog() {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger("info", stream), lines, about: (word: RegExp) => lines.filter((l) => word.test(l.msg)) };
}

const WARN = 40;

/** Until `condition` holds (polled every 50 ms), at most `ms`. */
async function eventually(condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Redis is an optimisation the service can lose: unreachable at start or lost while serving, every
 * operation is still answered (the budget, Graph's Retry-After holds and the token cache fall back to the
 * process's memory), with one log line when it goes and one when it is back; then it is shared again.
 */
describe("a Redis outage degrades to memory, never to an error", () => {
  let redis: TestRedis;
  const prefixes: string[] = [];
  let h: Harness | undefined;
  let proxy: RedisProxy | undefined;
  const customerIds: string[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(async () => {
    for (const p of prefixes) await deleteUnder(redis, p);
    await redis?.quit();
  });

  const start = async (redisUrl: string) => {
    const prefix = uniquePrefix("outage");
    prefixes.push(prefix);
    const captured = capturedLog();
    h = await startHarness({
      env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, REDIS_ENCRYPTION_KEY: newEncryptionKey(), CUSTOMER_LIST_TTL_SECONDS: "600" },
      log: captured.log,
    });
    if (customerIds.length === 0) customerIds.push(...(await seededCustomers(h)).filter((c) => c.sizes.users > 0).map((c) => c.id));
    return { prefix, ...captured };
  };
  /** The Redis series of this replica's /metrics. */
  const redisMetrics = async () => {
    const text = await (await fetch(h!.metricsUrl!)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
    return { available: value("partner_graph_redis_available"), fallbacks: value("partner_graph_redis_fallbacks_total") };
  };
  /** Reads a customer's users: the first time for a customer, a token for it is acquired and cached. */
  const read = async (i: number) => (await h!.run(CustomerUserIdsDocument, { id: customerIds[i]!, first: 2 })).body;

  it("starts and serves when Redis cannot be reached (a closed port), saying so once", async () => {
    const { about } = await start(`redis://127.0.0.1:${await closedPort()}`);
    for (let i = 0; i < 3; i++) {
      const answer = await read(i);
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.customer!.users!.nodes.length).toBeGreaterThan(0);
    }
    const said = about(/Redis/);
    expect(said).toHaveLength(1);
    expect(said[0]!.level).toBe(WARN);
    expect(said[0]!.msg).toMatch(/memory/);
  }, 20_000);

  it("answers through an outage while serving, and shares through Redis again once it is back", async () => {
    proxy = await startRedisProxy();
    const { prefix, about } = await start(proxy.url);
    const tokenKeys = () => keysUnder(redis, `${prefix}token:`);

    expect((await read(0)).errors).toBeUndefined();
    const before = await tokenKeys();
    expect(before.some((k) => k.endsWith(`:${customerIds[0]}`))).toBe(true);
    expect(about(/Redis/).filter((l) => l.level >= WARN)).toEqual([]);
    expect(await redisMetrics()).toEqual({ available: 1, fallbacks: 0 });

    await proxy.cut();
    const during = await read(1);
    expect(during.errors).toBeUndefined();
    expect(during.data!.customer!.users!.nodes.length).toBeGreaterThan(0);
    // Its token went to memory: nothing of customer 1 in Redis.
    expect((await tokenKeys()).some((k) => k.endsWith(`:${customerIds[1]}`))).toBe(false);
    const lost = about(/Redis/).filter((l) => l.level >= WARN);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.msg).toMatch(/memory/);
    const degraded = await redisMetrics();
    expect(degraded.available).toBe(0);
    expect(degraded.fallbacks).toBeGreaterThan(0);

    await proxy.restore();
    await eventually(() => about(/Redis/).some((l) => l.level < WARN && /back/.test(l.msg)));
    expect((await read(2)).errors).toBeUndefined();
    expect((await tokenKeys()).some((k) => k.endsWith(`:${customerIds[2]}`))).toBe(true);
    expect((await redisMetrics()).available).toBe(1);
    // One line when it went, one when it came back: no line per operation.
    expect(about(/Redis/).filter((l) => l.level >= WARN)).toHaveLength(1);
  }, 30_000);
});
