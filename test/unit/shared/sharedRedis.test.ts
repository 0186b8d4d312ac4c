import { randomBytes, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { createLogger } from "../../../src/log";
import { MemoryBudgetStore, RedisBudgetStore } from "../../../src/shared/budgetStore";
import { LuaScript, SharedRedis } from "../../../src/shared/redisConnection";
import { Sealer } from "../../../src/shared/sealing";
import { MemoryValues, RedisValues } from "../../../src/shared/values";
import { closedPort, connectTestRedis, deleteUnder, REDIS_URL, startRedisProxy, uniquePrefix, type RedisProxy, type TestRedis } from "../../helpers/redis";

/** A logger whose lines the test reads. */
function captured() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createLogger("info", stream), lines, warnings: () => lines.filter((l) => l.level >= 40), infos: () => lines.filter((l) => l.level === 30) };
}

async function eventually(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ0In0.c2ln";

let redis: TestRedis;
const prefixes: string[] = [];
const opened: SharedRedis[] = [];
const proxies: RedisProxy[] = [];
beforeAll(async () => {
  redis = await connectTestRedis();
});
afterAll(async () => {
  for (const c of opened) await c.close();
  for (const p of proxies) await p.close();
  for (const p of prefixes) await deleteUnder(redis, p);
  await redis.quit();
});

async function open(url: string, log = captured().log, timeoutMs = 1_000, prefix = uniquePrefix("shared")): Promise<SharedRedis> {
  prefixes.push(prefix);
  const shared = await SharedRedis.connect({ url, prefix, timeoutMs, log });
  opened.push(shared);
  return shared;
}

describe("SharedRedis", () => {
  it("runs a script by its SHA-1, and sends it whole when Redis does not know it (NOSCRIPT)", async () => {
    const shared = await open(REDIS_URL);
    // A script no Redis has seen: its first EVALSHA must come back NOSCRIPT.
    const script = new LuaScript(`-- ${randomUUID()}\nreturn tonumber(ARGV[1]) * 2`);
    expect(await redis.scriptExists(script.sha1)).toEqual([false]);
    expect(
      await shared.orElse(
        (c) => shared.script(c, script, [], ["21"]),
        () => -1,
      ),
    ).toBe(42);
    expect(await redis.scriptExists(script.sha1)).toEqual([true]);
    expect(
      await shared.orElse(
        (c) => shared.script(c, script, [], ["4"]),
        () => -1,
      ),
    ).toBe(8);
  });

  it("uses memory for a command Redis refuses, logging that refusal once, without taking Redis for gone", async () => {
    const { log, lines } = captured();
    const shared = await open(REDIS_URL, log);
    for (let i = 0; i < 3; i++)
      expect(
        await shared.orElse(
          (c) => c.sendCommand(["NO-SUCH-COMMAND"]),
          () => "memory",
        ),
      ).toBe("memory");
    expect(lines.filter((l) => l.level >= 40)).toEqual([expect.objectContaining({ level: 50, msg: expect.stringMatching(/Redis refused a command/) })]);
    expect(shared.state()).toEqual({ available: true, fallbacks: 3 });
    expect(
      await shared.orElse(
        (c) => c.ping(),
        () => "memory",
      ),
    ).toBe("PONG");
  });

  it("starts at once when Redis is unreachable (a closed port), says so once, and answers from the fallback", async () => {
    const { log, warnings } = captured();
    const shared = await open(`redis://127.0.0.1:${await closedPort()}`, log);
    expect(shared.state().available).toBe(false);
    for (let i = 0; i < 5; i++)
      expect(
        await shared.orElse(
          async () => "redis",
          () => "memory",
        ),
      ).toBe("memory");
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toMatch(/Redis unavailable.*memory/);
    expect(shared.state().fallbacks).toBe(5);
  });

  it("uses memory for a command Redis does not answer in time, and Redis again once it answers", async () => {
    const proxy = await startRedisProxy();
    proxies.push(proxy);
    const { log, warnings, infos } = captured();
    const shared = await open(proxy.url, log, 100);
    expect(
      await shared.orElse(
        (c) => c.ping(),
        () => "memory",
      ),
    ).toBe("PONG");
    proxy.stall();
    expect(
      await shared.orElse(
        (c) => c.ping(),
        () => "memory",
      ),
    ).toBe("memory");
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!).toMatchObject({ err: { message: "no answer from Redis within 100 ms" } });
    proxy.flow();
    // The connection never dropped: the next command goes to Redis again.
    expect(
      await shared.orElse(
        (c) => c.ping(),
        () => "memory",
      ),
    ).toBe("PONG");
    expect(infos().filter((l) => /Redis back/.test(l.msg))).toHaveLength(1);
  });

  it("falls back while Redis is gone, and shares again once it is back, with one line each way", async () => {
    const proxy = await startRedisProxy();
    proxies.push(proxy);
    const { log, warnings, infos } = captured();
    const prefix = uniquePrefix("shared");
    const shared = await open(proxy.url, log, 500, prefix);
    const store = new RedisBudgetStore(shared, new MemoryBudgetStore());
    const take = [{ key: "budget:t:directory", cost: 30, capacity: 31.5, perMs: 0.00315 }];
    expect(await store.reserve(take, [])).toBe(0);
    expect(await redis.exists(`${prefix}budget:t:directory`)).toBe(1);

    await proxy.cut();
    // The memory fallback starts full: the same reservation passes, and nothing reaches Redis.
    expect(await store.reserve(take, [])).toBe(0);
    expect(await store.reserve(take, [])).toBeGreaterThan(0);
    await store.hold("hold:t:directory", 5_000);
    expect(await store.reserve([], ["hold:t:directory"])).toBeGreaterThan(4_000);
    expect(await redis.exists(`${prefix}hold:t:directory`)).toBe(0);
    expect(warnings()).toHaveLength(1);

    await proxy.restore();
    await eventually(() => infos().some((l) => /Redis back/.test(l.msg)));
    await store.hold("hold:t:directory", 5_000);
    expect(await redis.exists(`${prefix}hold:t:directory`)).toBe(1);
    expect(warnings()).toHaveLength(1);
  });
});

