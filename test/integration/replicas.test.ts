import { fetch } from "undici";
import { resourceUnits } from "../../src/graph/budget";
import { Sealer } from "../../src/shared/sealing";
import { tenantSize } from "../../emulator/graph/throttle";
import { print } from "graphql";
import { CustomersUserUpnsDocument, CustomerUserIdsDocument } from "../__generated__/operations";
import { graphRequestsTo, seededCustomers, startHarness, type AnswerError, type Harness } from "../helpers/harness";
import { connectTestRedis, deleteUnder, keysUnder, newEncryptionKey, REDIS_URL, uniquePrefix, type TestRedis } from "../helpers/redis";
import { startSubgraphProcess, type SubgraphProcess } from "../helpers/subgraphProcess";

/** One `directoryObjects/getByIds` call for these users of one tenant: 5 resource units (docs/graph-facts.md §2). */
const USERS_BY_ID = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }`;
/** Graph's directory limit per app and tenant per 10 s, by tenant size (docs/graph-facts.md §2), as the emulator enforces it. */
const DIRECTORY_RU_PER_10S = { S: 3500, M: 5000, L: 8000 } as const;
/** The client-side budget: the smallest tenant's limit, 90% of it (src/graph/budget.ts), at GRAPH_BUDGET_SCALE. */
const budgetOf = (scale: number) => ({ capacity: 3500 * 0.9 * scale, perSecond: (3500 * 0.9 * scale) / 10 });

type Body = { data?: { _entities: Array<{ id: string } | null> } | null; errors?: AnswerError[] };

/**
 * Several real API processes (the production entry, `node dist/src/main.js`) behind no router, one
 * emulator, one Redis: what each replica shares through Redis — the per-tenant budget, Graph's
 * Retry-After, the token cache — and that without Redis each plans alone (and draws the 429s).
 */
describe("replicas sharing one Redis", () => {
  let h: Harness;
  let redis: TestRedis;
  let token: string;
  /** NA customers (the app caller's region), smallest first, with some of their users' ids. */
  let customers: Array<{ id: string; users: number; userIds: string[] }>;
  const prefixes: string[] = [];
  const running: SubgraphProcess[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    h = await startHarness({ demoMode: false, env: { GRAPH_BUDGET_SCALE: "0" } });
    token = await h.appToken("NA");
    const na = (await seededCustomers(h)).filter((c) => c.region === "NA" && c.sizes.users > 0).sort((a, b) => a.sizes.users - b.sizes.users);
    customers = [];
    for (const c of na.slice(0, 2)) {
      const users = (await h.run(CustomerUserIdsDocument, { id: c.id, first: 10 }, { authorization: `Bearer ${token}` })).body.data!.customer!.users!.nodes;
      customers.push({ id: c.id, users: c.sizes.users, userIds: users.map((u) => u.id) });
    }
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    await h.control("POST", "/reset");
    await h.control("PUT", "/settings", { throttleScale: 1 });
  });

  afterAll(async () => {
    for (const p of prefixes) await deleteUnder(redis, p);
    await redis?.quit();
    await h?.close();
  });

  /** `n` replicas of the production entry with these settings, each having listed its customers once (so load below reaches customer tenants only). */
  const startReplicas = async (n: number, env: Record<string, string>): Promise<SubgraphProcess[]> => {
    const started = await Promise.all(Array.from({ length: n }, () => startSubgraphProcess({ mode: "production", emulator: h.emulator, env })));
    running.push(...started);
    await h.control("PUT", "/settings", { throttleScale: 1 });
    await h.control("POST", "/throttling/reset");
    for (const p of started) expect((await ask(p, `query { customers(first: 1) { nodes { id } } }`)).errors).toBeUndefined();
    return started;
  };
  const shared = () => {
    const prefix = uniquePrefix("replicas");
    prefixes.push(prefix);
    return { prefix, env: { REDIS_URL, REDIS_KEY_PREFIX: prefix, REDIS_ENCRYPTION_KEY: newEncryptionKey() } };
  };
  const ask = async (p: SubgraphProcess, query: string, variables?: Record<string, unknown>, bearer = token): Promise<Body> => {
    const res = await fetch(p.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Body;
  };
  const usersOf = (p: SubgraphProcess, c: (typeof customers)[number]) =>
    ask(p, USERS_BY_ID, { r: c.userIds.map((id) => ({ __typename: "User", tenantId: c.id, id })) });
  /** Graph's limits at `scale` from now on, with full buckets and empty counters. */
  const throttleAt = async (scale: number) => {
    await h.control("PUT", "/settings", { throttling: true, throttleScale: scale });
    await h.control("POST", "/throttling/reset");
    await h.resetCounters();
  };

  describe("the per-tenant budget", () => {
    const SCALE = 0.01;
    const PER_REPLICA = 4;

    /** Three replicas each send PER_REPLICA getByIds (5 RU each) to one tenant at once, with Graph's limits and the budget at 1%. */
    const load = async (env: Record<string, string>) => {
      const replicas = await startReplicas(3, { GRAPH_BUDGET_SCALE: String(SCALE), OPERATION_TIMEOUT_MS: "30000", ...env });
      const tenant = customers[0]!;
      await throttleAt(SCALE);
      const started = Date.now();
      const answers = await Promise.all(replicas.flatMap((p) => Array.from({ length: PER_REPLICA }, () => usersOf(p, tenant))));
      const elapsedS = (Date.now() - started) / 1000;
      const c = await h.counters();
      const sent = graphRequestsTo(c, tenant.id, /./);
      const ru = sent.reduce((n, r) => n + resourceUnits({ method: r.method as "GET" | "POST", url: r.url.replace(/^\/v1\.0/, "") }), 0);
      return { answers, elapsedS, throttled: c.byTenant[tenant.id]?.throttled ?? 0, sent: sent.length, ru };
    };

    it("keeps replicas together within the tenant's budget, drawing no 429, where per-process budgets draw them", async () => {
      const size = tenantSize(customers[0]!.users);
      const graphLimit = Math.round(DIRECTORY_RU_PER_10S[size] * SCALE);
      const budget = budgetOf(SCALE);
      // The load must be more than Graph allows at once, and each replica's share less than its own budget:
      // alone, each replica sees no reason to wait.
      expect(3 * PER_REPLICA * 5).toBeGreaterThan(graphLimit);
      expect(PER_REPLICA * 5).toBeLessThan(budget.capacity);

      const { env, prefix } = shared();
      const together = await load(env);
      expect(together.answers.flatMap((a) => a.errors ?? [])).toEqual([]);
      expect(together.throttled).toBe(0);
      expect(together.sent).toBe(3 * PER_REPLICA); // none re-sent
      // A token bucket never spends more than its capacity plus its refill over the time it ran.
      expect(together.ru).toBeLessThanOrEqual(budget.capacity + budget.perSecond * together.elapsedS + 1e-9);
      // The tenant's bucket is one key for all replicas, and lives until it would be full again.
      const bucket = `${prefix}budget:${customers[0]!.id}:directory`;
      expect(await keysUnder(redis, `${prefix}budget:`)).toEqual([bucket]);
      expect(await redis.pTTL(bucket)).toBeGreaterThan(0);
      expect(await redis.pTTL(bucket)).toBeLessThanOrEqual(10_000 + 1_000);

      const alone = await load({});
      expect(alone.throttled).toBeGreaterThan(0);
    });
  });

  describe("Graph's Retry-After", () => {
    /** At this scale a tenant's bucket holds a few RU: one getByIds empties it, the next waits ~10 s for a refill. */
    const TINY = 0.0005;
    const env = { GRAPH_BUDGET_SCALE: "0", OPERATION_TIMEOUT_MS: "3000" };

    /** Replica 1 draws a 429 for tenant A; then replica 2 asks for tenant A and for tenant B. */
    const afterA429 = async (replicas: SubgraphProcess[]) => {
      const [one, two] = replicas as [SubgraphProcess, SubgraphProcess];
      const [a, b] = customers as [(typeof customers)[number], (typeof customers)[number]];
      await throttleAt(TINY);
      expect((await usersOf(one, a)).errors).toBeUndefined();
      const throttledAtOne = (await usersOf(one, a)).errors?.[0]?.extensions;
      const before = await h.counters();
      const fromTwo = await usersOf(two, a);
      const afterA = await h.counters();
      const other = await usersOf(two, b);
      const afterB = await h.counters();
      return {
        throttledAtOne,
        fromTwo: fromTwo.errors?.[0]?.extensions,
        sentToAByTwo: graphRequestsTo(afterA, a.id, /./).length - graphRequestsTo(before, a.id, /./).length,
        throttledByTwo: (afterA.byTenant[a.id]?.throttled ?? 0) - (before.byTenant[a.id]?.throttled ?? 0),
        other,
        sentToBByTwo: graphRequestsTo(afterB, b.id, /./).length,
      };
    };

    it("holds the tenant's workload for every replica until then, and only that tenant's", async () => {
      const { env: redisEnv, prefix } = shared();
      const run = await afterA429(await startReplicas(2, { ...env, ...redisEnv }));
      // Replica 1: Graph's 429 with a Retry-After past the deadline, as THROTTLED.
      expect(run.throttledAtOne).toMatchObject({ code: "THROTTLED", tenantId: customers[0]!.id });
      // Replica 2 never asked Graph for tenant A: it knew to wait, and the wait passes its deadline.
      expect(run.sentToAByTwo).toBe(0);
      expect(run.throttledByTwo).toBe(0);
      expect(run.fromTwo).toMatchObject({ code: "THROTTLED", tenantId: customers[0]!.id, graphCode: "ClientBudgetExhausted" });
      expect(run.fromTwo!.retryAfter as number).toBeGreaterThan(3);
      // Tenant B is not held: replica 2 reads it at once.
      expect(run.other.errors).toBeUndefined();
      expect(run.sentToBByTwo).toBe(1);
      expect(await keysUnder(redis, `${prefix}hold:`)).toEqual([`${prefix}hold:${customers[0]!.id}:directory`]);
      await Promise.all(running.splice(0).map((p) => p.stop()));

      // Without Redis, replica 2 learns it only from a 429 of its own.
      const alone = await afterA429(await startReplicas(2, env));
      expect(alone.sentToAByTwo).toBe(1);
      expect(alone.throttledByTwo).toBe(1);
    });
  });

  describe("what sits in Redis", () => {
    it("holds tokens only sealed, under keys with no token in them, expiring with the token", async () => {
      const { env, prefix } = shared();
      const sealer = new Sealer(Buffer.from(env.REDIS_ENCRYPTION_KEY, "base64"));
      const [one] = await startReplicas(1, env);
      expect((await usersOf(one!, customers[0]!)).errors).toBeUndefined();
      // An agent too: its on-behalf-of tokens are keyed by a hash of its own token.
      const agent = (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: "reader@fabrikampartnersna.onmicrosoft.com" })).access_token;
      expect((await ask(one!, print(CustomersUserUpnsDocument), { first: 2, users: 1 }, agent)).errors).toBeUndefined();
      const keys = await keysUnder(redis, prefix);
      const obo = keys.filter((k) => k.startsWith(`${prefix}token:obo:`));
      expect(obo.length).toBeGreaterThanOrEqual(2);
      for (const key of keys) for (const part of [...agent.split("."), ...token.split(".")]) expect(key.includes(part.slice(0, 16))).toBe(false);
      // Whatever the layout, no value holds a JWT in the clear: a header and a payload, each base64url of
      // '{"…' (so starting "eyJ"), joined by a dot. A bare "eyJ" is no sign: random base64url ciphertext
      // holds it by chance (about once in 200 tokens), which made this check flaky.
      // (Compared as flags: a failure must not print the token.)
      const JWT_IN_CLEAR = /eyJ[A-Za-z0-9_-]*\.eyJ/;
      for (const key of keys)
        if ((await redis.type(key)) === "string") expect({ key, clear: JWT_IN_CLEAR.test((await redis.get(key))!) }).toEqual({ key, clear: false });
      const tokenKeys = keys.filter((k) => k.startsWith(`${prefix}token:`));
      // The partner tenant's token (its listing) and the customer's, app-only; the agent's.
      expect(tokenKeys.length).toBeGreaterThanOrEqual(4);
      expect(tokenKeys.some((k) => k.endsWith(`:${customers[0]!.id}`))).toBe(true);
      for (const key of tokenKeys) {
        const raw = (await redis.get(key))!;
        expect(raw).toMatch(/^pg1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        // It is the token, sealed for this key: the deployment's key opens it (and only under this key).
        const opened = sealer.open(raw, key);
        expect(opened.ok && opened.plaintext.split(".").length === 3 && opened.plaintext.startsWith("eyJ")).toBe(true);
        expect(sealer.open(raw, `${key}x`).ok).toBe(false);
        const ttl = await redis.pTTL(key);
        // The emulator's tokens live 3,599 s; the entry ends 5 minutes before the token does (MSAL rounds
        // its clock to whole seconds, so its expiry may be up to 0.5 s later than ours).
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual((3599 - 300) * 1000 + 1000);
      }
    });
  });
});
