import type { Caller } from "../../src/auth/caller";
import { permissionsFor } from "../../src/auth/roles";
import { dataKindOf } from "../../src/graph/resilience";
import { PartnerGraphError } from "../../src/errors";
import { CustomerDirectory, ListingCache, relationshipCreatedAt, type CustomerRecord, type Listing } from "../../src/loaders/customerDirectory";
import { customerFailureMapper, partnerFailureMapper } from "../../src/loaders/failures";
import { DenialEpisodes, NEW_CUSTOMER_HORIZON_SECONDS } from "../../src/loaders/readiness";
import type { GraphResponse } from "../../src/graph/types";

const MIN = 60_000;
const app: Caller = { mode: "app", partition: "app" };
const agent: Caller = { mode: "agent", partition: "agent-hash", agentId: "a", partnerTenantId: "p" };

function customer(over: Partial<CustomerRecord> = {}): CustomerRecord {
  return { id: "c1", displayName: "C", defaultDomainName: null, region: "NA", partnerTenantId: "p1", contract: true, gdapRelationships: [], ...over };
}
const denied = (status = 403): GraphResponse => ({ status, headers: { "request-id": "r-1" }, body: { error: { code: "Authorization_RequestDenied", message: "Insufficient privileges" } } }) as GraphResponse;
const get = (url: string) => ({ method: "GET" as const, url });

describe("which data a Graph URL reads, and the application permissions it needs", () => {
  it.each([
    ["/users?$top=1", "users", "User.Read.All"],
    ["/users/x/memberOf", "users", "User.Read.All"],
    ["/users/x/managedDevices", "managedDevices", "DeviceManagementManagedDevices.Read.All"],
    ["/deviceManagement/managedDevices?$select=id", "managedDevices", "DeviceManagementManagedDevices.Read.All"],
    ["/groups/g/members", "groups", "Group.Read.All"],
    ["/devices(deviceId='d')", "devices", "Device.Read.All"],
    ["/organization?$select=id", "organization", "Organization.Read.All"],
    ["/directoryObjects/getByIds", "directoryObjects", "Directory.Read.All"],
    ["/tenantRelationships/delegatedAdminCustomers", "delegatedAdmin", "DelegatedAdminRelationship.Read.All"],
  ])("%s reads %s, which %s allows", (url, kind, permission) => {
    expect(dataKindOf(url)).toBe(kind);
    expect(permissionsFor(dataKindOf(url))).toContain(permission);
  });

  it("never offers Directory.Read.All for Intune (it does not cover it)", () => {
    expect(permissionsFor("managedDevices")).toEqual(["DeviceManagementManagedDevices.Read.All"]);
  });
});

