import { graphCallsTo, startHarness, type Harness } from "../helpers/harness";

/** One `user(id:)` field per id, under one customer: per-id GETs that the tenant's loader batches by 20. */
const usersById = (ids: string[]) => `query($id: ID!) { customer(id: $id) { ${ids.map((u, i) => `u${i}: user(id: "${u}") { id }`).join(" ")} } }`;
const USERS_OF_CUSTOMERS = `query($n: Int!) { customers(first: $n) { nodes { id users(first: 2) { nodes { id tenantId } } } } }`;

describe("Graph failing, throttling and slow: retries, deadlines, caps and breakers", () => {
  let h: Harness;
  let ids: string[];

  beforeAll(async () => {
    h = await startHarness({ env: { GRAPH_MAX_IN_FLIGHT_PER_TENANT: "2", OPERATION_TIMEOUT_MS: "4000" } });
    ids = (await h.query(`{ customers(first: 100) { nodes { id } } }`)).body.data.customers.nodes.map((c: any) => c.id);
    // Warm the token caches so fault injection below hits Graph calls only.
    await h.query(USERS_OF_CUSTOMERS, { n: 100 });
  });
  afterEach(async () => void (await h.control("POST", "/reset")));
  afterAll(async () => h?.close());

  it("absorbs 20% 503s on reads", async () => {
    await h.control("PUT", "/faults", { graphErrorRates: { "503": 0.2 }, retryAfter: "0.05", seed: 7 });
    await h.resetCounters();
    const r = await h.query(USERS_OF_CUSTOMERS, { n: 20 });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.customers.nodes).toHaveLength(20);
    const c = await h.counters();
    // One request per customer's users (the customer list is reused): more than that proves re-sends.
    const minimum = 20;
    expect((c.total.graph ?? 0) + (c.total.batch ?? 0)).toBeGreaterThan(minimum);
  });

  it("re-sends only the throttled items of a batch, in a new batch, and the operation succeeds", async () => {
    const tenant = ids[0];
    const users = (await h.query(`query($id: ID!) { customer(id: $id) { users(first: 20) { nodes { id } } } }`, { id: tenant })).body.data.customer.users.nodes;
    await h.control("PUT", "/faults", { graphErrorRates: { "429": 0.3 }, retryAfter: "0.2", seed: 3 });
    await h.resetCounters();
    const r = await h.query(usersById(users.map((u: any) => u.id)), { id: tenant });
    expect(r.body.errors).toBeUndefined();
    expect(Object.values(r.body.data.customer).map((u: any) => u.id)).toEqual(users.map((u: any) => u.id));
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
    const tenant = ids[1];
    await h.control("PUT", "/faults", { graphErrorRates: { "429": 1 }, retryAfter: "300" });
    // The customer list is reused from an earlier operation (CUSTOMER_LIST_TTL_SECONDS), so only the customer is asked.
    await h.resetCounters();
    const r = await h.query(`query($id: ID!) { customer(id: $id) { users(first: 2) { nodes { id } } } }`, { id: tenant });
    expect(r.body.errors[0].extensions).toMatchObject({ code: "THROTTLED", tenantId: tenant, retryAfter: 300 });
    expect(graphCallsTo(await h.counters(), tenant)).toBe(1);
  });

  it("backs off and succeeds when 429s come without Retry-After", async () => {
    await h.control("PUT", "/faults", { graphErrorRates: { "429": 0.3 }, retryAfter: "", seed: 11 });
    await h.resetCounters();
    const r = await h.query(USERS_OF_CUSTOMERS, { n: 8 });
    expect(r.body.errors).toBeUndefined();
    // One request per customer is the minimum (the customer list is reused): more proves the backed-off re-sends.
    const c = await h.counters();
    expect((c.total.graph ?? 0) + (c.total.batch ?? 0)).toBeGreaterThan(8);
  });

  it("answers a tenant in total outage without calling it once its circuit is open, while the others return data", async () => {
    // Its own server: circuit state is per process, and this test leaves a circuit open.
    const h = await startHarness();
    const ids: string[] = (await h.query(`{ customers(first: 100) { nodes { id } } }`)).body.data.customers.nodes.map((c: any) => c.id);
    await h.query(USERS_OF_CUSTOMERS, { n: 32 });
    const down = ids[2];
    await h.control("PUT", "/faults", { outageTenants: [down], retryAfter: "0.05" });
    const once = await h.query(USERS_OF_CUSTOMERS, { n: 32 });
    const failed = once.body.errors.map((e: any) => e.extensions.tenantId);
    expect(new Set(failed)).toEqual(new Set([down]));
    expect(once.body.errors[0].extensions.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(once.body.data.customers.nodes.filter((n: any) => n.users !== null)).toHaveLength(31);
    expect(once.body.data.customers.nodes.find((n: any) => n.id === down).users).toBeNull();
    await h.query(USERS_OF_CUSTOMERS, { n: 32 });
    await h.resetCounters();
    const open = await h.query(USERS_OF_CUSTOMERS, { n: 32 });
    const err = open.body.errors.find((e: any) => e.extensions.tenantId === down);
    expect(err.extensions.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(err.extensions.retryAfter).toBeGreaterThan(0);
    const c = await h.counters();
    expect(graphCallsTo(c, down)).toBe(0);
    for (const id of ids.filter((i) => i !== down)) expect(graphCallsTo(c, id)).toBe(1);
    await h.close();
  });

  it("never has more Graph requests of one tenant in flight than its cap", async () => {
    const sizes = (await h.query(`{ customers(first: 100) { nodes { id users(first: 1) { totalCount } } } }`)).body.data.customers.nodes;
    const tenant = sizes.sort((a: any, b: any) => b.users.totalCount - a.users.totalCount)[0].id;
    const users = (await h.query(`query($id: ID!) { customer(id: $id) { users(first: 120) { nodes { id } } } }`, { id: tenant })).body.data.customer.users.nodes;
    expect(users.length).toBeGreaterThan(100);
    await h.control("PUT", "/latency", { graph: { kind: "fixed", ms: 30 } });
    await h.resetCounters();
    const r = await h.query(usersById(users.map((u: any) => u.id)), { id: tenant });
    expect(r.body.errors).toBeUndefined();
    const c = await h.counters();
    expect(c.byTenant[tenant].batch).toBe(Math.ceil(users.length / 20));
    expect(c.concurrency.graph.maxByTenant[tenant]).toBe(2);
  });

  it("honours the deadline: a slow tenant answers TIMEOUT at its path while the rest return data", async () => {
    const slow = ids[4];
    await h.control("PUT", "/latency", { graph: { kind: "none" }, token: { kind: "none" }, tenants: { [slow]: { kind: "fixed", ms: 6000 } } });
    const r = await h.query(USERS_OF_CUSTOMERS, { n: 10 });
    const errs = r.body.errors;
    expect(errs).toHaveLength(1);
    expect(errs[0].extensions).toMatchObject({ code: "TIMEOUT", tenantId: slow });
    const i = r.body.data.customers.nodes.findIndex((n: any) => n.id === slow);
    expect(errs[0].path).toEqual(["customers", "nodes", i, "users"]);
    expect(r.body.data.customers.nodes[i].users).toBeNull();
    expect(r.body.data.customers.nodes.filter((n: any) => n.users !== null)).toHaveLength(9);
  });

  it("does not make a quiet tenant wait behind a busy one", async () => {
    const [busy, quiet] = [ids[5], ids[6]];
    const users = (await h.query(`query($id: ID!) { customer(id: $id) { users(first: 60) { nodes { id } } } }`, { id: busy })).body.data.customer.users.nodes.map((u: any) => u.id);
    // The busy tenant answers slowly and its requests queue on its own cap (2 here); the quiet one is fast.
    await h.control("PUT", "/latency", { graph: { kind: "none" }, token: { kind: "none" }, tenants: { [busy]: { kind: "fixed", ms: 400 } } });
    const order: string[] = [];
    const busyOp = h.query(usersById(users), { id: busy }).then((r) => (order.push("busy"), r));
    await new Promise((r) => setTimeout(r, 50));
    const quietOp = h.query(`query($id: ID!) { customer(id: $id) { users(first: 5) { nodes { id } } } }`, { id: quiet }).then((r) => (order.push("quiet"), r));
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
      const r = await fresh.query(`{ customers(first: 100) { totalCount nodes { region } } }`);
      expect(new Set(r.body.data.customers.nodes.map((n: any) => n.region))).toEqual(new Set(["EU", "AS", "OC"]));
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
      const id = (await fresh.query(`{ customers(first: 1) { nodes { id } } }`)).body.data.customers.nodes[0].id;
      await fresh.control("PUT", "/latency", { graph: { kind: "fixed", ms: 500 } });
      const q = `query($id: ID!) { customer(id: $id) { users(first: 1) { nodes { id } } } }`;
      const answers = await Promise.all([0, 1, 2, 3].map(() => fresh.query(q, { id })));
      const busy = answers.filter((a) => a.status === 503);
      expect(busy).toHaveLength(2);
      for (const b of busy) expect(b.body.errors[0].extensions).toEqual({ code: "THROTTLED", retryAfter: 1 });
      expect(answers.filter((a) => a.status === 200 && a.body.data.customer.users.nodes.length === 1)).toHaveLength(2);
    } finally {
      await fresh.close();
    }
  });

  it("fails only the tenant whose token endpoint fails", async () => {
    const fresh = await startHarness();
    try {
      const list = (await fresh.query(`{ customers(first: 5) { nodes { id } } }`)).body.data.customers.nodes.map((c: any) => c.id);
      await fresh.control("PUT", "/faults", { tokenFailure: { rate: 1, tenants: [list[0]] } });
      const r = await fresh.query(USERS_OF_CUSTOMERS, { n: 5 });
      expect(r.body.errors).toHaveLength(1);
      expect(r.body.errors[0].extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", tenantId: list[0] });
      expect(r.body.data.customers.nodes.filter((n: any) => n.users !== null)).toHaveLength(4);
      // Its token endpoint keeps failing: after a few operations its circuit opens and no token request is made.
      for (let i = 0; i < 5; i++) await fresh.query(USERS_OF_CUSTOMERS, { n: 5 });
      await fresh.resetCounters();
      const fast = await fresh.query(USERS_OF_CUSTOMERS, { n: 5 });
      expect(fast.body.errors[0].extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", tenantId: list[0] });
      expect(fast.body.errors[0].extensions.retryAfter).toBeGreaterThan(0);
      const c = await fresh.counters();
      expect(c.byTenant[list[0]]?.token ?? 0).toBe(0);
      expect(c.byTenant[list[1]]?.graph ?? c.byTenant[list[1]]?.batch).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
