/**
 * Description coverage of the public schema (issue 18): every type, field, argument, input field and
 * enum value of the emitted subgraph SDL carries a description, for Sandbox and for frontend developers.
 *
 * What is ours: the schema is read back from the SDL the router gets (printSdl, i.e. schema/subgraph.graphql).
 * What @apollo/subgraph adds (`_entities`, `_service`, `_Any`, `_Entity`, `_Service`, `link__Import`,
 * `link__Purpose`, `federation__FieldSet`, …) is not ours to describe: it is found, not listed by hand,
 * as whatever buildSubgraphSchema adds to a minimal subgraph with one entity, and left out by name. So
 * are graphql-js's built-in scalars and introspection types.
 */
import { buildSubgraphSchema } from "@apollo/subgraph";
import {
  buildASTSchema,
  introspectionTypes,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  specifiedScalarTypes,
  type GraphQLSchema,
} from "graphql";
import gql from "graphql-tag";
import { buildPartnerGraphSchema, printSdl } from "../../src/schema";

type Kind = "type" | "field" | "argument" | "input field" | "enum value";
interface Element {
  kind: Kind;
  coordinate: string;
  described: boolean;
}

/** Type names and Query fields @apollo/subgraph adds to any subgraph schema with an entity. */
function federationAdditions(): { types: Set<string>; queryFields: Set<string> } {
  const minimal = buildSubgraphSchema({
    typeDefs: gql`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
      type Query {
        probe: Int
      }
      type Probe @key(fields: "id") {
        id: ID!
      }
    `,
    resolvers: {},
  });
  const types = new Set(Object.keys(minimal.getTypeMap()).filter((n) => n !== "Query" && n !== "Probe"));
  const queryFields = new Set(Object.keys(minimal.getQueryType()!.getFields()).filter((n) => n !== "probe"));
  return { types, queryFields };
}

const BUILT_IN = new Set([...specifiedScalarTypes, ...introspectionTypes].map((t) => t.name));
const has = (d: string | null | undefined) => typeof d === "string" && d.trim().length > 0;

/** Every public element of the schema, with whether it is described. */
function publicElements(schema: GraphQLSchema, federation: ReturnType<typeof federationAdditions>): Element[] {
  const out: Element[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (BUILT_IN.has(type.name) || federation.types.has(type.name)) continue;
    // The root type's description is not shown by Sandbox and not ours to write: Query is shared by every subgraph.
    if (type !== schema.getQueryType()) out.push({ kind: "type", coordinate: type.name, described: has(type.description) });
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (type === schema.getQueryType() && federation.queryFields.has(field.name)) continue;
        out.push({ kind: "field", coordinate: `${type.name}.${field.name}`, described: has(field.description) });
        for (const arg of field.args) out.push({ kind: "argument", coordinate: `${type.name}.${field.name}(${arg.name}:)`, described: has(arg.description) });
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        out.push({ kind: "input field", coordinate: `${type.name}.${field.name}`, described: has(field.description) });
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) out.push({ kind: "enum value", coordinate: `${type.name}.${value.name}`, described: has(value.description) });
    }
  }
  return out;
}

describe("schema descriptions", () => {
  let elements: Element[];
  const federation = federationAdditions();

  beforeAll(async () => {
    // The emitted SDL, as the router and Sandbox read it (unknown federation directives are kept, not checked).
    const sdl = printSdl(await buildPartnerGraphSchema());
    elements = publicElements(buildASTSchema(parse(sdl), { assumeValidSDL: true }), federation);
  });

  it("finds what @apollo/subgraph adds, so that it is left out", () => {
    expect([...federation.queryFields].sort()).toEqual(["_entities", "_service"]);
    expect([...federation.types]).toEqual(expect.arrayContaining(["_Any", "_Entity", "_Service", "link__Purpose", "link__Import", "federation__FieldSet"]));
    expect(elements.some((e) => e.coordinate.startsWith("_") || e.coordinate.includes("__"))).toBe(false);
  });

  it("counts every kind of element", () => {
    const kinds = new Set(elements.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(["argument", "enum value", "field", "input field", "type"]);
    // A sanity floor: the issue measured 51 types and 45 arguments (a count of nothing would pass 100%).
    expect(elements.filter((e) => e.kind === "type").length).toBeGreaterThanOrEqual(45);
    expect(elements.filter((e) => e.kind === "argument").length).toBeGreaterThanOrEqual(45);
  });

  it("describes 100% of the public types, fields, arguments, input fields and enum values", () => {
    const missing = elements.filter((e) => !e.described);
    const summary = (["type", "field", "argument", "input field", "enum value"] as Kind[]).map((k) => {
      const all = elements.filter((e) => e.kind === k);
      return `${k}s ${all.filter((e) => e.described).length}/${all.length}`;
    });
    const message = missing.length ? `${summary.join(", ")}; missing descriptions:\n${missing.map((e) => `  ${e.kind} ${e.coordinate}`).join("\n")}` : "";
    expect(message).toBe("");
  });
});