describe("customerFailureMapper", () => {
  const now = Date.parse("2026-06-01T12:00:00Z");

  it("renews the token on every denial, whatever the answer says", () => {
    const renew = jest.fn();
    const map = customerFailureMapper(customer({ gdapRelationships: [rel(now - 365 * 24 * 60 * MIN)] }), app, renew, new DenialEpisodes(), () => now);
    map(denied(403), get("/users"));
    map(denied(401), get("/groups"));
    expect(renew).toHaveBeenCalledTimes(2);
    const notDenied = customerFailureMapper(customer(), app, renew, new DenialEpisodes(), () => now)({ status: 404, headers: {}, body: {} } as GraphResponse, get("/users/x"));
    expect((notDenied as any).extensions.code).toBe("NOT_FOUND");
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it("names the permissions of an established customer's denial, without a retry", () => {
    const err: any = customerFailureMapper(customer({ gdapRelationships: [rel(now - 365 * 24 * 60 * MIN)] }), app, () => undefined, new DenialEpisodes(), () => now)(denied(), get("/groups"));
    expect(err.extensions).toMatchObject({ code: "CONSENT_MISSING", tenantId: "c1", requestId: "r-1", requiredPermissions: expect.arrayContaining(["Group.Read.All"]) });
    expect(err.extensions.retryAfter).toBeUndefined();
  });

  it("answers a customer first seen a minute ago CUSTOMER_NOT_READY on Microsoft's schedule", () => {
    const err: any = customerFailureMapper(customer({ firstSeenAt: now - MIN }), app, () => undefined, new DenialEpisodes(), () => now)(denied(), get("/users"));
    expect(err.extensions).toMatchObject({ code: "CUSTOMER_NOT_READY", retryAfter: 120 });
  });

  it("runs the schedule from the first denial when nothing dates the customer, then stops retrying past the horizon", () => {
    const episodes = new DenialEpisodes();
    let t = now;
    const map = customerFailureMapper(customer(), agent, () => undefined, episodes, () => t);
    expect((map(denied(), get("/users")) as any).extensions).toMatchObject({ code: "ROLE_MISSING", retryAfter: 180 });
    t = now + 2 * MIN;
    expect((map(denied(), get("/users")) as any).extensions.retryAfter).toBe(60);
    t = now + 4 * MIN;
    expect((map(denied(), get("/users")) as any).extensions.retryAfter).toBe(60);
    // Denied all along, for longer than a propagation can take: denied, no retry promised.
    for (t = now + 5 * MIN; t < now + NEW_CUSTOMER_HORIZON_SECONDS * 1000; t += MIN) map(denied(), get("/users"));
    t = now + NEW_CUSTOMER_HORIZON_SECONDS * 1000 + 1;
    expect((map(denied(), get("/users")) as any).extensions.retryAfter).toBeUndefined();
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

describe("partnerFailureMapper", () => {
  it("types a refused GDAP list as lasting, and leaves other lists to the generic mapping", () => {
    const map = partnerFailureMapper("p1");
    expect((map(denied(), get("/tenantRelationships/delegatedAdminRelationships?$top=300")) as any).extensions).toMatchObject({
      code: "CONSENT_MISSING", reason: "GDAP_API_DENIED", tenantId: "p1", requiredPermissions: ["DelegatedAdminRelationship.Read.All"],
    });
    const notThere = { status: 400, headers: {}, body: { error: { code: "BadRequest" } } } as GraphResponse;
    expect((map(notThere, get("/tenantRelationships/delegatedAdminCustomers")) as any).extensions).toMatchObject({ code: "NOT_FOUND", reason: "GDAP_API_NOT_AVAILABLE" });
    expect((map(denied(), get("/contracts")) as any).extensions.reason).toBeUndefined();
    const outage = { status: 503, headers: {}, body: {} } as GraphResponse;
    expect((map(outage, get("/tenantRelationships/delegatedAdminCustomers")) as any).extensions.code).toBe("UPSTREAM_UNAVAILABLE");
  });
});

describe("ListingCache", () => {
  const listing = (ids: string[], over: Partial<Listing> = {}): Listing => ({
    customers: new Map(ids.map((id) => [id, customer({ id })])),
    failures: [],
    complete: ["p1"],
    ...over,
  });

  it("marks a customer first seen when a listing after one without it has it; the first listing dates nobody", () => {
    let t = 1_000_000;
    const cache = new ListingCache(60_000, () => t);
    const first = listing(["a"]);
    cache.sight(first);
    expect(first.customers.get("a")!.firstSeenAt).toBeUndefined();
    t += 5000;
    const second = listing(["a", "b"]);
    cache.sight(second);
    expect(second.customers.get("b")!.firstSeenAt).toBe(t);
    expect(relationshipCreatedAt(second.customers.get("b")!)).toBe(t);
    expect(second.customers.get("a")!.firstSeenAt).toBeUndefined();
    // Another caller's later listing gets the same date.
    t += 5000;
    const third = listing(["a", "b"]);
    cache.sight(third);
    expect(third.customers.get("b")!.firstSeenAt).toBe(t - 5000);
  });

  it("does not date customers against a listing whose GDAP part failed for now (GDAP-only customers were missing)", () => {
    const cache = new ListingCache(60_000, () => 1);
    // As the directory builds it: a partner tenant with a failure is not among the complete ones.
    cache.sight(listing(["a"], { failures: [{ partnerTenantId: "p1", region: "NA", error: new Error("503"), part: "gdap" }], complete: [] }));
    const next = listing(["a", "g"]);
    cache.sight(next);
    expect(next.customers.get("g")!.firstSeenAt).toBeUndefined();
  });

  it("lets one caller partition re-read at most once per interval", () => {
    let t = 0;
    const cache = new ListingCache(60_000, () => t, 1000, 10_000);
    expect(cache.mayRefresh("app")).toBe(true);
    expect(cache.mayRefresh("app")).toBe(false);
    expect(cache.mayRefresh("agent")).toBe(true);
    t = 10_000;
    expect(cache.mayRefresh("app")).toBe(true);
  });

  it("keeps listings whose GDAP lists refused for good, not those with a passing failure", () => {
    const cache = new ListingCache(60_000, () => 0);
    cache.set("app", listing(["a"], { failures: [{ partnerTenantId: "p1", region: "NA", error: new Error("503"), part: "gdap" }] }));
    expect(cache.get("app")).toBeUndefined();
    const refused = listing(["a"]);
    refused.customers.get("a")!.gdapUnavailable = partnerFailureMapper("p1")(denied(), get("/tenantRelationships/delegatedAdminCustomers")) as any;
    cache.set("app", refused);
    expect(cache.get("app")).toBe(refused);
  });
});

function rel(createdMs: number) {
  const at = new Date(createdMs).toISOString();
  return { id: "r", displayName: "r", status: "active", roleDefinitionIds: [], createdDateTime: at, activatedDateTime: at, endDateTime: null, autoExtendDuration: null };
}

describe("CustomerDirectory over partner lists (contracts the base, GDAP extra)", () => {
  const CONTRACT = { customerId: "C-DAP", displayName: "Dap Co", defaultDomainName: "dap.example" };

  /** A partner tenant's lists as TenantData.get answers them; `gdap` decides how the two GDAP lists answer. */
  function partner(gdap: "ok" | "refused" | "outage", calls: string[] = []) {
    const data = {
      async get(url: string) {
        calls.push(url);
        if (url.startsWith("/contracts")) return { value: [CONTRACT] };
        if (gdap === "refused") throw partnerFailureMapper("p1")(denied(), get(url));
        if (gdap === "outage") throw new PartnerGraphError("UPSTREAM_UNAVAILABLE", "Microsoft Graph is unavailable for this customer tenant.", { retryAfter: 5 });
        if (url.includes("delegatedAdminCustomers")) return { value: [{ tenantId: "C-GDAP", displayName: "Gdap Co" }] };
        return { value: [{ id: "r1", status: "active", customer: { tenantId: "c-gdap" }, createdDateTime: "2020-01-01T00:00:00Z", accessDetails: { unifiedRoles: [] } }] };
      },
    };
    return async () => [{ region: "NA", partnerTenantId: "p1", data: data as never }];
  }

  it("lists the contracts' customers with their GDAP part unavailable when the GDAP lists refuse, and keeps that listing", async () => {
    const store = new ListingCache(60_000);
    const dir = new CustomerDirectory(partner("refused"), { store, partition: "app" });
    const [only] = await dir.list();
    expect(only).toMatchObject({ id: "c-dap", contract: true, gdapRelationships: [] });
    expect(only.gdapUnavailable?.extensions).toMatchObject({ code: "CONSENT_MISSING", reason: "GDAP_API_DENIED" });
    expect(await dir.failures()).toEqual([]);
    await expect(dir.get("c-gdap")).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect(store.get("app")).toBeDefined();
  });

  it("reports a passing GDAP failure beside the list, and answers an unlisted id UPSTREAM_UNAVAILABLE", async () => {
    const store = new ListingCache(60_000);
    const dir = new CustomerDirectory(partner("outage"), { store, partition: "app" });
    expect((await dir.list()).map((c) => c.id)).toEqual(["c-dap"]);
    expect(await dir.failures()).toEqual([expect.objectContaining({ part: "gdap", partnerTenantId: "p1" })]);
    await expect(dir.get("c-gdap")).rejects.toMatchObject({ extensions: { code: "UPSTREAM_UNAVAILABLE" } });
    expect(store.get("app")).toBeUndefined();
  });

  it("does not date GDAP customers as new after a listing whose GDAP lists were refused (another caller, without the permission)", async () => {
    const store = new ListingCache(60_000);
    await new CustomerDirectory(partner("refused"), { store, partition: "app:NA" }).list();
    // An agent who may read the GDAP lists: c-gdap was there all along, not created in between.
    const seen = await new CustomerDirectory(partner("ok"), { store, partition: "agent" }).list();
    expect(seen.find((c) => c.id === "c-gdap")!.firstSeenAt).toBeUndefined();
  });

  it("merges both lists when they answer", async () => {
    const dir = new CustomerDirectory(partner("ok"));
    const all = await dir.list();
    expect(all.map((c) => [c.id, c.gdapRelationships.length, c.gdapUnavailable])).toEqual([["c-dap", 0, undefined], ["c-gdap", 1, undefined]]);
  });

  it("re-reads a cached listing once for an unknown id, and not again within the interval", async () => {
    const store = new ListingCache(60_000);
    const calls: string[] = [];
    const sources = partner("ok", calls);
    await new CustomerDirectory(sources, { store, partition: "app" }).list();
    expect(calls.filter((u) => u.startsWith("/contracts"))).toHaveLength(1);
    await expect(new CustomerDirectory(sources, { store, partition: "app" }).get("c-new")).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect(calls.filter((u) => u.startsWith("/contracts"))).toHaveLength(2);
    await expect(new CustomerDirectory(sources, { store, partition: "app" }).get("c-new")).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect(calls.filter((u) => u.startsWith("/contracts"))).toHaveLength(2);
    // A known id never causes a re-read.
    await new CustomerDirectory(sources, { store, partition: "agent" }).list();
    await new CustomerDirectory(sources, { store, partition: "agent" }).get("c-dap");
    expect(calls.filter((u) => u.startsWith("/contracts"))).toHaveLength(3);
  });
});
