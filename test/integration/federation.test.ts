import { composeServices } from "@apollo/composition";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse, type GraphQLObjectType } from "graphql";
import gql from "graphql-tag";
import { buildPartnerGraphSchema, printSdl } from "../../src/schema";
import { CustomersUserKeysDocument, CustomerUserNamesDocument } from "../__generated__/operations";
import { startHarness, type Answer, type Harness } from "../helpers/harness";

/**
 * A small billing subgraph, as the partner's own would be: it adds `billingAccount` to Customer, lists
 * invoices that point at customers, and seats that point at users by their (tenantId, id) key.
 */
const BILLING_SDL = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Customer @key(fields: "id") {
    id: ID!
    billingAccount: BillingAccount
  }

  type User @key(fields: "tenantId id", resolvable: false) {
    tenantId: ID!
    id: ID!
  }

  type BillingAccount {
    number: String!
    plan: String!
  }

  type Invoice {
    id: ID!
    amount: Float!
    customer: Customer!
  }

  type Seat {
    sku: String!
    user: User!
  }

  type Query {
    overdueInvoices: [Invoice!]!
    seats: [Seat!]!
  }
`;

function startBilling(invoiceCustomers: string[], seatUsers: Array<{ tenantId: string; id: string }>) {
  const account = (id: string) => ({ number: `BA-${id.slice(0, 8).toUpperCase()}`, plan: id.charCodeAt(0) % 2 ? "CSP monthly" : "CSP annual" });
  const schema = buildSubgraphSchema({
    typeDefs: BILLING_SDL,
    resolvers: {
      Query: {
        overdueInvoices: () => invoiceCustomers.map((id, i) => ({ id: `INV-${i + 1}`, amount: 100 * (i + 1), customer: { id } })),
        seats: () => seatUsers.map((u) => ({ sku: "M365_BUSINESS_PREMIUM", user: { __typename: "User", ...u } })),
      },
      Customer: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        billingAccount: (c: { id: string }) => account(c.id),
      },
    } as never,
  });
  return new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
}

describe("federation: this subgraph composed with a billing subgraph, served by @apollo/gateway", () => {
  let h: Harness;
  let billing: ApolloServer;
  let gatewayServer: ApolloServer;
  let customerIds: string[];
  let seatUsers: Array<{ tenantId: string; id: string; userPrincipalName: string }>;

  beforeAll(async () => {
    h = await startHarness();
    const listing = (await h.run(CustomersUserKeysDocument, { first: 3, users: 2 })).body.data!.customers.nodes;
    customerIds = listing.map((c) => c.id);
    seatUsers = listing.flatMap((c) => c.users!.nodes.map((u) => ({ ...u, userPrincipalName: u.userPrincipalName! })));

    billing = startBilling(
      customerIds,
      seatUsers.map(({ tenantId, id }) => ({ tenantId, id })),
    );
    const { url: billingUrl } = await startStandaloneServer(billing, { listen: { port: 0, host: "127.0.0.1" } });

    const composed = composeServices([
      { name: "partner-graph", url: h.graphqlUrl, typeDefs: parse(printSdl(await buildPartnerGraphSchema())) },
      { name: "billing", url: billingUrl, typeDefs: BILLING_SDL },
    ]);
    expect(composed.errors).toBeUndefined();
    // The gateway reaches this subgraph over HTTP (RemoteGraphQLDataSource), so each subgraph call
    // gets this server's own per-request context, as it would behind a router.
    gatewayServer = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl! }) });
    await gatewayServer.start();
  });

  afterAll(async () => {
    await gatewayServer?.stop();
    await billing?.stop();
    await h?.close();
  });

  /** Runs an operation on the supergraph (its types span both subgraphs, so the caller names the data's type). */
  async function gateway<TData>(query: string, variables?: Record<string, unknown>): Promise<TData> {
    const res = await gatewayServer.executeOperation<TData>({ query, variables });
    if (res.body.kind !== "single") throw new Error("expected a single result");
    expect(res.body.singleResult.errors).toBeUndefined();
    return res.body.singleResult.data!;
  }

  it("composes: the supergraph's Customer has fields of both subgraphs", async () => {
    const composed = composeServices([
      { name: "partner-graph", url: h.graphqlUrl, typeDefs: parse(printSdl(await buildPartnerGraphSchema())) },
      { name: "billing", url: "http://billing.invalid/graphql", typeDefs: BILLING_SDL },
    ]);
    const api = composed.schema!.toAPISchema().toGraphQLJSSchema();
    const customer = api.getType("Customer") as GraphQLObjectType;
    expect(Object.keys(customer.getFields())).toEqual(
      expect.arrayContaining(["id", "region", "users", "groups", "managedDevices", "organization", "billingAccount"]),
    );
    for (const t of ["User", "Group", "Device", "ManagedDevice", "Organization", "DirectoryObject"]) expect(api.getType(t)).toBeDefined();
  });

  it("answers a query that starts in this subgraph and crosses into billing", async () => {
    const data = await gateway<{
      customers: {
        nodes: Array<{
          id: string;
          displayName: string;
          billingAccount: { number: string; plan: string };
          users: { nodes: Array<{ userPrincipalName: string }> };
        }>;
      };
    }>(`{ customers(first: 3) { nodes { id displayName billingAccount { number plan } users(first: 2) { nodes { userPrincipalName } } } } }`);
    expect(data.customers.nodes.map((c) => c.id)).toEqual(customerIds);
    for (const c of data.customers.nodes) {
      expect(c.billingAccount.number).toBe(`BA-${c.id.slice(0, 8).toUpperCase()}`);
      expect(c.users.nodes).toHaveLength(2);
    }
  });

  it("answers a query that starts in billing and resolves customers and users here by their keys", async () => {
    const data = await gateway<{
      overdueInvoices: Array<{
        id: string;
        amount: number;
        customer: { id: string; displayName: string; organization: { defaultDomainName: string }; groups: { totalCount: number } };
      }>;
      seats: Array<{ sku: string; user: { tenantId: string; id: string; userPrincipalName: string; customer: { id: string } } }>;
    }>(`{
      overdueInvoices { id amount customer { id displayName organization { defaultDomainName } groups(first: 1) { totalCount } } }
      seats { sku user { tenantId id userPrincipalName customer { id } memberOf(first: 5) { nodes { __typename ... on Group { displayName } } } } }
    }`);
    expect(data.overdueInvoices.map((i) => i.customer.id)).toEqual(customerIds);
    for (const i of data.overdueInvoices) {
      expect(i.customer.displayName).toEqual(expect.any(String));
      expect(i.customer.organization.defaultDomainName).toEqual(expect.any(String));
      expect(i.customer.groups.totalCount).toBeGreaterThan(0);
    }
    expect(data.seats.map((s) => s.user.userPrincipalName)).toEqual(seatUsers.map((u) => u.userPrincipalName));
    for (const s of data.seats) expect(s.user.customer.id).toBe(s.user.tenantId);
  });

  it("resolves 1,000 User representations across 5 tenants with at most ceil(n/20) Graph requests per tenant", async () => {
    const seeded = (await h.control<{ customers: Array<{ id: string; sizes: { users: number } }> }>("GET", "/tenants")).customers;
    const tenants = seeded
      .filter((c) => c.sizes.users <= 1000)
      .sort((a, b) => b.sizes.users - a.sizes.users)
      .slice(0, 5)
      .map((c) => c.id);
    const PER_TENANT = 200;
    const reps: Array<{ __typename: "User"; tenantId: string; id: string }> = [];
    const known = new Map<string, string>();
    for (const [t, tenantId] of tenants.entries()) {
      const users = (await h.run(CustomerUserNamesDocument, { id: tenantId, first: PER_TENANT })).body.data!.customer!.users!.nodes;
      for (const u of users) known.set(`${tenantId}/${u.id}`, u.userPrincipalName!);
      // The seeded tenants hold fewer than 200 users each: the rest are ids of users that no longer
      // exist, as a router may well send, and must come back null at the same cost.
      const ids = [...users.map((u) => u.id)];
      for (let i = ids.length; i < PER_TENANT; i++) ids.push(`00000000-0000-4000-8000-${String(t).padStart(4, "0")}${String(i).padStart(8, "0")}`);
      for (const id of ids) reps.push({ __typename: "User", tenantId, id });
    }
    // Interleaved, as a router's batch of entities from many parents would be.
    reps.sort((a, b) => a.id.localeCompare(b.id));
    expect(reps).toHaveLength(1000);

    await h.resetCounters();
    const r: Answer<{ _entities: Array<{ tenantId: string; id: string; userPrincipalName: string } | null> }> = await h.query(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { tenantId id userPrincipalName } } }`,
      { r: reps },
    );
    expect(r.body.errors).toBeUndefined();
    const entities = r.body.data!._entities;
    expect(entities).toHaveLength(1000);
    entities.forEach((e, i) => {
      const upn = known.get(`${reps[i]!.tenantId}/${reps[i]!.id}`);
      if (upn) expect(e).toEqual({ tenantId: reps[i]!.tenantId, id: reps[i]!.id, userPrincipalName: upn });
      else expect(e).toBeNull();
    });

    const c = await h.counters();
    for (const tenantId of tenants) {
      const n = reps.filter((x) => x.tenantId === tenantId).length;
      const requests = (c.byTenant[tenantId]?.graph ?? 0) + (c.byTenant[tenantId]?.batch ?? 0);
      expect(requests).toBeGreaterThan(0);
      expect(requests).toBeLessThanOrEqual(Math.ceil(n / 20));
    }
  });
});
