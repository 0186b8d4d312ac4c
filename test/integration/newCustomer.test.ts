import {
  CustomerCountDocument,
  CustomerIdDocument,
  CustomerNextCheckDocument,
  CustomerReadinessAndFirstUserDocument,
  CustomerReadinessAndTwoUsersDocument,
  CustomerReadinessDocument,
  CustomerRegionsAndRelationshipsDocument,
  CustomerRelationshipReadinessAndUserDocument,
} from "../__generated__/operations";
import { graphCallsTo, startHarness, type Harness } from "../helpers/harness";

describe("a customer created minutes ago", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it("is CUSTOMER_NOT_READY until its relationship propagates, then answers with a newly acquired token", async () => {
    const created = await h.control<{ id: string; region: string; propagatedAt: string }>("POST", "/customers", {
      region: "EU",
      displayName: "Brand New Ltd",
      propagationSeconds: 2,
    });
    const q = CustomerReadinessAndTwoUsersDocument;

    await h.resetCounters();
    const early = await h.run(q, { id: created.id });
    expect(early.body.data!.customer!.users).toBeNull();
    expect(early.body.data!.customer!.displayName).toBe("Brand New Ltd");
    const err = early.body.errors!.find((e) => e.path!.join(".") === "customer.users")!;
    expect(err.extensions!.code).toBe("CUSTOMER_NOT_READY");
    expect(err.extensions!.tenantId).toBe(created.id);
    // Microsoft's schedule: 3 minutes after creation first.
    expect(err.extensions!.retryAfter).toBeGreaterThan(170);
    expect(err.extensions!.retryAfter).toBeLessThanOrEqual(180);
    expect((await h.counters()).byTenant[created.id].token).toBe(1);

    const readiness = await h.run(CustomerNextCheckDocument, { id: created.id });
    expect(readiness.body.data!.customer!.readiness.state).toBe("PROPAGATING");
    expect(Date.parse(readiness.body.data!.customer!.readiness.nextCheckAt!)).toBeGreaterThan(Date.now() + 170_000);

    // Past the emulator's window (the relationship arrives at propagatedAt), not past Microsoft's 3 minutes.
    await new Promise((r) => setTimeout(r, Date.parse(created.propagatedAt) - Date.now() + 300));
    await h.resetCounters();
    const later = await h.run(q, { id: created.id });
    expect(later.body.errors).toBeUndefined();
    expect(later.body.data!.customer!.readiness).toEqual({ state: "READY", nextCheckAt: null, reason: null });
    expect(later.body.data!.customer!.users!.nodes).toHaveLength(2);
    const domain = later.body.data!.customer!.users!.nodes[0]!.userPrincipalName!.split("@")[1];
    const tenants = await h.control<{ customers: Array<{ id: string; domains: string[] }> }>("GET", "/tenants");
    expect(tenants.customers.find((c) => c.id === created.id)!.domains).toContain(domain);
    // A cached token from the window would never work: the retry acquired a new one.
    expect((await h.counters()).byTenant[created.id].token).toBe(1);

    await h.resetCounters();
    await h.run(q, { id: created.id });
    expect((await h.counters()).byTenant[created.id].token ?? 0).toBe(0);
  });

  it("reports an established customer the app is not consented in as DENIED with CONSENT_MISSING", async () => {
    // A fresh server, so no token acquired while the app was still consented is cached.
    const fresh = await startHarness();
    try {
      const list = await fresh.run(CustomerRegionsAndRelationshipsDocument);
      // A GDAP relationship dates the customer: established, so the denial is no propagation delay.
      const oc = list.body.data!.customers.nodes.find((c) => c.region === "OC" && c.relationship!.kind === "GDAP")!;
      await fresh.control("PUT", "/partners/OC/pre-consent", { enabled: false });
      const r = await fresh.run(CustomerReadinessAndFirstUserDocument, { id: oc.id });
      const usersError = r.body.errors!.find((e) => e.path!.join(".") === "customer.users")!;
      expect(usersError.extensions).toMatchObject({ code: "CONSENT_MISSING", tenantId: oc.id });
      const again = await fresh.run(CustomerReadinessDocument, { id: oc.id });
      expect(again.body.data!.customer!.readiness).toEqual({ state: "DENIED", reason: "CONSENT_MISSING", nextCheckAt: null });
    } finally {
      await fresh.close();
    }
  });

  it("answers a DAP-only customer (in /contracts only) created after the listing was cached, with a new token once propagated", async () => {
    // The listing is cached (60 s) before the customer exists.
    await h.run(CustomerCountDocument, { first: 1 });
    const created = await h.control<{ id: string; propagatedAt: string; dap: boolean; gdap: boolean }>("POST", "/customers", {
      region: "NA",
      displayName: "Contracts Only Ltd",
      gdap: false,
      propagationSeconds: 2,
    });
    expect(created).toMatchObject({ dap: true, gdap: false });
    const q = CustomerRelationshipReadinessAndUserDocument;

    await h.resetCounters();
    const early = await h.run(q, { id: created.id });
    // Not FORBIDDEN from the cached listing: an unknown id reads the list again once.
    expect(early.body.data!.customer).toMatchObject({ displayName: "Contracts Only Ltd", relationship: { kind: "DAP", gdap: [] } });
    const err = early.body.errors!.find((e) => e.path!.join(".") === "customer.users")!;
    // First seen just now, by a listing that did not have it before: a new customer, on Microsoft's schedule.
    expect(err.extensions).toMatchObject({ code: "CUSTOMER_NOT_READY", tenantId: created.id });
    expect(err.extensions!.retryAfter).toBeGreaterThan(170);
    expect(err.extensions!.retryAfter).toBeLessThanOrEqual(180);
    expect(early.body.data!.customer!.readiness.state).toBe("PROPAGATING");
    expect((await h.counters()).byTenant[created.id].token).toBe(1);

    await new Promise((r) => setTimeout(r, Date.parse(created.propagatedAt) - Date.now() + 300));
    await h.resetCounters();
    const later = await h.run(q, { id: created.id });
    expect(later.body.errors).toBeUndefined();
    expect(later.body.data!.customer!.readiness).toEqual({ state: "READY", nextCheckAt: null, reason: null });
    expect(later.body.data!.customer!.users!.nodes).toHaveLength(1);
    // The token denied in the window is never used again: this answer came with a newly acquired one.
    expect((await h.counters()).byTenant[created.id].token).toBe(1);
  });

  it("never reuses a denied token, even for a customer whose age nothing tells (DAP-only, listed first after start)", async () => {
    const fresh = await startHarness();
    try {
      const created = await fresh.control<{ id: string; propagatedAt: string }>("POST", "/customers", {
        region: "AS",
        displayName: "Ageless Pty",
        gdap: false,
        propagationSeconds: 2,
      });
      const q = CustomerReadinessAndFirstUserDocument;
      const early = await fresh.run(q, { id: created.id });
      const err = early.body.errors!.find((e) => e.path!.join(".") === "customer.users")!;
      // Nothing says the customer is new: the denial is named, and a retry is scheduled as Microsoft says (3 minutes, then 60 s).
      expect(err.extensions).toMatchObject({ code: "CONSENT_MISSING", tenantId: created.id, requiredPermissions: expect.arrayContaining(["User.Read.All"]) });
      expect(err.extensions!.retryAfter).toBeGreaterThan(170);
      expect(early.body.data!.customer!.readiness).toMatchObject({ state: "DENIED", reason: "CONSENT_MISSING" });
      expect(Date.parse(early.body.data!.customer!.readiness.nextCheckAt!)).toBeGreaterThan(Date.now());

      await new Promise((r) => setTimeout(r, Date.parse(created.propagatedAt) - Date.now() + 300));
      await fresh.resetCounters();
      const later = await fresh.run(q, { id: created.id });
      expect(later.body.errors).toBeUndefined();
      expect(later.body.data!.customer!.readiness.state).toBe("READY");
      expect((await fresh.counters()).byTenant[created.id].token).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("reads the list again for an unknown id at most once per caller within a few seconds, then answers FORBIDDEN", async () => {
    const fresh = await startHarness();
    try {
      const na = fresh.config.partnerTenants.find((p) => p.region === "NA")!.tenantId;
      await fresh.run(CustomerCountDocument, { first: 1 });
      await fresh.resetCounters();
      const first = await fresh.run(CustomerIdDocument, { id: "0a0b0c0d-0000-4000-8000-00000000abcd" });
      expect(first.body.errors![0]!.extensions!.code).toBe("FORBIDDEN");
      expect(graphCallsTo(await fresh.counters(), na)).toBe(1);
      const second = await fresh.run(CustomerIdDocument, { id: "0a0b0c0d-0000-4000-8000-00000000abce" });
      expect(second.body.errors![0]!.extensions!.code).toBe("FORBIDDEN");
      // Same answer as before, from the listing just read: an unknown id cannot make us re-read the partner tenants at will.
      expect(second.body.errors![0]!.message).toBe(first.body.errors![0]!.message);
      expect(graphCallsTo(await fresh.counters(), na)).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
