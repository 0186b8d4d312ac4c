import { getIntrospectionQuery, getOperationAST, parse, type GraphQLSchema } from "graphql";
import { estimateOperation, INTROSPECTION_LIST_NESTING } from "../../src/operationLimits";
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
    const e = estimate(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
    expect(e).toMatchObject({ cost: 0, depth: 0 });
    expect(e.introspectionLists).toBe(INTROSPECTION_LIST_NESTING);
    expect(estimate(`{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`).introspectionLists).toBe(4);
  });

  it("knows the key fields of exactly the schema's entity types", () => {
    const entity = schema.getType("_Entity") as any;
    expect(Object.keys(ENTITY_KEYS).sort()).toEqual(entity.getTypes().map((t: any) => t.name).sort());
    const tid = "6d9f1b2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f";
    expect(representationProblem({ __typename: "User", tenantId: tid, id: "ann@contoso.com" })).toBeUndefined();
    for (const bad of [null, "User", [], { __typename: "Nope" }, { __typename: "toString" }, { __typename: "User", tenantId: tid }, { __typename: "Group", tenantId: tid, id: "ann@contoso.com" }, { __typename: "Customer", id: 7 }]) {
      expect(representationProblem(bad)).toEqual(expect.any(String));
    }
  });
});