describe("RedisValues (sealed, shared by replicas)", () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it("keeps only the sealed value in Redis, expiring after its lifetime, readable by every replica with the key", async () => {
    const prefix = uniquePrefix("values");
    const one = new RedisValues(await open(REDIS_URL, undefined, 1_000, prefix), new Sealer(k1), "token", captured().log, failing());
    const two = new RedisValues(await open(REDIS_URL, undefined, 1_000, prefix), new Sealer(k1), "token", captured().log, failing());
    await one.set("app:c:t", TOKEN, 60_000);
    const raw = (await redis.get(`${prefix}token:app:c:t`))!;
    expect(raw.startsWith("pg1.")).toBe(true);
    expect(raw.includes("eyJ")).toBe(false);
    expect(await redis.pTTL(`${prefix}token:app:c:t`)).toBeGreaterThan(59_000);
    expect(await redis.pTTL(`${prefix}token:app:c:t`)).toBeLessThanOrEqual(60_000);
    expect(await two.get("app:c:t")).toBe(TOKEN);
    await two.delete("app:c:t");
    expect(await redis.exists(`${prefix}token:app:c:t`)).toBe(0);
    expect(await one.get("app:c:t")).toBeUndefined();
  });

  it("rotates keys: a replica with the new key and the old one reads old values and seals new ones with the new key", async () => {
    const prefix = uniquePrefix("values");
    const { log, warnings } = captured();
    const before = new RedisValues(await open(REDIS_URL, undefined, 1_000, prefix), new Sealer(k1), "token", log, failing());
    const after = new RedisValues(await open(REDIS_URL, undefined, 1_000, prefix), new Sealer(k2, [k1]), "token", captured().log, failing());
    const retired = new RedisValues(await open(REDIS_URL, undefined, 1_000, prefix), new Sealer(k2), "token", captured().log, failing());
    await before.set("a", "old token", 60_000);
    expect(await after.get("a")).toBe("old token");
    expect(await retired.get("a")).toBeUndefined();
    await after.set("b", "new token", 60_000);
    expect((await redis.get(`${prefix}token:b`))!.split(".")[1]).toBe(new Sealer(k2).currentKeyId);
    // The replica still on the old key misses the new value (one line, not one per read), and never fails.
    expect(await before.get("b")).toBeUndefined();
    expect(await before.get("b")).toBeUndefined();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toMatch(/REDIS_ENCRYPTION_KEY/);
  });

  it("misses a value moved under another key, or written in the clear by an older version", async () => {
    const prefix = uniquePrefix("values");
    const values = new RedisValues(await open(REDIS_URL, undefined, 1_000, prefix), new Sealer(k1), "token", captured().log, failing());
    await values.set("app:c:tenant-a", TOKEN, 60_000);
    await redis.set(`${prefix}token:app:c:tenant-b`, (await redis.get(`${prefix}token:app:c:tenant-a`))!);
    expect(await values.get("app:c:tenant-b")).toBeUndefined();
    await redis.set(`${prefix}token:app:c:legacy`, TOKEN);
    expect(await values.get("app:c:legacy")).toBeUndefined();
  });

  it("keeps values in memory while Redis is gone, never failing the caller", async () => {
    const proxy = await startRedisProxy();
    proxies.push(proxy);
    const prefix = uniquePrefix("values");
    const values = new RedisValues(await open(proxy.url, undefined, 500, prefix), new Sealer(k1), "token", captured().log);
    await proxy.cut();
    await values.set("app:c:t", TOKEN, 60_000);
    expect(await values.get("app:c:t")).toBe(TOKEN);
    expect(await redis.exists(`${prefix}token:app:c:t`)).toBe(0);
    await values.delete("app:c:t");
    expect(await values.get("app:c:t")).toBeUndefined();
  });
});

/** A fallback that must not be read or written (the Redis under test is reachable); deleting from it is always done. */
function failing(): MemoryValues {
  const m = new MemoryValues();
  const fail = () => Promise.reject(new Error("fell back to memory"));
  return Object.assign(m, { get: fail, set: fail });
}
