import { ApolloServer } from "@apollo/server";
import { buildSchema, getIntrospectionQuery, getOperationAST, parse, type GraphQLSchema } from "graphql";
import { estimateOperation, INTROSPECTION_LIST_NESTING, operationLimitsPlugin, type OperationEstimate } from "../../src/operationLimits";
import { ENTITY_KEYS, representationProblem } from "../../src/resolvers/entities";
import { buildPartnerGraphSchema } from "../../src/schema";

/** The domain cost model on its own: every figure is resolved against the real schema. */
describe("operation estimate", () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildPartnerGraphSchema();
  });
  const estimate = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    return estimateOperation(schema, document, getOperationAST(document)!, variables)!;
  };

  it("counts a missing `first` as the schema's default (50)", () => {
    // 50 customers, 50 users each, 50 groups each: 50 × (1 + 50 × (1 + 50)).
    expect(estimate(`{ customers { nodes { users { nodes { memberOf { nodes { __typename } } } } } } }`).cost).toBe(50 * (1 + 50 * (1 + 50)));
  });

  it("resolves variables, their defaults and literal arguments the same way", () => {
    const q = `query($n: Int! = 999) { customers(first: $n) { nodes { users(first: $n) { nodes { id } } } } }`;
    expect(estimate(q).cost).toBe(999 * (1 + 999));
    expect(estimate(q, { n: 10 }).cost).toBe(10 * (1 + 10));
    expect(estimate(`{ customers(first: 10) { nodes { users(first: 10) { nodes { id } } } } }`).cost).toBe(10 * (1 + 10));
    // Variables that do not coerce: execution refuses the operation before any resolver, nothing to estimate.
    expect(estimateOperation(schema, parse(q), getOperationAST(parse(q))!, { n: "many" })).toBeUndefined();
  });

  it("counts singular lookups, entity navigation, searches and signInRouting", () => {
    const id = "00000000-0000-0000-0000-000000000001";
    expect(estimate(`{ customer(id: "${id}") { id } }`).cost).toBe(1);
    expect(estimate(`{ customer(id: "${id}") { a: user(id: "${id}") { id } b: user(id: "${id}") { manager { id } } } }`).cost).toBe(1 * (1 + 1 + 1 * (1 + 1)));
    expect(estimate(`{ customer(id: "${id}") { users(search: "ann") { nodes { id } } } }`).cost).toBe(1 + 50);
    expect(estimate(`{ a: signInRouting(userName: "a@contoso.com") { region } b: signInRouting(userName: "b@contoso.com") { region } }`).cost).toBe(40);
    expect(estimate(`{ _entities(representations: [{ __typename: "User" }, { __typename: "User" }, { __typename: "User" }]) { __typename } }`).cost).toBe(3);
  });

  it("measures each fragment once: 60 levels of doubled spreads are estimated, not expanded", () => {
    const levels = 60;
    const defs = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join("\n");
    const e = estimate(`query { ...F0 }\n${defs}\nfragment F${levels} on Query { customers(first: 1) { nodes { id } } }`);
    expect(e.rootFields).toBe(2 ** levels);
    expect(e.cost).toBe(2 ** levels);
    expect(e.depth).toBe(3);
  });

  it("leaves the standard introspection query out of depth and cost, and bounds introspection's list nesting", () => {
    const e = estimate(
      getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }),
    );
    expect(e).toMatchObject({ cost: 0, depth: 0 });
    expect(e.introspectionLists).toBe(INTROSPECTION_LIST_NESTING);
    expect(estimate(`{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`).introspectionLists).toBe(4);
  });

  it("knows the key fields of exactly the schema's entity types", () => {
    const entity = schema.getType("_Entity") as any;
    expect(Object.keys(ENTITY_KEYS).sort()).toEqual(
      entity
        .getTypes()
        .map((t: any) => t.name)
        .sort(),
    );
    const tid = "6d9f1b2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f";
    expect(representationProblem({ __typename: "User", tenantId: tid, id: "ann@contoso.com" })).toBeUndefined();
    for (const bad of [
      null,
      "User",
      [],
      { __typename: "Nope" },
      { __typename: "toString" },
      { __typename: "User", tenantId: tid },
      { __typename: "Group", tenantId: tid, id: "ann@contoso.com" },
      { __typename: "Customer", id: 7 },
    ]) {
      expect(representationProblem(bad)).toEqual(expect.any(String));
    }
  });
});

