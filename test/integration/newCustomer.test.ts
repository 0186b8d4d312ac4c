import { startHarness, type Harness } from "../helpers/harness";

describe("a customer created minutes ago", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it("is CUSTOMER_NOT_READY until its relationship propagates, then answers with a newly acquired token", async () => {
    const created = await h.control<{ id: string; region: string; propagatedAt: string }>("POST", "/customers", { region: "EU", displayName: "Brand New Ltd", propagationSeconds: 2 });
    const q = `query($id: ID!) { customer(id: $id) { displayName readiness { state nextCheckAt reason } users(first: 2) { nodes { userPrincipalName } } } }`;

    await h.resetCounters();
    const early = await h.query(q, { id: created.id });
    expect(early.body.data.customer.users).toBeNull();
    expect(early.body.data.customer.displayName).toBe("Brand New Ltd");
    const err = early.body.errors.find((e: any) => e.path.join(".") === "customer.users");
    expect(err.extensions.code).toBe("CUSTOMER_NOT_READY");
    expect(err.extensions.tenantId).toBe(created.id);
    // Microsoft's schedule: 3 minutes after creation first.
    expect(err.extensions.retryAfter).toBeGreaterThan(170);
    expect(err.extensions.retryAfter).toBeLessThanOrEqual(180);
    expect((await h.counters()).byTenant[created.id].token).toBe(1);

    const readiness = await h.query(`query($id: ID!) { customer(id: $id) { readiness { state nextCheckAt } } }`, { id: created.id });
    expect(readiness.body.data.customer.readiness.state).toBe("PROPAGATING");
    expect(Date.parse(readiness.body.data.customer.readiness.nextCheckAt)).toBeGreaterThan(Date.now() + 170_000);

    // Past the emulator's window (the relationship arrives at propagatedAt), not past Microsoft's 3 minutes.
    await new Promise((r) => setTimeout(r, Date.parse(created.propagatedAt) - Date.now() + 300));
    await h.resetCounters();
    const later = await h.query(q, { id: created.id });
    expect(later.body.errors).toBeUndefined();
    expect(later.body.data.customer.readiness).toEqual({ state: "READY", nextCheckAt: null, reason: null });
    expect(later.body.data.customer.users.nodes).toHaveLength(2);
    const domain = later.body.data.customer.users.nodes[0].userPrincipalName.split("@")[1];
    const tenants = await h.control<{ customers: Array<{ id: string; domains: string[] }> }>("GET", "/tenants");
    expect(tenants.customers.find((c) => c.id === created.id)!.domains).toContain(domain);
    // A cached token from the window would never work: the retry acquired a new one.
    expect((await h.counters()).byTenant[created.id].token).toBe(1);

    await h.resetCounters();
    await h.query(q, { id: created.id });
    expect((await h.counters()).byTenant[created.id].token ?? 0).toBe(0);
  });

  it("reports an established customer the app is not consented in as DENIED with CONSENT_MISSING", async () => {
    // A fresh server, so no token acquired while the app was still consented is cached.
    const fresh = await startHarness();
    try {
      const list = await fresh.query(`{ customers(first: 100) { nodes { id region } } }`);
      const oc = list.body.data.customers.nodes.find((c: any) => c.region === "OC");
      await fresh.control("PUT", "/partners/OC/pre-consent", { enabled: false });
      const r = await fresh.query(`query($id: ID!) { customer(id: $id) { readiness { state reason nextCheckAt } users(first: 1) { nodes { id } } } }`, { id: oc.id });
      const usersError = r.body.errors.find((e: any) => e.path.join(".") === "customer.users");
      expect(usersError.extensions).toMatchObject({ code: "CONSENT_MISSING", tenantId: oc.id });
      const again = await fresh.query(`query($id: ID!) { customer(id: $id) { readiness { state reason nextCheckAt } } }`, { id: oc.id });
      expect(again.body.data.customer.readiness).toEqual({ state: "DENIED", reason: "CONSENT_MISSING", nextCheckAt: null });
    } finally {
      await fresh.close();
    }
  });
});
