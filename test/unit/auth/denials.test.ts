import type { Caller } from "../../../src/auth/caller";
import { customerCredentials, DenialEpisodes, explainCustomerDenial } from "../../../src/auth/denials";
import type { TenantAccess } from "../../../src/auth/tenantAccess";
import type { GraphDenial, TokenSource } from "../../../src/graph/credentials";
import { NEW_CUSTOMER_HORIZON_SECONDS } from "../../../src/graph/propagation";

const MIN = 60_000;
const app: Caller = { mode: "app", partition: "app" };
const agent: Caller = { mode: "agent", partition: "agent-hash", agentId: "a", partnerTenantId: "p" };
const now = Date.parse("2026-06-01T12:00:00Z");
const denial = (over: Partial<GraphDenial> = {}): GraphDenial => ({
  tenantId: "c1",
  status: 403,
  workload: "directory",
  dataKind: "users",
  requestId: "r-1",
  graphCode: "Authorization_RequestDenied",
  ...over,
});
const established = { id: "c1", relationshipStart: now - 365 * 24 * 60 * MIN };

describe("explainCustomerDenial", () => {
  it("renews the token on every denial, forced only while the customer propagates", () => {
    const renew = jest.fn();
    const explain = explainCustomerDenial(established, app, renew, new DenialEpisodes(), () => now);
    explain(denial({ status: 403 }));
    explain(denial({ status: 401, dataKind: "groups" }));
    expect(renew.mock.calls).toEqual([[false], [false]]);
    explainCustomerDenial({ id: "c1", relationshipStart: now - MIN }, app, renew, new DenialEpisodes(), () => now)(denial());
    expect(renew).toHaveBeenLastCalledWith(true);
  });

  it("names the permissions of an established customer's denial, without a retry", () => {
    const err: any = explainCustomerDenial(
      established,
      app,
      () => undefined,
      new DenialEpisodes(),
      () => now,
    )(denial({ dataKind: "groups" }));
    expect(err.extensions).toMatchObject({
      code: "CONSENT_MISSING",
      tenantId: "c1",
      requestId: "r-1",
      requiredPermissions: expect.arrayContaining(["Group.Read.All"]),
    });
    expect(err.extensions.retryAfter).toBeUndefined();
  });

  it("answers a customer first seen a minute ago CUSTOMER_NOT_READY on Microsoft's schedule", () => {
    const err: any = explainCustomerDenial(
      { id: "c1", relationshipStart: now - MIN },
      app,
      () => undefined,
      new DenialEpisodes(),
      () => now,
    )(denial());
    expect(err.extensions).toMatchObject({ code: "CUSTOMER_NOT_READY", retryAfter: 120 });
  });

  it("names an agent's missing roles for the workload denied", () => {
    const err: any = explainCustomerDenial(
      established,
      agent,
      () => undefined,
      new DenialEpisodes(),
      () => now,
    )(denial({ workload: "intune", dataKind: "managedDevices" }));
    expect(err.extensions).toMatchObject({ code: "ROLE_MISSING", requiredRoles: ["Intune Administrator", "Global Reader", "Global Administrator"] });
  });

  it("runs the schedule from the first denial when nothing dates the customer, then stops retrying past the horizon", () => {
    const episodes = new DenialEpisodes();
    let t = now;
    const explain = explainCustomerDenial(
      { id: "c1" },
      agent,
      () => undefined,
      episodes,
      () => t,
    );
    expect((explain(denial()) as any).extensions).toMatchObject({ code: "ROLE_MISSING", retryAfter: 180 });
    t = now + 2 * MIN;
    expect((explain(denial()) as any).extensions.retryAfter).toBe(60);
    t = now + 4 * MIN;
    expect((explain(denial()) as any).extensions.retryAfter).toBe(60);
    // Denied all along, for longer than a propagation can take: denied, no retry promised.
    for (t = now + 5 * MIN; t < now + NEW_CUSTOMER_HORIZON_SECONDS * 1000; t += MIN) explain(denial());
    t = now + NEW_CUSTOMER_HORIZON_SECONDS * 1000 + 1;
    expect((explain(denial()) as any).extensions.retryAfter).toBeUndefined();
  });
});

describe("customerCredentials", () => {
  it("asks the caller's access for the customer's token source once, with its region, and renews through it", async () => {
    const source: TokenSource = { tenantId: "c1", getToken: async () => "tok", renew: jest.fn() };
    const access: TenantAccess = { forCustomer: jest.fn(async () => source), partnerTenants: async () => [] };
    const credentials = customerCredentials(access, app, { id: "c1", region: "EU", relationshipStart: now - MIN }, new DenialEpisodes(), () => now);
    expect(await credentials.tokens()).toBe(source);
    expect(await credentials.tokens()).toBe(source);
    credentials.explainDenial!(denial());
    await new Promise((r) => setImmediate(r));
    expect(access.forCustomer).toHaveBeenCalledTimes(1);
    expect(access.forCustomer).toHaveBeenCalledWith("c1", "EU");
    expect(source.renew).toHaveBeenCalledWith(true);
  });
});

describe("DenialEpisodes", () => {
  it("keeps one episode per caller partition and tenant, and starts a new one after a quiet horizon", () => {
    const e = new DenialEpisodes();
    expect(e.record("app", "T", 1000)).toBe(1000);
    expect(e.record("app", "t", 5000)).toBe(1000);
    expect(e.record("agent", "t", 6000)).toBe(6000);
    const quiet = 5000 + NEW_CUSTOMER_HORIZON_SECONDS * 1000;
    expect(e.record("app", "t", quiet)).toBe(quiet);
  });

  it("is bounded", () => {
    const e = new DenialEpisodes(2);
    e.record("app", "a", 1);
    e.record("app", "b", 2);
    e.record("app", "c", 3);
    expect(e.record("app", "a", 4)).toBe(4);
  });
});