/** The plugin in Apollo Server: what a refused operation answers, and what admitted ones report. */
describe("operation limits plugin", () => {
  const schema = buildSchema(`
    type Item { id: ID! children(first: Int = 10): ItemConnection }
    type ItemConnection { nodes: [Item!]! }
    type Query { items(first: Int = 10): ItemConnection a: Int b: Int c: Int }
    type Mutation { touch: Int }
  `);
  const limits = { maxCost: 100, maxDepth: 5, maxRootFields: 2 };
  const run = async (query: string, variables?: Record<string, unknown>) => {
    const admitted: OperationEstimate[] = [];
    const server = new ApolloServer<{ caller: string }>({
      schema,
      plugins: [operationLimitsPlugin<{ caller: string }>(limits, (_ctx, e) => admitted.push(e))],
    });
    await server.start();
    try {
      const res = await server.executeOperation({ query, variables }, { contextValue: { caller: "test" } });
      if (res.body.kind !== "single") throw new Error("expected a single result");
      return { status: res.http.status, errors: res.body.singleResult.errors, admitted };
    } finally {
      await server.stop();
    }
  };

  it("admits an operation within every limit and reports its estimate", async () => {
    const r = await run(`{ items(first: 9) { nodes { id } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.admitted).toEqual([{ cost: 9, depth: 3, rootFields: 1, introspectionLists: 0 }]);
  });

  it.each([
    [
      "cost",
      `{ items(first: 10) { nodes { children(first: 10) { nodes { id } } } } }`,
      { cost: 110, maxCost: 100 },
      "The operation could fetch about 110 objects; at most 100 are allowed. Ask for smaller pages.",
    ],
    [
      "depth",
      `{ items(first: 1) { nodes { children(first: 1) { nodes { children(first: 1) { nodes { id } } } } } } }`,
      { depth: 7, maxDepth: 5 },
      "The operation nests 7 levels deep; at most 5 are allowed.",
    ],
    ["root fields", `{ a b c }`, { rootFields: 3, maxRootFields: 2 }, "The operation asks for 3 root fields; at most 2 are allowed."],
    // Introspection nesting is refused by Apollo Server's own validation rule before this plugin runs; its figure is tested above.
  ])(
    "refuses an operation over its %s limit with BAD_USER_INPUT (400), the figure and the limit, admitting nothing",
    async (_limit, query, details, message) => {
      const r = await run(query);
      expect(r.status).toBe(400);
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0]).toMatchObject({ message, extensions: { code: "BAD_USER_INPUT", ...details } });
      expect(r.admitted).toEqual([]);
    },
  );

  it("counts a limit's figure from the operation's variables", async () => {
    const query = `query($n: Int!) { items(first: $n) { nodes { id } } }`;
    expect((await run(query, { n: 100 })).errors).toBeUndefined();
    expect((await run(query, { n: 101 })).errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", cost: 101 });
  });

  it("refuses mutations with BAD_REQUEST (400)", async () => {
    const r = await run(`mutation { touch }`);
    expect(r.status).toBe(400);
    expect(r.errors![0]).toMatchObject({
      message: "This API serves queries only; mutation operations are not supported.",
      extensions: { code: "BAD_REQUEST", operation: "mutation" },
    });
    expect(r.admitted).toEqual([]);
  });

  it("leaves variables that do not coerce to execution, which refuses them before any resolver", async () => {
    const r = await run(`query($n: Int!) { items(first: $n) { nodes { id } } }`, { n: "many" });
    expect(r.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
    expect(r.errors![0]!.message).toContain("$n");
    expect(r.admitted).toEqual([]);
  });
});
