import { getNamedType, type GraphQLObjectType, isLeafType } from "graphql";
import { buildPartnerGraphSchema } from "../../src/schema";
import {
  CustomerDataModelWavesDocument,
  CustomerEntitySamplesDocument,
  CustomerEveryLinkDocument,
  CustomerFirstObjectIdsDocument,
  CustomerGroupsOfKindDocument,
  CustomerKindFiltersDocument,
  CustomerManagedDeviceUserDocument,
  CustomerObjectsByIdDocument,
  CustomerQuotedFiltersDocument,
  CustomerSearchDocument,
  CustomerSearchSamplesDocument,
  CustomerUserFiltersDocument,
  CustomerUsersManagedDevicesDocument,
  NonCompliantDevicesDocument,
  UserDetailDocument,
} from "../__generated__/operations";
import { dataOf, graphRequestsTo, ofType, queryOf, graphCallsTo, seededCustomers, startHarness, type Harness, type SeededCustomer } from "../helpers/harness";

describe("the customer data model through the built-in cloud", () => {
  let h: Harness;
  let seeded: SeededCustomer[];
  /** A customer with Intune, and enough of everything to follow every link. */
  let tenant: string;

  beforeAll(async () => {
    h = await startHarness();
    seeded = await seededCustomers(h);
    tenant = seeded.filter((c) => c.sizes.managedDevices >= 20 && c.sizes.users <= 200).sort((a, b) => a.sizes.users - b.sizes.users)[0]!.id;
  });
  afterAll(async () => h?.close());

  it("answers every type and link of a customer", async () => {
    const data = dataOf(await h.run(CustomerEveryLinkDocument, { id: tenant }));
    const c = data.customer!;
    const truth = seeded.find((s) => s.id === tenant)!;

    // Organization: the tenant's own profile, its default domain among the seeded domains.
    const organization = c.organization!;
    expect(organization).toMatchObject({ tenantId: tenant, id: tenant, customer: { id: tenant } });
    expect(truth.domains).toContain(organization.defaultDomainName);
    expect(organization.verifiedDomains!.filter((d) => d.isDefault)).toHaveLength(1);
    expect(organization.initialDomainName).toMatch(/\.onmicrosoft\.com$/);

    // Users and their links: everything belongs to the tenant, and the links agree with each other.
    const users = c.users!.nodes;
    expect(users.length).toBeGreaterThan(5);
    expect(users.some((u) => u.manager)).toBe(true);
    for (const u of users) {
      expect(u).toMatchObject({ tenantId: tenant, customer: { id: tenant } });
      for (const g of u.memberOf!.nodes.filter(ofType("Group"))) expect(g.tenantId).toBe(tenant);
      // Direct memberships are part of the transitive ones.
      const transitive = new Set(u.transitiveMemberOf!.nodes.map((n) => ("id" in n ? n.id : undefined)));
      for (const g of u.memberOf!.nodes.filter(ofType("Group"))) expect(transitive.has(g.id)).toBe(true);
      expect(u.transitiveMemberOf!.totalCount).toBe(u.transitiveMemberOf!.nodes.length);
      for (const m of u.managedDevices!.nodes) expect(m.userId).toBe(u.id);
    }
    expect(users.some((u) => u.memberOf!.nodes.length > 0)).toBe(true);
    expect(users.some((u) => u.registeredDevices!.nodes.length > 0)).toBe(true);
    expect(users.some((u) => u.managedDevices!.nodes.length > 0)).toBe(true);

    // Groups: members are a union; every member of a group lists the group in its memberOf when it is a user on our page.
    const groups = c.groups!.nodes;
    expect(c.groups!.totalCount).toBe(truth.sizes.groups);
    expect(new Set(groups.map((g) => g.kind)).size).toBeGreaterThan(1);
    const usersById = new Map(users.map((u) => [u.id, u]));
    let checkedMembership = 0;
    for (const g of groups) {
      expect(g).toMatchObject({ tenantId: tenant, customer: { id: tenant } });
      for (const m of g.members!.nodes) {
        const u = "id" in m ? usersById.get(m.id) : undefined;
        if (m.__typename === "User" && u) {
          expect(u.memberOf!.nodes.map((n) => ("id" in n ? n.id : undefined))).toContain(g.id);
          checkedMembership += 1;
        }
      }
    }
    expect(checkedMembership).toBeGreaterThan(0);
    const memberTypes = new Set(groups.flatMap((g) => g.members!.nodes.map((m) => m.__typename)));
    expect(memberTypes.has("User")).toBe(true);

    // Devices ↔ managed devices, joined on deviceId = azureADDeviceId, both ways.
    for (const d of c.devices!.nodes) {
      expect(d).toMatchObject({ tenantId: tenant, isManaged: true, customer: { id: tenant } });
      expect(d.registeredOwners!.nodes.length).toBeLessThanOrEqual(1);
      if (d.managedDevice) expect(d.managedDevice.azureADDeviceId).toBe(d.deviceId);
    }
    expect(c.devices!.nodes.some((d) => d.managedDevice)).toBe(true);
    expect(c.managedDevices!.totalCount).toBe(truth.sizes.managedDevices);
    for (const m of c.managedDevices!.nodes) {
      expect(m).toMatchObject({ tenantId: tenant, customer: { id: tenant } });
      if (m.azureADDeviceId) expect(m.device!.deviceId).toBe(m.azureADDeviceId);
      else expect(m.device).toBeNull();
      expect(m.user!.id).toBe(m.userId);
    }
    expect(c.managedDevices!.nodes.some((m) => m.device)).toBe(true);
  });

  it("serves every scalar field of every type (each maps to a property Graph accepts in $select)", async () => {
    const schema = await buildPartnerGraphSchema();
    const leaves = (typeName: string) => {
      const type = schema.getType(typeName) as GraphQLObjectType;
      return Object.values(type.getFields())
        .filter((f) => f.args.length === 0 && isLeafType(getNamedType(f.type)))
        .map((f) => f.name)
        .join(" ");
    };
    const data = dataOf(
      await h.query(
        `query($id: ID!) { customer(id: $id) {
      organization { ${leaves("Organization")} verifiedDomains { ${leaves("VerifiedDomain")} } }
      users(first: 5) { nodes { ${leaves("User")} memberOf { nodes { __typename ... on Group { ${leaves("Group")} } ... on OtherDirectoryObject { ${leaves("OtherDirectoryObject")} } } } } }
      groups(first: 5) { nodes { ${leaves("Group")} members { nodes { ... on Device { ${leaves("Device")} } } } } }
      devices(first: 5) { nodes { ${leaves("Device")} } }
      managedDevices(first: 5) { nodes { ${leaves("ManagedDevice")} } }
    } }`,
        { id: tenant },
      ),
    );
    const c = data.customer;
    expect(c.organization.displayName).toEqual(expect.any(String));
    for (const list of [c.users, c.groups, c.devices, c.managedDevices]) {
      expect(list.nodes).toHaveLength(5);
      // Every field is answered, and what Graph knows (display names, states) is not lost on the way.
      for (const n of list.nodes) expect(Object.values(n).filter((v) => v !== null).length).toBeGreaterThan(4);
    }
  });

  it("answers objects by id, and null for an unknown id", async () => {
    const list = dataOf(await h.run(CustomerFirstObjectIdsDocument, { id: tenant })).customer!;
    const [group, device, managed] = [list.groups!.nodes[0]!.id, list.devices!.nodes[0]!.id, list.managedDevices!.nodes[0]!.id];
    const missing = "00000000-0000-0000-0000-0000000000ff";
    const data = dataOf(await h.run(CustomerObjectsByIdDocument, { id: tenant, g: group, d: device, m: managed, x: missing })).customer!;
    expect(data.group).toMatchObject({ id: group, displayName: expect.any(String) });
    expect(data.device).toMatchObject({ id: device, displayName: expect.any(String) });
    expect(data.managedDevice).toMatchObject({ id: managed, deviceName: expect.any(String) });
    expect([data.noGroup, data.noDevice, data.noManaged]).toEqual([null, null, null]);
  });

  it("resolves every entity type by its key, groups of a tenant with one getByIds call", async () => {
    const list = dataOf(await h.run(CustomerEntitySamplesDocument, { id: tenant })).customer!;
    const [groups, devices, managed] = [list.groups!.nodes, list.devices!.nodes, list.managedDevices!.nodes];
    const reps = [
      ...groups.map((g) => ({ __typename: "Group", tenantId: tenant, id: g.id })),
      ...devices.map((d) => ({ __typename: "Device", tenantId: tenant, id: d.id })),
      ...managed.map((m) => ({ __typename: "ManagedDevice", tenantId: tenant, id: m.id })),
      { __typename: "Organization", tenantId: tenant, id: tenant },
    ];
    await h.resetCounters();
    const data = dataOf(
      await h.query(
        `query($r: [_Any!]!) { _entities(representations: $r) {
      __typename
      ... on Group { tenantId id displayName } ... on Device { tenantId id displayName }
      ... on ManagedDevice { tenantId id deviceName } ... on Organization { tenantId id displayName }
    } }`,
        { r: reps },
      ),
    );
    expect(data._entities.slice(0, 6)).toEqual(groups.map((g) => ({ __typename: "Group", tenantId: tenant, ...g })));
    expect(data._entities.slice(6, 9)).toEqual(devices.map((d) => ({ __typename: "Device", tenantId: tenant, ...d })));
    expect(data._entities.slice(9, 12)).toEqual(managed.map((m) => ({ __typename: "ManagedDevice", tenantId: tenant, ...m })));
    expect(data._entities[12]).toMatchObject({ __typename: "Organization", tenantId: tenant, id: tenant });
    const c = await h.counters();
    // Six groups: one getByIds (displayName is in Graph's default set); devices and managed devices per id; one organization read.
    expect(graphRequestsTo(c, tenant, /directoryObjects\/getByIds$/)).toHaveLength(1);
    expect(graphRequestsTo(c, tenant, /\/groups\//)).toHaveLength(0);
    expect(graphRequestsTo(c, tenant, /\/devices\//)).toHaveLength(3);
    expect(graphRequestsTo(c, tenant, /\/managedDevices\//)).toHaveLength(3);
    expect(c.byTenant[tenant]!.batchItem).toBe(1 + 3 + 3 + 1);
    expect(graphCallsTo(c, tenant)).toBe(1);
  });

  describe("typed filters, search and order", () => {
    it("filters users and sends ConsistencyLevel only for advanced queries", async () => {
      const truth = seeded.find((s) => s.id === tenant)!;
      const domain = truth.domains[0]!;
      await h.resetCounters();
      const data = dataOf(await h.run(CustomerUserFiltersDocument, { id: tenant, domain }));
      const c = data.customer!;
      expect(c.enabled!.nodes.length).toBeGreaterThan(0);
      expect(c.enabled!.nodes.every((u) => u.accountEnabled === true)).toBe(true);
      expect(c.guests!.nodes.every((u) => u.userType === "Guest")).toBe(true);
      expect(c.inDomain!.nodes.length).toBeGreaterThan(0);
      expect(c.inDomain!.nodes.every((u) => u.userPrincipalName!.toLowerCase().endsWith(`@${domain}`))).toBe(true);
      expect(c.prefix!.nodes.every((u) => u.userPrincipalName!.toLowerCase().startsWith("a"))).toBe(true);
      const names = c.sorted!.nodes.map((u) => u.displayName!);
      expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a)));

      const log = await h.counters();
      const users = graphRequestsTo(log, tenant, /^\/v1\.0\/users$/);
      const byFilter = (needle: string) => users.find((r) => (queryOf(r).get("$filter") ?? "").includes(needle))!;
      // Basic: eq and startsWith, and an order on displayName alone.
      for (const r of [byFilter("accountEnabled eq true"), byFilter("userType eq 'Guest'"), byFilter("startsWith(userPrincipalName,'a')")]) {
        expect(r.consistencyLevel).toBeUndefined();
        expect(queryOf(r).get("$count")).toBeNull();
      }
      const sorted = users.find((r) => queryOf(r).get("$orderby") === "displayName desc")!;
      expect(sorted.consistencyLevel).toBeUndefined();
      // Advanced: endsWith needs the header and $count=true.
      const ends = byFilter("endsWith(userPrincipalName,");
      expect(queryOf(ends).get("$filter")).toBe(`endsWith(userPrincipalName,'@${domain}')`);
      expect(ends.consistencyLevel).toBe("eventual");
      expect(queryOf(ends).get("$count")).toBe("true");
    });

    it("escapes quotes in every literal, end to end", async () => {
      await h.resetCounters();
      const data = dataOf(await h.run(CustomerQuotedFiltersDocument, { id: tenant }));
      // An injected clause would have matched every enabled user.
      expect(data.customer!.users!.nodes).toEqual([]);
      expect(data.customer!.groups!.nodes).toEqual([]);
      const log = await h.counters();
      const f = queryOf(graphRequestsTo(log, tenant, /^\/v1\.0\/users$/)[0]!).get("$filter");
      expect(f).toBe("department eq 'R&D'' or accountEnabled eq true or department eq '''");
      expect(queryOf(graphRequestsTo(log, tenant, /^\/v1\.0\/groups$/)[0]!).get("$filter")).toBe("startsWith(displayName,'O''Brien')");
    });

    it("searches users and groups with $search and the header it needs", async () => {
      const sample = dataOf(await h.run(CustomerSearchSamplesDocument, { id: tenant })).customer!;
      const someone = sample.users!.nodes[0]!.displayName!;
      const word = someone.split(" ")[1]!;
      const group = sample.groups!.nodes[0]!.displayName!;
      await h.resetCounters();
      const data = dataOf(await h.run(CustomerSearchDocument, { id: tenant, q: word, g: group.split(" ")[0]! }));
      expect(data.customer!.users!.nodes.map((u) => u.displayName)).toContain(someone);
      expect(data.customer!.groups!.nodes.map((g) => g.displayName)).toContain(group);
      const log = await h.counters();
      const search = graphRequestsTo(log, tenant, /^\/v1\.0\/users$/)[0]!;
      expect(queryOf(search).get("$search")).toBe(`"displayName:${word}" OR "userPrincipalName:${word}" OR "mail:${word}"`);
      expect(search.consistencyLevel).toBe("eventual");
    });

    it("refuses a search term that could break out of its clause, before any Graph call", async () => {
      await h.resetCounters();
      const r = await h.query(`query($id: ID!) { customer(id: $id) { users(first: 5, search: "a\\" OR \\"mail:b") { nodes { id } } } }`, { id: tenant });
      expect(r.body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", argument: "search" });
      const c = await h.counters();
      expect(graphCallsTo(c, tenant)).toBe(0);
    });

    it("filters groups by kind, devices by trust type, managed devices by compliance (ordered by last sync)", async () => {
      const data = dataOf(await h.run(CustomerKindFiltersDocument, { id: tenant }));
      const c = data.customer!;
      expect(c.m365!.nodes.length).toBeGreaterThan(0);
      expect(c.m365!.nodes.every((g) => g.kind === "MICROSOFT_365" && g.groupTypes!.includes("Unified"))).toBe(true);
      expect(c.security!.nodes.every((g) => g.kind === "SECURITY" && g.securityEnabled && !g.mailEnabled)).toBe(true);
      expect(c.dynamic!.nodes.every((g) => g.isDynamic)).toBe(true);
      expect(c.hybrid!.nodes.every((d) => d.trustType === "SERVER_AD")).toBe(true);
      expect(c.windows!.nodes.every((d) => d.operatingSystem === "Windows")).toBe(true);
      const names = c.windows!.nodes.map((d) => d.displayName);
      expect(names).toEqual([...names].sort());
      expect(c.bad!.nodes.length).toBeGreaterThan(0);
      expect(c.bad!.nodes.every((m) => ["NONCOMPLIANT", "IN_GRACE_PERIOD"].includes(m.complianceState!))).toBe(true);
      const syncs = c.bad!.nodes.map((m) => Date.parse(m.lastSyncDateTime!));
      expect(syncs).toEqual([...syncs].sort((a, b) => b - a));
      expect(c.company!.nodes.every((m) => m.managedDeviceOwnerType === "COMPANY")).toBe(true);
    });

    it("binds cursors to the filter they were made for", async () => {
      const first = dataOf(await h.run(CustomerGroupsOfKindDocument, { id: tenant, kind: "SECURITY" })).customer!.groups!;
      expect(first.pageInfo.hasNextPage).toBe(true);
      const next = dataOf(await h.run(CustomerGroupsOfKindDocument, { id: tenant, kind: "SECURITY", after: first.pageInfo.endCursor })).customer!.groups!;
      expect(next.nodes.every((g) => g.kind === "SECURITY")).toBe(true);
      expect(next.nodes.map((g) => g.id)).not.toContain(first.nodes[0]!.id);
      const replay = await h.run(CustomerGroupsOfKindDocument, { id: tenant, kind: "MICROSOFT_365", after: first.pageInfo.endCursor });
      expect(replay.body.errors![0]!.extensions).toEqual({ code: "BAD_USER_INPUT", argument: "after" });
    });
  });

  it("serves the example operations a frontend would write (examples/*.graphql)", async () => {
    const someone = dataOf(await h.run(CustomerManagedDeviceUserDocument, { id: tenant })).customer!.managedDevices!.nodes[0]!.userId!;
    const detail = dataOf(await h.run(UserDetailDocument, { customerId: tenant, userId: someone }));
    const user = detail.customer!.user!;
    expect(user.id).toBe(someone);
    expect(user.memberOf!.totalCount).toBe(user.memberOf!.nodes.length);
    expect(user.transitiveMemberOf!.totalCount).toBeGreaterThanOrEqual(user.memberOf!.totalCount!);
    expect(user.managedDevices!.nodes.length).toBeGreaterThan(0);

    const r = await h.run(NonCompliantDevicesDocument, { customers: 50, devices: 100 });
    const data = r.body.data!;
    // Customers without Intune are the only ones with null (and an error each).
    const withoutIntune = new Set(seeded.filter((s) => s.sizes.managedDevices === 0).map((s) => s.id));
    for (const c of data.customers.nodes) expect(c.managedDevices === null).toBe(withoutIntune.has(c.id));
    const devices = data.customers.nodes.flatMap((c) => c.managedDevices?.nodes ?? []);
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((d) => d.complianceState === "NONCOMPLIANT" || d.complianceState === "IN_GRACE_PERIOD")).toBe(true);
    expect((r.body.errors ?? []).length).toBe(data.customers.nodes.filter((c) => c.managedDevices === null).length);
  });

  it("answers managedDevices of a tenant without Intune with null and an error at that field only", async () => {
    const unlicensed = seeded.find((s) => s.sizes.managedDevices === 0 && s.sizes.users < 1000)!;
    const r = await h.run(CustomerUsersManagedDevicesDocument, { id: unlicensed.id });
    const c = r.body.data!.customer!;
    expect(c.id).toBe(unlicensed.id);
    expect(c.users!.nodes).toHaveLength(2);
    expect(c.managedDevices).toBeNull();
    expect(c.users!.nodes.every((u) => u.managedDevices === null)).toBe(true);
    expect(r.body.errors!.map((e) => e.path!.at(-1)).every((p) => p === "managedDevices")).toBe(true);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", reason: "INTUNE_NOT_AVAILABLE", tenantId: unlicensed.id });
  });

  it("costs one $batch wave per dependency level for users, their groups, devices and the devices' Entra records", async () => {
    // Warm: customer tokens are the auth layer's round trips, not the fetch plan's; a cold token of
    // one tenant arriving late would shift that tenant's levels and blur the count.
    const warm = await h.run(CustomerDataModelWavesDocument);
    expect(warm.body.data!.customers.nodes).toHaveLength(10);
    await h.control("PUT", "/latency", { graph: { kind: "fixed", ms: 30 } });
    try {
      await h.resetCounters();
      const r = await h.run(CustomerDataModelWavesDocument);
      const data = r.body.data!;
      const customers = data.customers.nodes;
      expect(customers).toHaveLength(10);
      // Only tenants without Intune may fail, and only at managedDevices.
      for (const e of r.body.errors ?? []) {
        expect(e.path!.at(-1)).toBe("managedDevices");
        expect(seeded.find((s) => s.id === customers[e.path![3] as number]!.id)!.sizes.managedDevices).toBe(0);
      }
      const c = await h.counters();
      expect(c.total.token ?? 0).toBe(0);
      // Levels: the customer listing (unless the server still holds it from the warm run); users;
      // memberOf + managedDevices of every user; the Entra devices.
      const partners = new Set(h.config.partnerTenants.map((p) => p.tenantId));
      const listingRead = c.requests.some((x) => x.tenantId !== undefined && partners.has(x.tenantId));
      expect(c.waves.graph).toBe((listingRead ? 1 : 0) + 3);

      for (const customer of customers) {
        const users = customer.users!.nodes;
        const intune = seeded.find((s) => s.id === customer.id)!.sizes.managedDevices > 0;
        const managed = users.flatMap((u) => u.managedDevices?.nodes ?? []).length;
        expect(graphRequestsTo(c, customer.id, /^\/v1\.0\/users$/)).toHaveLength(1);
        expect(graphRequestsTo(c, customer.id, /\/memberOf$/)).toHaveLength(users.length);
        expect(graphRequestsTo(c, customer.id, /\/users\/[^/]+\/managedDevices$/)).toHaveLength(users.length);
        const deviceLookups = graphRequestsTo(c, customer.id, /^\/v1\.0\/devices$/);
        if (intune) expect(deviceLookups.length).toBeGreaterThan(0);
        // Entra devices are found by deviceId, one `eq` item per value (device.deviceId documents no `in`).
        for (const d of deviceLookups) expect(queryOf(d).get("$filter")).toMatch(/^deviceId eq '[^']+'$/);
        const joined = deviceLookups.length;
        expect(joined).toBeLessThanOrEqual(managed);
        expect(new Set(deviceLookups.map((d) => queryOf(d).get("$filter"))).size).toBe(joined);
        // 1 users call, ceil(2·20/20) batches for the links, ceil(n/20) batches for the n device lookups
        // (plus one when the two link batches answer in different ticks).
        expect(graphCallsTo(c, customer.id)).toBeLessThanOrEqual(1 + Math.ceil((2 * users.length) / 20) + Math.ceil(joined / 20) + 1);
        // $select names only what the operation selected.
        for (const m of graphRequestsTo(c, customer.id, /\/memberOf$/)) expect(queryOf(m).get("$select")).toBe("displayName,id");
        for (const m of graphRequestsTo(c, customer.id, /\/users\/[^/]+\/managedDevices$/))
          expect(queryOf(m).get("$select")).toBe("azureADDeviceId,complianceState,id");
        for (const d of deviceLookups) expect(queryOf(d).get("$select")).toBe("deviceId,id,trustType");
      }
      expect(c.concurrency.graph.max).toBeGreaterThan(1);
    } finally {
      await h.control("PUT", "/latency", { graph: { kind: "none" } });
    }
  });
});
