import {
  CustomerIdsDocument,
  CustomersUserCountsDocument,
  CustomersWithUserNamesDocument,
  CustomerUserEdgesCountedDocument,
  CustomerUserEdgesDocument,
  CustomerUserNamesDocument,
  CustomerUsersEndCursorDocument,
  type CustomerUserEdgesCountedQuery,
} from "../__generated__/operations";
import { graphCallsTo, startHarness, type Answer, type Harness } from "../helpers/harness";

/** The answer to `_entities` with a `... on User { … }` selection (not in the subgraph's own SDL, so not a codegen document). */
type UserEntities<U> = Answer<{ _entities: Array<U | null> }>;

describe("customers and users, end to end through MSAL, the Graph client and the built-in cloud", () => {
  let h: Harness;
  let partnerIds: string[];

  beforeAll(async () => {
    h = await startHarness();
    partnerIds = h.config.partnerTenants.map((p) => p.tenantId);
  });
  afterAll(async () => h?.close());

  it("lists customers of every regional partner tenant, each with its own users", async () => {
    const r = await h.run(CustomersWithUserNamesDocument, { first: 50, users: 3 });
    expect(r.body.errors).toBeUndefined();
    const customers = r.body.data!.customers;
    const seeded = await h.control<{ customers: Array<{ id: string; region: string; defaultDomain: string; domains: string[] }> }>("GET", "/tenants");
    expect(customers.totalCount).toBe(seeded.customers.length);
    expect(new Set(customers.nodes.map((c) => c.region))).toEqual(new Set(["NA", "EU", "AS", "OC"]));
    for (const c of customers.nodes) {
      const truth = seeded.customers.find((s) => s.id === c.id)!;
      expect(c.region).toBe(truth.region);
      expect(c.users!.nodes).toHaveLength(3);
      for (const u of c.users!.nodes) {
        // Every user is the customer's own: its tenant id and a UPN in one of the customer's domains.
        expect(u.tenantId).toBe(c.id);
        expect(truth.domains).toContain(u.userPrincipalName!.split("@")[1]);
      }
    }
  });

  it("costs one Graph request per customer for users, one token per customer cold and none warm", async () => {
    // A fresh server: nothing cached in MSAL.
    const fresh = await startHarness();
    try {
      await fresh.resetCounters();
      const cold = await fresh.run(CustomersWithUserNamesDocument, { first: 10, users: 50 });
      expect(cold.body.errors).toBeUndefined();
      const ids = cold.body.data!.customers.nodes.map((c) => c.id);
      expect(ids).toHaveLength(10);
      const c1 = await fresh.counters();
      for (const id of ids) {
        expect(graphCallsTo(c1, id)).toBe(1);
        expect(c1.byTenant[id]?.token).toBe(1);
      }
      // The listing: contracts, GDAP customers and GDAP relationships of each partner tenant, one $batch per partner tenant.
      const partners = fresh.config.partnerTenants.map((p) => p.tenantId);
      for (const p of partners) {
        expect(graphCallsTo(c1, p)).toBe(1);
        expect(c1.byTenant[p]?.batchItem).toBe(3);
      }
      expect(c1.total.token).toBe(ids.length + partners.length);
      // Users were asked for with $select of the selected fields only, and $top = first.
      const userCalls = c1.requests.filter((r) => r.url.startsWith("/v1.0/users"));
      expect(userCalls).toHaveLength(10);
      for (const call of userCalls) {
        const q = new URL(call.url, "https://x").searchParams;
        expect(q.get("$select")).toBe("displayName,id,userPrincipalName");
        expect(q.get("$top")).toBe("50");
        expect(call.consistencyLevel).toBeUndefined();
      }

      await fresh.resetCounters();
      const warm = await fresh.run(CustomersWithUserNamesDocument, { first: 10, users: 50 });
      expect(warm.body.data).toEqual(cold.body.data);
      const c2 = await fresh.counters();
      expect(c2.total.token ?? 0).toBe(0);
      for (const id of ids) expect(graphCallsTo(c2, id)).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("pages through all users of a customer with cursors, each user once, matching totalCount", async () => {
    const list = await h.run(CustomersUserCountsDocument, { first: 50 });
    const big = list.body.data!.customers.nodes.sort((a, b) => b.users!.totalCount! - a.users!.totalCount!)[0]!;
    const total = big.users!.totalCount!;
    expect(total).toBeGreaterThan(100);
    const seen = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    do {
      const r: Answer<CustomerUserEdgesCountedQuery> = await h.run(CustomerUserEdgesCountedDocument, { id: big.id, first: 40, after });
      expect(r.body.errors).toBeUndefined();
      const users = r.body.data!.customer!.users!;
      expect(users.totalCount).toBe(total);
      for (const e of users.edges) {
        expect(seen.has(e.node.id)).toBe(false);
        seen.add(e.node.id);
      }
      after = users.pageInfo.hasNextPage ? users.pageInfo.endCursor : null;
      pages += 1;
    } while (after && pages < 50);
    expect(seen.size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 40));
  });

  it("resumes after any edge's cursor, not only the end cursor", async () => {
    const id = (await h.run(CustomerIdsDocument, { first: 1 })).body.data!.customers.nodes[0]!.id;
    const firstPage = (await h.run(CustomerUserEdgesDocument, { id, first: 6 })).body.data!.customer!.users!.edges;
    const fromThird = (await h.run(CustomerUserEdgesDocument, { id, first: 3, after: firstPage[2]!.cursor })).body.data!.customer!.users!.edges;
    expect(fromThird.map((e) => e.node.id)).toEqual(firstPage.slice(3, 6).map((e) => e.node.id));
  });

  it("refuses a cursor replayed against another customer", async () => {
    const ids = (await h.run(CustomerIdsDocument, { first: 2 })).body.data!.customers.nodes.map((c) => c.id);
    const cursor = (await h.run(CustomerUsersEndCursorDocument, { id: ids[0]! })).body.data!.customer!.users!.pageInfo.endCursor;
    const replay = await h.run(CustomerUsersEndCursorDocument, { id: ids[1]!, after: cursor });
    expect(replay.body.data!.customer!.users).toBeNull();
    expect(replay.body.errors![0]!.extensions).toEqual({ code: "BAD_USER_INPUT", argument: "after" });
    expect(replay.body.errors![0]!.path).toEqual(["customer", "users"]);
  });

  it("resolves 45 user references of one tenant in one set-based call (getByIds), at most 3 $batch calls otherwise", async () => {
    const id = (await h.run(CustomersUserCountsDocument, { first: 50 })).body.data!.customers.nodes.find((c) => c.users!.totalCount! >= 45)!.id;
    const users = (await h.run(CustomerUserNamesDocument, { id, first: 45 })).body.data!.customer!.users!.nodes;
    expect(users).toHaveLength(45);
    await h.resetCounters();
    const r: UserEntities<{ tenantId: string; id: string; userPrincipalName: string | null }> = await h.query(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { tenantId id userPrincipalName } } }`,
      {
        r: users.map((u) => ({ __typename: "User", tenantId: id, id: u.id })),
      },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!._entities).toEqual(users.map((u) => ({ tenantId: id, id: u.id, userPrincipalName: u.userPrincipalName })));
    const c = await h.counters();
    expect(c.byTenant[id]!.graph ?? 0).toBe(1);
    expect(c.byTenant[id]!.batch ?? 0).toBe(0);
    expect(c.requests.filter((q) => q.tenantId === id).map((q) => `${q.method} ${q.url}`)).toEqual(["POST /v1.0/directoryObjects/getByIds"]);

    // A selection beyond the default properties cannot use getByIds: per-id GETs, 20 to a $batch.
    await h.resetCounters();
    const wide = await h.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id department accountEnabled } } }`, {
      r: users.map((u) => ({ __typename: "User", tenantId: id, id: u.id })),
    });
    expect(wide.body.errors).toBeUndefined();
    const c2 = await h.counters();
    expect(c2.byTenant[id]!.batch).toBe(3);
    expect(c2.byTenant[id]!.batchItem).toBe(45);
    expect(c2.byTenant[id]!.graph ?? 0).toBe(0);
  });

  it("answers an unknown user reference with null, a foreign tenant with FORBIDDEN", async () => {
    const id = (await h.run(CustomerIdsDocument, { first: 1 })).body.data!.customers.nodes[0]!.id;
    const r: UserEntities<{ id: string }> = await h.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }`, {
      r: [
        { __typename: "User", tenantId: id, id: "00000000-0000-0000-0000-000000000001" },
        { __typename: "User", tenantId: partnerIds[0], id: "00000000-0000-0000-0000-000000000002" },
      ],
    });
    expect(r.body.data!._entities[0]).toBeNull();
    expect(r.body.data!._entities[1]).toBeNull();
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    expect(r.body.errors![0]!.path).toEqual(["_entities", 1]);
  });

  it("rejects bad arguments with BAD_USER_INPUT and no Graph call", async () => {
    await h.resetCounters();
    const r = await h.query(`{ customer(id: "../../etc") { id } }`);
    expect(r.body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", argument: "id" });
    const r2 = await h.query(`{ customers(first: 1000) { totalCount } }`);
    expect(r2.body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", argument: "first" });
    const c = await h.counters();
    expect((c.total.graph ?? 0) + (c.total.batch ?? 0)).toBe(0);
  });
});
