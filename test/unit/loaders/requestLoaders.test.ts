import { CursorCodec } from "../../../src/loaders/cursor";
import { ListingCache } from "../../../src/loaders/customerDirectory";
import { RequestLoaders, type TenantGraphs } from "../../../src/loaders/requestLoaders";
import { RecordingTenantGraph } from "../fakes/recordingTenantGraph";

const codec = new CursorCodec(Buffer.from("a-secret-of-at-least-thirty-two-bytes!!"));
const C1 = "11111111-1111-1111-1111-111111111111";
const C2 = "22222222-2222-2222-2222-222222222222";
const STRANGER = "99999999-9999-9999-9999-999999999999";

/** Two customers listed by one partner tenant (C2 also through GDAP, created at a known time); graphs recorded by tenant. */
function setup(options: { pinnedTenantId?: string; cursorOwner?: string } = {}) {
  const partner = new RecordingTenantGraph("p1", {
    lists: {
      contracts: [
        { id: "k1", customerId: C1, displayName: "Alpha" },
        { id: "k2", customerId: C2, displayName: "Beta" },
      ],
      delegatedAdminRelationships: [{ id: "r1", status: "active", customer: { tenantId: C2 }, createdDateTime: "2026-01-01T00:00:00Z" }],
    },
  });
  const customers = new Map<string, RecordingTenantGraph>();
  const asked: Array<{ id: string; region: string; relationshipStart?: number }> = [];
  const graphs: TenantGraphs = {
    partnerTenants: async () => [{ region: "EU", partnerTenantId: "p1", graph: partner }],
    customer: (c) => {
      asked.push(c);
      if (!customers.has(c.id)) customers.set(c.id, new RecordingTenantGraph(c.id, { lists: { users: [{ id: "u1" }] } }));
      return customers.get(c.id)!;
    },
    pinned: (tenantId) =>
      new RecordingTenantGraph(tenantId, {
        lists: { organization: [{ id: tenantId, displayName: "Pinned Co", verifiedDomains: [{ name: "pinned.example", isDefault: true }] }] },
      }),
  };
  const loaders = new RequestLoaders(graphs, codec, { listings: new ListingCache(0), partition: "app", cursorOwner: "app", partnerTenantId: "p1", ...options });
  return { loaders, partner, customers, asked };
}

describe("RequestLoaders", () => {
  it("reaches a customer's graph only after the directory lists it, with its region and relationship start", async () => {
    const { loaders, asked } = setup();
    await loaders.tenant(C2.toUpperCase()).users.byId("u1", ["id"]);
    expect(asked).toEqual([{ id: C2, region: "EU", relationshipStart: Date.parse("2026-01-01T00:00:00Z") }]);
    await loaders.tenant(C1).users.byId("u1", ["id"]);
    expect(asked[1]).toEqual({ id: C1, region: "EU", relationshipStart: undefined });
  });

  it("refuses a tenant that is not the caller's customer without touching its graph, and a malformed id before anything", async () => {
    const { loaders, asked } = setup();
    await expect(loaders.tenant(STRANGER).users.byId("u1", ["id"])).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    await expect(loaders.tenant(STRANGER).reachable()).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect(asked).toEqual([]);
    expect(() => loaders.tenant("not-a-guid")).toThrow("A customer id is a tenant id (GUID).");
  });

  it("keeps one set of loaders per tenant for the operation", async () => {
    const { loaders, customers } = setup();
    expect(loaders.tenant(C1)).toBe(loaders.tenant(C1.toUpperCase()));
    await Promise.all([loaders.tenant(C1).users.byId("u1", ["id"]), loaders.tenant(C1).users.byId("u1", ["id"])]);
    expect(customers.get(C1)!.calls).toHaveLength(1);
  });

  it("pages the customers by name, bound to the caller", async () => {
    const { loaders } = setup();
    const first = await loaders.customerPage({ first: 1 });
    expect(first).toMatchObject({ hasNextPage: true, hasPreviousPage: false, totalCount: 2 });
    expect(first.edges.map((e) => e.node.displayName)).toEqual(["Alpha"]);
    const next = await loaders.customerPage({ first: 1, after: first.edges[0]!.cursor });
    expect(next).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(next.edges.map((e) => e.node.displayName)).toEqual(["Beta"]);
    const agents = setup({ cursorOwner: "agent:p1:x" }).loaders;
    await expect(agents.customerPage({ first: 1, after: first.edges[0]!.cursor })).rejects.toMatchObject({
      extensions: { code: "BAD_USER_INPUT", argument: "after" },
    });
  });

  it("with a customer token, knows only that tenant, described by its own organization", async () => {
    const { loaders, partner } = setup({ pinnedTenantId: C1 });
    expect(await loaders.customers.list()).toEqual([
      { id: C1, displayName: "Pinned Co", defaultDomainName: "pinned.example", region: "", partnerTenantId: "p1", contract: false, gdapRelationships: [] },
    ]);
    await expect(loaders.customers.get(C2)).rejects.toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect(partner.calls).toEqual([]);
  });
});
