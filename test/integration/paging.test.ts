import {
  CustomerDeviceJoinsDocument,
  CustomerManagedDevicePageDocument,
  CustomerMemberOfConditionalFragmentsDocument,
  CustomerUserEdgesCountedDocument,
  CustomerUserEdgesDocument,
  CustomerUserProfilesAfterDocument,
  CustomerUsersConditionalFieldsDocument,
  NonCompliantDevicesDocument,
} from "../__generated__/operations";
import { dataOf, graphRequestsTo, queryOf, seededCustomers, startHarness, type Harness, type SeededCustomer } from "../helpers/harness";

/**
 * Lists, cursors, typed filters and selections against the strict built-in cloud (issue 9 items 3, 4,
 * 7, 11; issue 10's lone surrogates). Each test asserts the Graph calls made, from the emulator's log.
 */
/** A page of CustomerUserEdges or CustomerUserEdgesCounted. */
interface UserEdgesPage {
  totalCount?: number | null;
  edges: Array<{ cursor: string; node: { id: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe("lists and cursors against the strict built-in cloud", () => {
  let h: Harness;
  let seeded: SeededCustomer[];
  /** A customer with Intune and more than 100 users (so Graph pages users). */
  let tenant: string;

  beforeAll(async () => {
    h = await startHarness();
    seeded = await seededCustomers(h);
    tenant = seeded.filter((c) => c.sizes.managedDevices >= 40 && c.sizes.users > 120).sort((a, b) => a.sizes.users - b.sizes.users)[0]!.id;
  });
  afterAll(async () => h?.close());

  // Two documents, not one with @include: the selection itself differs between pages.
  const users = async ({ count, ...vars }: { first: number; after?: string | null; count?: boolean }): Promise<UserEdgesPage> =>
    dataOf(await (count ? h.run(CustomerUserEdgesCountedDocument, { id: tenant, ...vars }) : h.run(CustomerUserEdgesDocument, { id: tenant, ...vars })))
      .customer!.users!;
  const ids = (conn: { edges: Array<{ node: { id: string } }> }): string[] => conn.edges.map((e) => e.node.id);

  describe("item 3: a continuation is valid whatever options the next page asks for", () => {
    let truth: string[];
    beforeAll(async () => {
      truth = ids(await users({ first: 60 }));
    });

    it("pages with first: 10, then first: 20 after its endCursor", async () => {
      const p1 = await users({ first: 10 });
      await h.resetCounters();
      const p2 = await users({ first: 20, after: p1.pageInfo.endCursor });
      expect(ids(p2)).toEqual(truth.slice(10, 30));
      expect(p2.pageInfo.hasNextPage).toBe(true);
      const c = await h.counters();
      // Every /users request resent exactly the options of the page whose $skiptoken it carried.
      expect(graphRequestsTo(c, tenant, /^\/v1\.0\/users$/).length).toBeLessThanOrEqual(2);
      const p3 = await users({ first: 15, after: p2.pageInfo.endCursor });
      expect(ids(p3)).toEqual(truth.slice(30, 45));
    });

    it("selects totalCount on page 1 only, and on page 2 only", async () => {
      const p1 = await users({ first: 10, count: true });
      expect(p1.totalCount).toBe(seeded.find((s) => s.id === tenant)!.sizes.users);
      const p2 = await users({ first: 10, after: p1.pageInfo.endCursor });
      expect(ids(p2)).toEqual(truth.slice(10, 20));
      const p3 = await users({ first: 10, after: p2.pageInfo.endCursor, count: true });
      expect(ids(p3)).toEqual(truth.slice(20, 30));
      expect(p3.totalCount).toBe(p1.totalCount);
    });

    it("resumes from a mid-page edge's cursor of a later page", async () => {
      const p1 = await users({ first: 10 });
      const p2 = await users({ first: 10, after: p1.pageInfo.endCursor });
      await h.resetCounters();
      const p3 = await users({ first: 6, after: p2.edges[3]!.cursor });
      expect(ids(p3)).toEqual(truth.slice(14, 20));
      // Within the edge's page: its $skiptoken, resent with exactly the options it came with ($top=10).
      const [req, ...more] = graphRequestsTo(await h.counters(), tenant, /^\/v1\.0\/users$/);
      expect(more).toEqual([]);
      expect(queryOf(req!).get("$skiptoken")).not.toBeNull();
      expect(queryOf(req!).get("$top")).toBe("10");
      const p4 = await users({ first: 25, after: p2.edges[8]!.cursor, count: true });
      expect(ids(p4)).toEqual(truth.slice(19, 44));
    });

    it("continues after a page whose selection differed ($select is an option too), re-paging from the position", async () => {
      const p1 = await users({ first: 30 });
      await h.resetCounters();
      const p2 = dataOf(await h.run(CustomerUserProfilesAfterDocument, { id: tenant, after: p1.pageInfo.endCursor })).customer!.users!;
      expect(p2.nodes.map((n) => n.id)).toEqual(truth.slice(30, 35));
      const [req, ...more] = graphRequestsTo(await h.counters(), tenant, /^\/v1\.0\/users$/);
      expect(more).toEqual([]);
      expect(queryOf(req!).get("$skiptoken")).toBeNull();
      expect(queryOf(req!).get("$top")).toBe("35");
    });

    it("pages managed devices with changing sizes, and counts them on a later page from @odata.count, never a $count segment", async () => {
      const page = async (first: number, after?: string | null) =>
        dataOf(await h.run(CustomerManagedDevicePageDocument, { id: tenant, first, after })).customer!.managedDevices!;
      const all = await page(40);
      const p1 = await page(5);
      await h.resetCounters();
      const p2 = await page(12, p1.pageInfo.endCursor);
      expect(p2.nodes.map((n) => n.id)).toEqual(all.nodes.slice(5, 17).map((n) => n.id));
      expect(p2.totalCount).toBe(seeded.find((s) => s.id === tenant)!.sizes.managedDevices);
      const c = await h.counters();
      expect(graphRequestsTo(c, tenant, /\$count/)).toEqual([]);
      expect(graphRequestsTo(c, tenant, /managedDevices$/).some((r) => queryOf(r).get("$count") === "true")).toBe(true);
    });
  });

  describe("item 4: only documented filter operators, the join at most ceil(n/20) requests", () => {
    it("joins devices and their Intune records both ways with eq only, in at most ceil(n/20) $batch requests per side", async () => {
      await h.resetCounters();
      const data = dataOf(await h.run(CustomerDeviceJoinsDocument, { id: tenant })).customer!;
      const md = data.managedDevices!.nodes;
      const devices = data.devices!.nodes;
      expect(md.some((m) => m.device)).toBe(true);
      for (const m of md) if (m.device) expect(m.device.deviceId).toBe(m.azureADDeviceId);
      expect(devices.some((d) => d.managedDevice)).toBe(true);
      for (const d of devices) if (d.managedDevice) expect(d.managedDevice.azureADDeviceId).toBe(d.deviceId);

      const c = await h.counters();
      const joins = [...graphRequestsTo(c, tenant, /^\/v1\.0\/devices$/), ...graphRequestsTo(c, tenant, /^\/v1\.0\/deviceManagement\/managedDevices$/)].filter(
        (r) => queryOf(r).get("$filter"),
      );
      expect(joins.length).toBeGreaterThan(0);
      for (const r of joins) expect(queryOf(r).get("$filter")).toMatch(/^(deviceId|azureADDeviceId) eq '[^']+'$/);
      // One item per value, both sides in one wave: n values cost ceil(n/20) $batch requests, after the one of the two lists.
      const n = new Set(md.map((m) => m.azureADDeviceId).filter(Boolean)).size + new Set(devices.map((d) => d.deviceId).filter(Boolean)).size;
      expect(joins).toHaveLength(n);
      expect(c.byTenant[tenant]?.batch ?? 0).toBeLessThanOrEqual(1 + Math.ceil(n / 20));
    });

    it("serves examples/nonCompliantDevices.graphql with complianceState eq … or eq …", async () => {
      await h.resetCounters();
      const r = await h.run(NonCompliantDevicesDocument, { customers: 50, devices: 100 });
      const data = r.body.data!;
      const withoutIntune = new Set(seeded.filter((s) => s.sizes.managedDevices === 0).map((s) => s.id));
      for (const c of data.customers.nodes) expect(c.managedDevices === null).toBe(withoutIntune.has(c.id));
      expect((r.body.errors ?? []).length).toBe(data.customers.nodes.filter((c) => c.managedDevices === null).length);
      const devices = data.customers.nodes.flatMap((c) => c.managedDevices?.nodes ?? []);
      expect(devices.length).toBeGreaterThan(0);
      expect(devices.every((d) => d.complianceState === "NONCOMPLIANT" || d.complianceState === "IN_GRACE_PERIOD")).toBe(true);
      expect(devices.some((d) => d.device)).toBe(true);
      const c = await h.counters();
      const lists = c.requests.filter((q) => q.kind !== "batch" && /\/deviceManagement\/managedDevices$/.test(q.url.split("?")[0]!));
      expect(lists.length).toBeGreaterThan(0);
      for (const q of lists) expect(queryOf(q).get("$filter") ?? "").not.toMatch(/ in \(/);
      expect(lists.some((q) => queryOf(q).get("$filter") === "complianceState eq 'noncompliant' or complianceState eq 'inGracePeriod'")).toBe(true);
    });

    it("refuses Intune filters outside the documented support before any Graph call", async () => {
      await h.resetCounters();
      const r = await h.query(`query($id: ID!) { customer(id: $id) { managedDevices(filter: { lastSyncBefore: "2024-01-01T00:00:00Z" }) { nodes { id } } } }`, {
        id: tenant,
      });
      expect(r.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
      expect(graphRequestsTo(await h.counters(), tenant, /managedDevices/)).toEqual([]);
    });
  });

  describe("item 11: @include/@skip decide $select and $count", () => {
    it("sends neither $count nor ConsistencyLevel for totalCount @include(if: false), nor $select of a skipped field", async () => {
      await h.resetCounters();
      const data = dataOf(await h.run(CustomerUsersConditionalFieldsDocument, { id: tenant, c: false, m: false })).customer!.users!;
      expect(data.totalCount).toBeUndefined();
      const [req, ...more] = graphRequestsTo(await h.counters(), tenant, /^\/v1\.0\/users$/);
      expect(more).toEqual([]);
      expect(queryOf(req!).get("$count")).toBeNull();
      expect(req!.consistencyLevel).toBeUndefined();
      expect(queryOf(req!).get("$select")!.split(",")).not.toEqual(expect.arrayContaining(["mail"]));
      expect(queryOf(req!).get("$select")!.split(",")).not.toContain("jobTitle");
    });

    it("honours fragments on abstract types in a union connection", async () => {
      await h.resetCounters();
      const data = dataOf(await h.run(CustomerMemberOfConditionalFragmentsDocument, { id: tenant })).customer!.users!.nodes[0]!.memberOf!;
      expect(typeof data.totalCount).toBe("number");
      const [req] = graphRequestsTo(await h.counters(), tenant, /\/memberOf$/);
      expect(queryOf(req!).get("$select")!.split(",")).toContain("displayName");
      expect(queryOf(req!).get("$select")!.split(",")).not.toContain("mail");
      expect(queryOf(req!).get("$count")).toBe("true");
    });
  });

  describe("issue 10: lone surrogates in filter and search strings", () => {
    it.each([
      ["a filter", `users(filter: { department: $s }) { nodes { id } }`],
      ["a search", `users(search: $s) { nodes { id } }`],
      ["an Intune filter", `managedDevices(filter: { operatingSystem: $s }) { nodes { id } }`],
    ])("answers BAD_USER_INPUT for %s, with no Graph call", async (_kind, field) => {
      await h.resetCounters();
      for (const s of ["\ud800", "x\udc00y"]) {
        const r = await h.query(`query($id: ID!, $s: String!) { customer(id: $id) { ${field} } }`, { id: tenant, s });
        expect(r.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
        expect(r.body.errors[0].message).toMatch(/surrogate|UTF-16|Unicode/i);
      }
      const c = await h.counters();
      expect(graphRequestsTo(c, tenant, /users|managedDevices/)).toEqual([]);
    });
  });
});
