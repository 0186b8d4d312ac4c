import { GraphBudget, resourceUnits } from "../../../src/graph/budget";
import type { GraphResponse } from "../../../src/graph/types";
import { createLogger } from "../../../src/log";
import { MemoryBudgetStore, RedisBudgetStore, type BudgetStore } from "../../../src/shared/budgetStore";
import { SharedRedis } from "../../../src/shared/redisConnection";
import { connectTestRedis, deleteUnder, REDIS_URL, uniquePrefix, type TestRedis } from "../../helpers/redis";

describe("resourceUnits", () => {
  it("follows Graph's cost table and its adjustments", () => {
    expect(resourceUnits({ method: "GET", url: "/users" })).toBe(2);
    expect(resourceUnits({ method: "GET", url: "/users?$select=id&$top=50" })).toBe(1);
    expect(resourceUnits({ method: "GET", url: "/groups/g1/members?$top=100" })).toBe(3);
    expect(resourceUnits({ method: "GET", url: "/groups/g1/transitiveMembers" })).toBe(5);
    expect(resourceUnits({ method: "POST", url: "/directoryObjects/getByIds" })).toBe(5);
    expect(resourceUnits({ method: "GET", url: "/contracts?$select=customerId" })).toBe(2);
    expect(resourceUnits({ method: "GET", url: "/users/u1/memberOf?$select=id&$top=5" })).toBe(1);
    expect(resourceUnits({ method: "GET", url: "/devices?$top=5" })).toBe(1);
  });
});

const users = (n: number) => Array.from({ length: n }, () => ({ req: { method: "GET" as const, url: "/users" }, workload: "directory" as const }));
const devices = (n: number) =>
  Array.from({ length: n }, () => ({ req: { method: "GET" as const, url: "/deviceManagement/managedDevices" }, workload: "intune" as const }));
const answer = (status: number, retryAfter?: string): GraphResponse => ({
  status,
  headers: retryAfter === undefined ? {} : { "retry-after": retryAfter },
  body: {},
});

/** A store that must not be used: the Redis runs below must really run on Redis, never on its memory fallback. */
const noFallback: BudgetStore = {
  reserve: () => Promise.reject(new Error("fell back to memory")),
  refund: () => Promise.reject(new Error("fell back to memory")),
  hold: () => Promise.reject(new Error("fell back to memory")),
};

const silent = createLogger("silent");
let redis: TestRedis;
const prefixes: string[] = [];
const connections: SharedRedis[] = [];
beforeAll(async () => {
  redis = await connectTestRedis();
});
afterAll(async () => {
  for (const c of connections) await c.close();
  for (const p of prefixes) await deleteUnder(redis, p);
  await redis.quit();
});

/** A replica's connection to the test Redis, under `prefix` (a fresh one unless given: replicas of one deployment share it). */
async function replica(prefix = uniquePrefix("budget")): Promise<{ redis: SharedRedis; prefix: string }> {
  prefixes.push(prefix);
  const shared = await SharedRedis.connect({ url: REDIS_URL, prefix, timeoutMs: 2_000, log: silent });
  connections.push(shared);
  expect(shared.state().available).toBe(true);
  return { redis: shared, prefix };
}

/**
 * One suite, two stores: the budget must behave the same in one process's memory and in Redis (its Lua
 * script spells the same arithmetic), with the clock passed in so both see the same times.
 */
