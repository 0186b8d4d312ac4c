import {
  CustomerIdsDocument,
  CustomerRegionsDocument,
  CustomersTwoUsersDocument,
  CustomersUserCountsDocument,
  CustomerUserIdsDocument,
} from "../__generated__/operations";
import { graphCallsTo, startHarness, type Answer, type Harness } from "../helpers/harness";

/** One `user(id:)` field per id, under one customer: per-id GETs that the tenant's loader batches by 20. */
const usersById = (ids: string[]) => `query($id: ID!) { customer(id: $id) { ${ids.map((u, i) => `u${i}: user(id: "${u}") { id }`).join(" ")} } }`;
/** The answer to `usersById`: one aliased user per id. */
type UsersById = Answer<{ customer: Record<string, { id: string }> }>;
const customerIds = async (h: Harness, first: number, headers?: Record<string, string>) =>
  (await h.run(CustomerIdsDocument, { first }, headers)).body.data!.customers.nodes.map((c) => c.id);
const userIds = async (h: Harness, id: string, first: number) =>
  (await h.run(CustomerUserIdsDocument, { id, first })).body.data!.customer!.users!.nodes.map((u) => u.id);

describe("Graph failing, throttling and slow: retries, deadlines, caps and breakers", () => {
  let h: Harness;
  let ids: string[];

  beforeAll(async () => {
    h = await startHarness({ env: { GRAPH_MAX_IN_FLIGHT_PER_TENANT: "2", OPERATION_TIMEOUT_MS: "4000" } });
    ids = await customerIds(h, 100);
    // Warm the token caches so fault injection below hits Graph calls only.
    await h.run(CustomersTwoUsersDocument, { n: 100 });
  });
  afterEach(async () => void (await h.control("POST", "/reset")));
  afterAll(async () => h?.close());

  it("absorbs 20% 503s on reads", async () => {
    await h.control("PUT", "/faults", { graphErrorRates: { "503": 0.2 }, retryAfter: "0.05", seed: 7 });
    await h.resetCounters();
    const r = await h.run(CustomersTwoUsersDocument, { n: 20 });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.customers.nodes).toHaveLength(20);
    const c = await h.counters();
    // One request per customer's users (the customer list is reused): more than that proves re-sends.
    const minimum = 20;
    expect((c.total.graph ?? 0) + (c.total.batch ?? 0)).toBeGreaterThan(minimum);
  });

  it("re-sends only the throttled items of a batch, in a new batch, and the operation succeeds", async () => {
    const tenant = ids[0]!;
    const users = await userIds(h, tenant, 20);
    await h.control("PUT", "/faults", { graphErrorRates: { "429": 0.3 }, retryAfter: "0.2", seed: 3 });
    await h.resetCounters();
    const r: UsersById = await h.query(usersById(users), { id: tenant });
    expect(r.body.errors).toBeUndefined();
    expect(Object.values(r.body.data!.customer).map((u) => u.id)).toEqual(users);
    const c = await h.counters();
    const items = c.requests.filter((q) => q.tenantId === tenant && q.url.startsWith("/v1.0/users/"));
    expect(items.length).toBeGreaterThan(20);
    // The first batch carried all 20; after it, only throttled items went again, never the whole batch.
    const first = new Set(items.slice(0, 20).map((q) => q.url));
    expect(first.size).toBe(20);
    const resent = items.slice(20);
    expect(resent.length).toBeLessThan(20);
    for (const q of resent) expect(first.has(q.url)).toBe(true);
  });

  it("turns a Retry-After of 300 s into THROTTLED at once, with the retryAfter", async () => {
    // Its own server: Graph's Retry-After holds the tenant for every later operation (src/graph/budget.ts), so
    // this test keeps the tenant out for 5 minutes.
    const h = await startHarness({ env: { GRAPH_MAX_IN_FLIGHT_PER_TENANT: "2", OPERATION_TIMEOUT_MS: "4000" } });
    const tenant = ids[1];
    // The customer list is read once, so that afterwards only the customer is asked.
    await customerIds(h, 100);
    await h.control("PUT", "/faults", { graphErrorRates: { "429": 1 }, retryAfter: "300" });
    await h.resetCounters();
    const r = await h.run(CustomerUserIdsDocument, { id: tenant, first: 2 });
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "THROTTLED", tenantId: tenant, retryAfter: 300 });
    expect(graphCallsTo(await h.counters(), tenant)).toBe(1);
    await h.close();
  });

  it("backs off and succeeds when 429s come without Retry-After", async () => {
    await h.control("PUT", "/faults", { graphErrorRates: { "429": 0.3 }, retryAfter: "", seed: 11 });
    await h.resetCounters();
    const r = await h.run(CustomersTwoUsersDocument, { n: 8 });
    expect(r.body.errors).toBeUndefined();
    // One request per customer is the minimum (the customer list is reused): more proves the backed-off re-sends.
    const c = await h.counters();
    expect((c.total.graph ?? 0) + (c.total.batch ?? 0)).toBeGreaterThan(8);
  });

  it("answers a tenant in total outage without calling it once its circuit is open, while the others return data", async () => {
    // Its own server: circuit state is per process, and this test leaves a circuit open.
    const h = await startHarness();
    const ids = await customerIds(h, 100);
    await h.run(CustomersTwoUsersDocument, { n: 32 });
    const down = ids[2]!;
    await h.control("PUT", "/faults", { outageTenants: [down], retryAfter: "0.05" });
    const once = await h.run(CustomersTwoUsersDocument, { n: 32 });
    const failed = once.body.errors!.map((e) => e.extensions!.tenantId);
    expect(new Set(failed)).toEqual(new Set([down]));
    expect(once.body.errors![0]!.extensions!.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(once.body.data!.customers.nodes.filter((n) => n.users !== null)).toHaveLength(31);
    expect(once.body.data!.customers.nodes.find((n) => n.id === down)!.users).toBeNull();
    // Each operation adds one final failure of that tenant: the circuit opens at its minimum volume (5).
    for (let i = 0; i < 4; i++) await h.run(CustomersTwoUsersDocument, { n: 32 });
    await h.resetCounters();
    const open = await h.run(CustomersTwoUsersDocument, { n: 32 });
    const err = open.body.errors!.find((e) => e.extensions!.tenantId === down)!;
    expect(err.extensions!.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(err.extensions!.retryAfter).toBeGreaterThan(0);
    const c = await h.counters();
    expect(graphCallsTo(c, down)).toBe(0);
    for (const id of ids.filter((i) => i !== down)) expect(graphCallsTo(c, id)).toBe(1);
    await h.close();
  });

  it("never has more Graph requests of one tenant in flight than its cap", async () => {
    const sizes = (await h.run(CustomersUserCountsDocument, { first: 100 })).body.data!.customers.nodes;
    const tenant = sizes.sort((a, b) => b.users!.totalCount! - a.users!.totalCount!)[0]!.id;
    const users = await userIds(h, tenant, 120);
    expect(users.length).toBeGreaterThan(100);
    await h.control("PUT", "/latency", { graph: { kind: "fixed", ms: 30 } });
    await h.resetCounters();
    const r = await h.query(usersById(users), { id: tenant });
    expect(r.body.errors).toBeUndefined();
    const c = await h.counters();
    expect(c.byTenant[tenant]!.batch).toBe(Math.ceil(users.length / 20));
    expect(c.concurrency.graph.maxByTenant[tenant]).toBe(2);
  });

  it("honours the deadline: a slow tenant answers TIMEOUT at its path while the rest return data", async () => {
    const slow = ids[4]!;
    await h.control("PUT", "/latency", { graph: { kind: "none" }, token: { kind: "none" }, tenants: { [slow]: { kind: "fixed", ms: 6000 } } });
    const r = await h.run(CustomersTwoUsersDocument, { n: 10 });
    const errs = r.body.errors!;
    expect(errs).toHaveLength(1);
    expect(errs[0]!.extensions).toMatchObject({ code: "TIMEOUT", tenantId: slow });
    const nodes = r.body.data!.customers.nodes;
    const i = nodes.findIndex((n) => n.id === slow);
    expect(errs[0]!.path).toEqual(["customers", "nodes", i, "users"]);
    expect(nodes[i]!.users).toBeNull();
    expect(nodes.filter((n) => n.users !== null)).toHaveLength(9);
  });

  it("does not make a quiet tenant wait behind a busy one", async () => {
    const [busy, quiet] = [ids[5]!, ids[6]!];
    const users = await userIds(h, busy, 60);
    // The busy tenant answers slowly and its requests queue on its own cap (2 here); the quiet one is fast.
    await h.control("PUT", "/latency", { graph: { kind: "none" }, token: { kind: "none" }, tenants: { [busy]: { kind: "fixed", ms: 400 } } });
    const order: string[] = [];
    const busyOp = h.query(usersById(users), { id: busy }).then((r) => (order.push("busy"), r));
    await new Promise((r) => setTimeout(r, 50));
    const quietOp = h.run(CustomerUserIdsDocument, { id: quiet, first: 5 }).then((r) => (order.push("quiet"), r));
    const [b, q] = await Promise.all([busyOp, quietOp]);
    expect(b.body.errors).toBeUndefined();
    expect(q.body.errors).toBeUndefined();
    expect(order).toEqual(["quiet", "busy"]);
  });

  it("lists the other regions' customers when one partner tenant cannot be read, and says the list is incomplete", async () => {
    const fresh = await startHarness({ env: { CUSTOMER_LIST_TTL_SECONDS: "0" } });
    try {
      const na = fresh.config.partnerTenants.find((p) => p.region === "NA")!;
      await fresh.control("PUT", "/faults", { outageTenants: [na.tenantId], retryAfter: "0.01" });
      const r = await fresh.run(CustomerRegionsDocument, { first: 100 });
      expect(new Set(r.body.data!.customers.nodes.map((n) => n.region))).toEqual(new Set(["EU", "AS", "OC"]));
      expect(r.body.errors).toEqual([
        expect.objectContaining({ path: ["customers"], extensions: expect.objectContaining({ code: "UPSTREAM_UNAVAILABLE", tenantId: na.tenantId }) }),
      ]);
    } finally {
      await fresh.close();
    }
  });

  it("sheds load past the cap on operations in progress, at once, with THROTTLED", async () => {
    const fresh = await startHarness({ env: { MAX_CONCURRENT_OPERATIONS: "2" } });
    try {
      const [id] = await customerIds(fresh, 1);
      await fresh.control("PUT", "/latency", { graph: { kind: "fixed", ms: 500 } });
      const answers = await Promise.all([0, 1, 2, 3].map(() => fresh.run(CustomerUserIdsDocument, { id: id!, first: 1 })));
      const busy = answers.filter((a) => a.status === 503);
      expect(busy).toHaveLength(2);
      for (const b of busy) expect(b.body.errors![0]!.extensions).toEqual({ code: "THROTTLED", retryAfter: 1 });
      expect(answers.filter((a) => a.status === 200 && a.body.data!.customer!.users!.nodes.length === 1)).toHaveLength(2);
    } finally {
      await fresh.close();
    }
  });

  it("fails only the tenant whose token endpoint fails", async () => {
    const fresh = await startHarness();
    try {
      const list = await customerIds(fresh, 5);
      await fresh.control("PUT", "/faults", { tokenFailure: { rate: 1, tenants: [list[0]] } });
      const r = await fresh.run(CustomersTwoUsersDocument, { n: 5 });
      expect(r.body.errors).toHaveLength(1);
      expect(r.body.errors![0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", tenantId: list[0] });
      expect(r.body.data!.customers.nodes.filter((n) => n.users !== null)).toHaveLength(4);
      // Its token endpoint keeps failing: after a few operations its circuit opens and no token request is made.
      for (let i = 0; i < 5; i++) await fresh.run(CustomersTwoUsersDocument, { n: 5 });
      await fresh.resetCounters();
      const fast = await fresh.run(CustomersTwoUsersDocument, { n: 5 });
      expect(fast.body.errors![0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", tenantId: list[0] });
      expect(fast.body.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
      const c = await fresh.counters();
      expect(c.byTenant[list[0]!]?.token ?? 0).toBe(0);
      expect(c.byTenant[list[1]!]?.graph ?? c.byTenant[list[1]!]?.batch).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("does not open a circuit on 30% transient 503s that retries absorb (161 operations at concurrency 10)", async () => {
    const fresh = await startHarness({ env: { OPERATION_TIMEOUT_MS: "20000" } });
    try {
      await fresh.run(CustomersTwoUsersDocument, { n: 5 });
      await fresh.control("PUT", "/faults", { graphErrorRates: { "503": 0.3 }, retryAfter: "0.02", seed: 13 });
      const outcomes: Answer<unknown>["body"][] = [];
      let next = 0;
      const worker = async () => {
        while (next < 161) {
          next++;
          outcomes.push((await fresh.run(CustomersTwoUsersDocument, { n: 5 })).body);
        }
      };
      await Promise.all(Array.from({ length: 10 }, worker));
      const errors = outcomes.flatMap((b) => b.errors ?? []);
      expect(errors.filter((e) => e.extensions?.graphCode === "CircuitOpen")).toEqual([]);
      // A final failure needs six 503s in a row for one item (0.3^6 ≈ 0.07%): at most a couple in 805 items.
      expect(outcomes.filter((b) => b.errors).length).toBeLessThanOrEqual(2);
      const c = await fresh.counters();
      expect((c.total.graph ?? 0) + (c.total.batchItem ?? 0)).toBeGreaterThan(161 * 5);
    } finally {
      await fresh.close();
    }
  });

  it("lets the half-open probe decide for every item of its operation: none fails because another went first", async () => {
    const fresh = await startHarness({ env: { BREAKER_OPEN_MS: "300", OPERATION_TIMEOUT_MS: "8000" } });
    try {
      const list = await customerIds(fresh, 100);
      const sizes = (await fresh.run(CustomersUserCountsDocument, { first: 100 })).body.data!.customers.nodes;
      const tenant = sizes.filter((n) => n.users!.totalCount! >= 45).map((n) => n.id)[0] ?? list[0]!;
      const users = await userIds(fresh, tenant, 45);
      expect(users.length).toBeGreaterThan(20);
      await fresh.control("PUT", "/faults", { outageTenants: [tenant], retryAfter: "0.01" });
      for (let i = 0; i < 6; i++) await fresh.run(CustomerUserIdsDocument, { id: tenant, first: 1 });
      const open = await fresh.run(CustomerUserIdsDocument, { id: tenant, first: 1 });
      expect(open.body.errors![0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", graphCode: "CircuitOpen" });
      // The tenant recovers; once the open time is over, one operation asks for 45 users by id: three
      // $batches of one workload in one operation. The first is the probe; the others wait for it.
      await fresh.control("PUT", "/faults", { outageTenants: [] });
      const openMs = fresh.config.breakerOpenMs ?? 10_000;
      await new Promise((r) => setTimeout(r, openMs + 50));
      const r: UsersById = await fresh.query(usersById(users), { id: tenant });
      expect(r.body.errors).toBeUndefined();
      expect(Object.values(r.body.data!.customer).map((u) => u.id)).toEqual(users);
    } finally {
      await fresh.close();
    }
  });

  it("keeps an agent's failing token exchanges from refusing app-only callers of the same tenant", async () => {
    const fresh = await startHarness({ demoMode: false });
    try {
      const appToken = await fresh.appToken("NA");
      const agentToken = (await fresh.control<{ access_token: string }>("POST", "/agents/token", { agent: "admin@fabrikampartnersna.onmicrosoft.com" }))
        .access_token;
      const as = (t: string) => ({ authorization: `Bearer ${t}` });
      const agentCustomers = await customerIds(fresh, 100, as(agentToken));
      const appCustomers = await customerIds(fresh, 100, as(appToken));
      const tenant = agentCustomers.find((id) => appCustomers.includes(id))!;
      const one = { id: tenant, first: 1 };
      // The app's token for this tenant is cached; then the tenant's token endpoint fails.
      expect((await fresh.run(CustomerUserIdsDocument, one, as(appToken))).body.errors).toBeUndefined();
      await fresh.control("PUT", "/faults", { tokenFailure: { rate: 1, tenants: [tenant] } });
      for (let i = 0; i < 6; i++) await fresh.run(CustomerUserIdsDocument, one, as(agentToken));
      await fresh.resetCounters();
      const agentAgain = await fresh.run(CustomerUserIdsDocument, one, as(agentToken));
      expect(agentAgain.body.errors![0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", tenantId: tenant });
      expect((await fresh.counters()).byTenant[tenant]?.token ?? 0).toBe(0);
      const app = await fresh.run(CustomerUserIdsDocument, one, as(appToken));
      expect(app.body.errors).toBeUndefined();
      expect(app.body.data!.customer!.users!.nodes).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it("answers every operation whose Graph calls were cancelled while queued, and serves the next ones: no slot leaks", async () => {
    const fresh = await startHarness({ env: { GRAPH_MAX_IN_FLIGHT: "2", OPERATION_TIMEOUT_MS: "600", MAX_CONCURRENT_OPERATIONS: "40" } });
    try {
      const list = await customerIds(fresh, 100);
      await fresh.run(CustomersTwoUsersDocument, { n: 30 });
      // Graph is slow: 30 operations queue behind two slots and pass their deadline while queued.
      await fresh.control("PUT", "/latency", { graph: { kind: "fixed", ms: 400 } });
      const slow = await Promise.all(list.slice(0, 30).map((id) => fresh.run(CustomerUserIdsDocument, { id, first: 1 })));
      expect(slow.filter((a) => a.body.errors?.[0]?.extensions?.code === "TIMEOUT").length).toBeGreaterThan(20);
      // Graph is fast again: every next operation is served, none refused or left waiting (one at a
      // time, so only a leaked slot, not the machine's speed, could make one wait).
      await fresh.control("PUT", "/latency", { graph: { kind: "none" } });
      const next = [];
      for (const id of list.slice(0, 30)) next.push(await fresh.run(CustomerUserIdsDocument, { id, first: 1 }));
      expect(next.filter((a) => a.body.errors).map((a) => a.body.errors)).toEqual([]);
      expect(next.filter((a) => a.status === 200 && a.body.data!.customer!.users!.nodes.length === 1)).toHaveLength(30);
    } finally {
      await fresh.close();
    }
  });
});
