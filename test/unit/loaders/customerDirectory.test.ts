import { gdapListsDenied, PartnerGraphError } from "../../../src/errors";
import type { ListSource } from "../../../src/graph/tenantGraph";
import { CustomerDirectory, ListingCache, relationshipCreatedAt, type CustomerRecord, type Listing } from "../../../src/loaders/customerDirectory";
import { RecordingTenantGraph, type GraphCall } from "../fakes/recordingTenantGraph";

function customer(over: Partial<CustomerRecord> = {}): CustomerRecord {
  return { id: "c1", displayName: "C", defaultDomainName: null, region: "NA", partnerTenantId: "p1", contract: true, gdapRelationships: [], ...over };
}
const refused = () => gdapListsDenied(["DelegatedAdminRelationship.Read.All"], { tenantId: "p1", requestId: "r-1" });

describe("relationshipCreatedAt", () => {
  it("is the newest GDAP relationship's creation or the first sighting, whichever is later", () => {
    const rel = (at: string) => ({
      id: "r",
      displayName: "r",
      status: "active",
      roleDefinitionIds: [],
      roles: [],
      createdDateTime: at,
      activatedDateTime: at,
      endDateTime: null,
      autoExtendDuration: null,
    });
    expect(relationshipCreatedAt(customer())).toBeUndefined();
    expect(relationshipCreatedAt(customer({ gdapRelationships: [rel("2020-01-01T00:00:00Z"), rel("2021-01-01T00:00:00Z")] }))).toBe(
      Date.parse("2021-01-01T00:00:00Z"),
    );
    expect(relationshipCreatedAt(customer({ gdapRelationships: [rel("2020-01-01T00:00:00Z")], firstSeenAt: Date.parse("2022-01-01T00:00:00Z") }))).toBe(
      Date.parse("2022-01-01T00:00:00Z"),
    );
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
    const kept = listing(["a"]);
    kept.customers.get("a")!.gdapUnavailable = refused();
    cache.set("app", kept);
    expect(cache.get("app")).toBe(kept);
  });
});