describe.each([
  ["memory", async (now: () => number): Promise<BudgetStore> => new MemoryBudgetStore(now)],
  ["Redis", async (now: () => number): Promise<BudgetStore> => new RedisBudgetStore((await replica()).redis, noFallback, now)],
])("GraphBudget with its buckets in %s", (_where, storeAt) => {
  it("lets a burst through up to the budget, then paces at the refill rate", async () => {
    let now = 0;
    const budget = new GraphBudget(0.01, await storeAt(() => now)); // 31.5 RU per 10 s
    expect(await budget.reserve("t", users(15))).toBe(0); // 30 RU
    const wait = await budget.reserve("t", users(1)); // 0.5 RU short at 3.15 RU/s
    expect(wait).toBe(159);
    now += 10_000;
    expect(await budget.reserve("t", users(1))).toBe(0);
  });

  it("queues reservations below zero in arrival order: each waits longer than the one before", async () => {
    const budget = new GraphBudget(0.01, await storeAt(() => 0));
    expect(await budget.reserve("t", users(15))).toBe(0);
    expect(await budget.reserve("t", users(1))).toBe(159); // −0.5 RU
    expect(await budget.reserve("t", users(1))).toBe(794); // −2.5 RU
    expect(await budget.reserve("t", users(1))).toBe(1429); // −4.5 RU
  });

  it("keeps tenants and workloads apart", async () => {
    const budget = new GraphBudget(0.01, await storeAt(() => 0));
    await budget.reserve("a", users(16));
    expect(await budget.reserve("b", users(1))).toBe(0);
    expect(await budget.reserve("a", devices(1))).toBe(0);
    // Intune: 2,000 requests per 20 s at 90% and 1%: 18 requests, then 1.1 s per request.
    expect(await budget.reserve("a", devices(17))).toBe(0);
    expect(await budget.reserve("a", devices(1))).toBe(1112);
  });

  it("counts a tenant id in any case as the same tenant", async () => {
    const budget = new GraphBudget(0.01, await storeAt(() => 0));
    await budget.reserve("AbC", users(15));
    expect(await budget.reserve("abc", users(1))).toBe(159);
  });

  it("gives back what it reserved for requests not sent", async () => {
    const budget = new GraphBudget(0.01, await storeAt(() => 0));
    await budget.reserve("t", users(15));
    await budget.refund("t", users(15));
    expect(await budget.reserve("t", users(15))).toBe(0);
  });

  it("never refunds a bucket past its capacity", async () => {
    const budget = new GraphBudget(0.01, await storeAt(() => 0));
    await budget.reserve("t", users(1));
    await budget.refund("t", users(10));
    expect(await budget.reserve("t", users(16))).toBe(159);
  });

  it("is off at scale 0", async () => {
    const budget = new GraphBudget(0, await storeAt(() => 0));
    expect(await budget.reserve("t", users(10_000))).toBe(0);
  });

  it("holds a tenant's workload for Graph's longest Retry-After of a 429 or 503, even with the budget off", async () => {
    let now = 0;
    const budget = new GraphBudget(0, await storeAt(() => now));
    await budget.heedRetryAfter("t", users(3), [answer(429, "2.5"), answer(200), answer(503, "1")]);
    expect(await budget.reserve("t", users(1))).toBe(2500);
    // Another workload, another tenant: not held.
    expect(await budget.reserve("t", devices(1))).toBe(0);
    expect(await budget.reserve("u", users(1))).toBe(0);
    // A shorter Retry-After later does not shorten the hold.
    await budget.heedRetryAfter("t", users(1), [answer(429, "1")]);
    expect(await budget.reserve("t", users(1))).toBe(2500);
    now += 2_500;
    expect(await budget.reserve("t", users(1))).toBe(0);
  });

  it("holds nothing for answers without a Retry-After, other statuses, or a Retry-After of 0", async () => {
    const budget = new GraphBudget(0, await storeAt(() => 0));
    await budget.heedRetryAfter("t", users(4), [answer(429), answer(503, "soon"), answer(404, "5"), answer(429, "0")]);
    expect(await budget.reserve("t", users(1))).toBe(0);
  });

  it("caps a hold at 5 minutes, whether Retry-After is in seconds or an HTTP date", async () => {
    const budget = new GraphBudget(0, await storeAt(() => 0));
    await budget.heedRetryAfter("t", devices(1), [answer(429, "86400")]);
    expect(await budget.reserve("t", devices(1))).toBe(300_000);
    await budget.heedRetryAfter("u", devices(1), [answer(429, new Date(Date.now() + 3_600_000).toUTCString())]);
    expect(await budget.reserve("u", devices(1))).toBe(300_000);
  });

  it("waits for the longer of the budget and a hold", async () => {
    const budget = new GraphBudget(0.01, await storeAt(() => 0));
    await budget.reserve("t", users(15));
    await budget.heedRetryAfter("t", users(1), [answer(429, "0.1")]);
    expect(await budget.reserve("t", users(1))).toBe(159);
    await budget.heedRetryAfter("t", users(1), [answer(429, "3")]);
    expect(await budget.reserve("t", users(1))).toBe(3000);
  });
});

describe("the budget in Redis", () => {
  it("is one bucket for every replica of the deployment", async () => {
    const one = await replica();
    const two = await replica(one.prefix);
    const a = new GraphBudget(0.01, new RedisBudgetStore(one.redis, noFallback));
    const b = new GraphBudget(0.01, new RedisBudgetStore(two.redis, noFallback));
    expect(await a.reserve("t", users(15))).toBe(0);
    // Redis' clock (no clock passed): a few microseconds of refill at most.
    const wait = await b.reserve("t", users(1));
    expect(wait).toBeGreaterThan(150);
    expect(wait).toBeLessThanOrEqual(159);
    // Another deployment (prefix) has buckets of its own.
    const other = new GraphBudget(0.01, new RedisBudgetStore((await replica()).redis, noFallback));
    expect(await other.reserve("t", users(15))).toBe(0);
  });

  it("shares Graph's Retry-After with every replica", async () => {
    const one = await replica();
    const two = await replica(one.prefix);
    await new GraphBudget(0, new RedisBudgetStore(one.redis, noFallback)).heedRetryAfter("t", users(1), [answer(429, "7")]);
    const wait = await new GraphBudget(0, new RedisBudgetStore(two.redis, noFallback)).reserve("t", users(1));
    expect(wait).toBeGreaterThan(6_900);
    expect(wait).toBeLessThanOrEqual(7_000);
    expect(await redis.pTTL(`${one.prefix}hold:t:directory`)).toBeLessThanOrEqual(7_000);
  });

  it("keeps a bucket's key only until the bucket would be full again, so idle tenants vanish", async () => {
    const { redis: shared, prefix } = await replica();
    const budget = new GraphBudget(0.01, new RedisBudgetStore(shared, noFallback));
    await budget.reserve("t", users(15)); // 1.5 of 31.5 RU left: full again in 9.52 s
    const ttl = await redis.pTTL(`${prefix}budget:t:directory`);
    expect(ttl).toBeGreaterThan(9_000);
    expect(ttl).toBeLessThanOrEqual(9_524 + 1_000);
    expect(await redis.hGetAll(`${prefix}budget:t:directory`)).toEqual({ tokens: expect.any(String), last: expect.any(String) });
  });
});
