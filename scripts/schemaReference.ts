import {
  buildASTSchema,
  getNamedType,
  introspectionTypes,
  isEnumType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  isUnionType,
  parse,
  print,
  specifiedScalarTypes,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
} from "graphql";

/**
 * docs/schema.md: the schema reference, generated from the subgraph SDL the router gets (so the
 * federation parts @apollo/subgraph adds are not in it). Written by `npm run schema:emit`, verified by
 * `schema:check` and test/unit/schemaReference.test.ts, like the SDL.
 */
export const REFERENCE_FILE = "docs/schema.md";

const BUILT_IN = new Set([...specifiedScalarTypes, ...introspectionTypes].map((t) => t.name));

/** Markdown table cell text: one line, pipes and angle brackets escaped (`filter.<field>` is not HTML). */
const cell = (text: string | null | undefined) =>
  (text ?? "")
    .replace(/\s*\n\s*/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
const anchor = (name: string) => name.toLowerCase();

function typeRef(type: GraphQLType, ours: Set<string>): string {
  const name = getNamedType(type).name;
  const text = String(type);
  // The type's wrapping (`[User!]!`) around a link to the named type when it is described here.
  return ours.has(name) ? text.replace(name, `[${name}](#${anchor(name)})`) : `\`${text}\``;
}

/** ` `= 50`` after an argument or input field with a default, else nothing. */
const defaultOf = (a: GraphQLArgument | GraphQLInputField) => (a.astNode?.defaultValue ? ` \`= ${print(a.astNode.defaultValue)}\`` : "");

function argument(a: GraphQLArgument, ours: Set<string>): string {
  return `\`${a.name}\`: ${typeRef(a.type, ours)}${defaultOf(a)}`;
}

function deprecation(reason: string | null | undefined): string {
  return reason ? ` **Deprecated:** ${cell(reason)}` : "";
}

function fieldRow(f: GraphQLField<unknown, unknown>, ours: Set<string>): string {
  const args = f.args.map((a) => `<br>↳ ${argument(a, ours)}: ${cell(a.description)}${deprecation(a.deprecationReason)}`).join("");
  return `| \`${f.name}\` | ${typeRef(f.type, ours)} | ${cell(f.description)}${deprecation(f.deprecationReason)}${args} |`;
}

function keys(type: GraphQLNamedType): string[] {
  return (type.astNode?.directives ?? []).filter((d) => d.name.value === "key").map((d) => `\`${print(d)}\``);
}

function section(type: GraphQLNamedType, ours: Set<string>): string[] {
  const out = [`### ${type.name}`, ""];
  if (type.description) out.push(cell(type.description), "");
  const entityKeys = keys(type);
  if (entityKeys.length) out.push(`Federation entity, keyed by ${entityKeys.join(", ")}.`, "");
  if (isObjectType(type)) {
    out.push("| Field | Type | Description |", "|---|---|---|", ...Object.values(type.getFields()).map((f) => fieldRow(f, ours)));
  } else if (isInputObjectType(type)) {
    out.push(
      "| Input field | Type | Description |",
      "|---|---|---|",
      ...Object.values(type.getFields()).map(
        (f) => `| \`${f.name}\`${defaultOf(f)} | ${typeRef(f.type, ours)} | ${cell(f.description)}${deprecation(f.deprecationReason)} |`,
      ),
    );
  } else if (isEnumType(type)) {
    out.push(
      "| Value | Description |",
      "|---|---|",
      ...type.getValues().map((v) => `| \`${v.name}\` | ${cell(v.description)}${deprecation(v.deprecationReason)} |`),
    );
  } else if (isUnionType(type)) {
    out.push(
      `One of: ${type
        .getTypes()
        .map((t) => typeRef(t, ours))
        .join(", ")}.`,
    );
  }
  out.push("");
  return out;
}

/** The reference of a schema given as subgraph SDL. */
export function schemaReference(sdl: string): string {
  const schema: GraphQLSchema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
  const types = Object.values(schema.getTypeMap())
    .filter((t) => !BUILT_IN.has(t.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const ours = new Set(types.map((t) => t.name));
  const query = schema.getQueryType();
  const groups: [string, GraphQLNamedType[]][] = [
    ["Objects", types.filter((t) => isObjectType(t) && t !== query)],
    ["Unions", types.filter(isUnionType)],
    ["Inputs", types.filter(isInputObjectType)],
    ["Enums", types.filter(isEnumType)],
    ["Scalars", types.filter(isScalarType)],
  ];
  const out = [
    "# Schema reference",
    "",
    "<!-- Generated from the code by `npm run schema:emit` (scripts/schemaReference.ts): do not edit. `npm run schema:check` and test/unit/schemaReference.test.ts fail when it drifts. -->",
    "",
    "The subgraph's public schema, as the router sees it ([`schema/subgraph.graphql`](../schema/subgraph.graphql)). Error codes are in [errors.md](errors.md).",
    "Lists are Relay connections paged forward (`first`, `after`); every field under a customer reads that customer's tenant with the caller's rights.",
    "",
    "## Query",
    "",
    "| Field | Type | Description |",
    "|---|---|---|",
    ...(query ? Object.values(query.getFields()).map((f) => fieldRow(f, ours)) : []),
    "",
  ];
  for (const [title, list] of groups) {
    if (!list.length) continue;
    out.push(`## ${title}`, "", ...list.flatMap((t) => section(t, ours)));
  }
  return `${out.join("\n").trim()}\n`;
}