describe("CustomerDirectory over partner lists (contracts the base, GDAP extra)", () => {
  const CONTRACT = { id: "k1", customerId: "C-DAP", displayName: "Dap Co", defaultDomainName: "dap.example" };
  const isGdap = (call: GraphCall) =>
    call.op === "list" && (call.source.kind === "delegatedAdminCustomers" || call.source.kind === "delegatedAdminRelationships");

  /** A partner tenant's lists on the recording graph; `gdap` decides how the two GDAP lists answer. */
  function partner(gdap: "ok" | "refused" | "outage") {
    const graph = new RecordingTenantGraph("p1", {
      lists: {
        contracts: [CONTRACT],
        delegatedAdminCustomers: [{ id: "x", tenantId: "C-GDAP", displayName: "Gdap Co" }],
        delegatedAdminRelationships: [
          {
            id: "r1",
            status: "active",
            customer: { tenantId: "c-gdap" },
            createdDateTime: "2020-01-01T00:00:00Z",
            accessDetails: { unifiedRoles: [{ roleDefinitionId: "f2ef992c-3afb-46b9-b7cf-a126ee74c451" }] },
          },
        ],
      },
      fail: (call) => {
        if (!isGdap(call) || gdap === "ok") return undefined;
        return gdap === "refused"
          ? refused()
          : new PartnerGraphError("UPSTREAM_UNAVAILABLE", "Microsoft Graph is unavailable for this customer tenant.", { retryAfter: 5 });
      },
    });
    return { graph, sources: async () => [{ region: "NA", partnerTenantId: "p1", graph }] };
  }
  const listed = (g: RecordingTenantGraph) => g.callsOf("list").map((c) => [c.source.kind, c.query.select.join(","), c.position]);

  it("reads the three lists of each partner tenant in one wave, in pages of the largest size Graph allows", async () => {
    const { graph, sources } = partner("ok");
    await new CustomerDirectory(sources).list();
    expect(listed(graph)).toEqual([
      ["contracts", "customerId,defaultDomainName,displayName", { top: 999, skiptoken: undefined }],
      ["delegatedAdminCustomers", "tenantId,displayName", { top: 300, skiptoken: undefined }],
      [
        "delegatedAdminRelationships",
        "id,displayName,status,customer,accessDetails,createdDateTime,activatedDateTime,endDateTime,autoExtendDuration",
        { top: 300, skiptoken: undefined },
      ],
    ]);
  });

  it("follows a list's skiptokens to its end", async () => {
    const contracts = Array.from({ length: 2500 }, (_, i) => ({ id: `k${i}`, customerId: `c${i}`, displayName: `C${i}` }));
    const graph = new RecordingTenantGraph("p1", { lists: { contracts } });
    const all = await new CustomerDirectory(async () => [{ region: "NA", partnerTenantId: "p1", graph }]).list();
    expect(all).toHaveLength(2500);
    const pages = graph.callsOf("list").filter((c) => (c.source as ListSource).kind === "contracts");
    expect(pages.map((c) => c.position.skiptoken === undefined)).toEqual([true, false, false]);
  });

  it("lists the contracts' customers with their GDAP part unavailable when the GDAP lists refuse, and keeps that listing", async () => {
    const store = new ListingCache(60_000);
    const dir = new CustomerDirectory(partner("refused").sources, { store, partition: "app" });
    const [only] = await dir.list();
    expect(only).toMatchObject({ id: "c-dap", contract: true, gdapRelationships: [] });
    expect(only.gdapUnavailable?.extensions).toMatchObject({ code: "CONSENT_MISSING", reason: "GDAP_API_DENIED" });
    expect(await dir.failures()).toEqual([]);
    await expect(dir.get("c-gdap")).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect(store.get("app")).toBeDefined();
  });

  it("reports a passing GDAP failure beside the list, and answers an unlisted id UPSTREAM_UNAVAILABLE", async () => {
    const store = new ListingCache(60_000);
    const dir = new CustomerDirectory(partner("outage").sources, { store, partition: "app" });
    expect((await dir.list()).map((c) => c.id)).toEqual(["c-dap"]);
    expect(await dir.failures()).toEqual([expect.objectContaining({ part: "gdap", partnerTenantId: "p1" })]);
    await expect(dir.get("c-gdap")).rejects.toMatchObject({ extensions: { code: "UPSTREAM_UNAVAILABLE" } });
    expect(store.get("app")).toBeUndefined();
  });

  it("does not date GDAP customers as new after a listing whose GDAP lists were refused (another caller, without the permission)", async () => {
    const store = new ListingCache(60_000);
    await new CustomerDirectory(partner("refused").sources, { store, partition: "app:NA" }).list();
    // An agent who may read the GDAP lists: c-gdap was there all along, not created in between.
    const seen = await new CustomerDirectory(partner("ok").sources, { store, partition: "agent" }).list();
    expect(seen.find((c) => c.id === "c-gdap")!.firstSeenAt).toBeUndefined();
  });

  it("merges both lists when they answer, naming each relationship's roles", async () => {
    const all = await new CustomerDirectory(partner("ok").sources).list();
    expect(all.map((c) => [c.id, c.gdapRelationships.length, c.gdapUnavailable])).toEqual([
      ["c-dap", 0, undefined],
      ["c-gdap", 1, undefined],
    ]);
    expect(all[1]!.gdapRelationships[0]!.roles).toEqual(["Global Reader"]);
  });

  it("re-reads a cached listing once for an unknown id, and not again within the interval", async () => {
    const store = new ListingCache(60_000);
    const { graph, sources } = partner("ok");
    const contractReads = () => graph.callsOf("list").filter((c) => c.source.kind === "contracts").length;
    await new CustomerDirectory(sources, { store, partition: "app" }).list();
    expect(contractReads()).toBe(1);
    await expect(new CustomerDirectory(sources, { store, partition: "app" }).get("c-new")).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect(contractReads()).toBe(2);
    await expect(new CustomerDirectory(sources, { store, partition: "app" }).get("c-new")).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect(contractReads()).toBe(2);
    // A known id never causes a re-read.
    await new CustomerDirectory(sources, { store, partition: "agent" }).list();
    await new CustomerDirectory(sources, { store, partition: "agent" }).get("c-dap");
    expect(contractReads()).toBe(3);
  });
});
