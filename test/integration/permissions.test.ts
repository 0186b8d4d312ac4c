import { CustomerFirstGroupDocument, CustomerWorkloadReadinessDocument } from "../__generated__/operations";
import { startHarness, type Harness } from "../helpers/harness";

/**
 * An app granted only some application permissions in a customer (here User.Read.All): each denied
 * call names the permission it needed, readiness says which workloads are denied, and a permission
 * granted later is used at the next attempt after the renewal interval (60 s by default) — a denied token
 * is renewed, so no hour-long stale grant.
 */
describe("application permissions in a customer tenant", () => {
  let h: Harness;
  let customerId: string;
  beforeAll(async () => {
    // Renewals after a denial at most once a second here (60 s by default, Microsoft's retry step).
    h = await startHarness({ env: { TOKEN_RENEWAL_INTERVAL_SECONDS: "1" } });
    const tenants = await h.control<{ customers: Array<{ id: string; region: string; dap: boolean; gdap: boolean }> }>("GET", "/tenants");
    customerId = tenants.customers.find((c) => c.region === "NA" && c.gdap)!.id;
    await h.control("PUT", "/partners/NA/app-permissions", { customerId, applicationPermissions: ["User.Read.All"] });
  });
  afterAll(async () => h?.close());

  const q = CustomerWorkloadReadinessDocument;

  it("names the permission each denied call needed (CONSENT_MISSING, requiredPermissions)", async () => {
    const r = await h.run(q, { id: customerId });
    const c = r.body.data!.customer!;
    expect(c.users!.nodes).toHaveLength(1);
    const byPath = Object.fromEntries(r.body.errors!.map((e) => [e.path!.join("."), e.extensions] as const));
    expect(Object.keys(byPath).sort()).toEqual(["customer.devices", "customer.groups", "customer.managedDevices"]);
    expect(byPath["customer.groups"]).toMatchObject({
      code: "CONSENT_MISSING",
      tenantId: customerId,
      requiredPermissions: expect.arrayContaining(["Group.Read.All"]),
    });
    expect(byPath["customer.devices"]).toMatchObject({ code: "CONSENT_MISSING", requiredPermissions: expect.arrayContaining(["Device.Read.All"]) });
    expect(byPath["customer.managedDevices"]).toMatchObject({ code: "CONSENT_MISSING", requiredPermissions: ["DeviceManagementManagedDevices.Read.All"] });
    for (const e of r.body.errors!) expect(e.message).not.toMatch(/has no permission in this customer tenant/);

    // The tenant answers (users), so it is READY; the workloads it denies are named with what they need.
    expect(c.readiness.state).toBe("READY");
    const workloads = Object.fromEntries(c.readiness.workloads.map((w) => [w.workload, w] as const));
    expect(workloads.USERS).toEqual({ workload: "USERS", state: "READY", reason: null, requiredPermissions: null });
    expect(workloads.GROUPS).toMatchObject({ state: "DENIED", reason: "CONSENT_MISSING", requiredPermissions: expect.arrayContaining(["Group.Read.All"]) });
    expect(workloads.DEVICES).toMatchObject({ state: "DENIED", reason: "CONSENT_MISSING" });
    expect(workloads.MANAGED_DEVICES).toMatchObject({
      state: "DENIED",
      reason: "CONSENT_MISSING",
      requiredPermissions: ["DeviceManagementManagedDevices.Read.All"],
    });
    expect(workloads.ORGANIZATION).toMatchObject({ state: "DENIED", requiredPermissions: expect.arrayContaining(["Organization.Read.All"]) });
  });

  it("uses a permission granted afterwards at the next attempt after the renewal interval, through a newly acquired token", async () => {
    const groups = CustomerFirstGroupDocument;
    const before = await h.run(groups, { id: customerId });
    expect(before.body.errors![0]!.extensions!.code).toBe("CONSENT_MISSING");
    await h.control("PUT", "/partners/NA/app-permissions", { customerId, applicationPermissions: ["User.Read.All", "Group.Read.All"] });
    await new Promise((r) => setTimeout(r, 1_100));
    await h.resetCounters();
    const r = await h.run(groups, { id: customerId });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.customer!.groups!.nodes).toHaveLength(1);
    expect((await h.counters()).byTenant[customerId].token).toBe(1);
  });
});
