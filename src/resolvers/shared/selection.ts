import {
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentSpreadNode,
  type GraphQLResolveInfo,
  type InlineFragmentNode,
  type SelectionSetNode,
} from "graphql";

/**
 * The fields selected on objects of `typeName` under the current field, following fragments and
 * connection shapes (`nodes { … }`, `edges { node { … } }`), and leaving out whatever `@skip`/`@include`
 * exclude (with the operation's variables), as execution will. Used to ask Graph only for what the
 * operation needs ($select, $count).
 */
export function selectedFields(info: GraphQLResolveInfo, typeName: string, path: readonly string[][] = [[]]): ReadonlySet<string> {
  return memoized(info, `${typeName}|${path.map((p) => p.join(".")).join("|")}`, () => {
    const out = new Set<string>();
    for (const node of info.fieldNodes) {
      for (const p of path) collect(info, node.selectionSet, p, typeName, out);
    }
    return out;
  });
}

/** Selected fields of a connection's node type (under `nodes` and `edges.node`). */
export function selectedNodeFields(info: GraphQLResolveInfo, typeName: string): ReadonlySet<string> {
  return selectedFields(info, typeName, NODE_PATHS);
}

const NODE_PATHS: readonly string[][] = [["nodes"], ["edges", "node"]];

/** Whether a direct child field (e.g. `totalCount`) is selected on the current field. */
export function isSelected(info: GraphQLResolveInfo, field: string): boolean {
  return selectedFields(info, getNamedType(info.returnType).name).has(field);
}

/** Maps selected GraphQL fields to Graph properties; `id` is always included. The same fields and map give the same (shared) list. */
export function graphSelect(fields: ReadonlySet<string> | Iterable<string>, map: Readonly<Record<string, readonly string[]>>): readonly string[] {
  let byMap = selects.get(fields);
  if (!byMap) selects.set(fields, (byMap = new WeakMap()));
  let select = byMap.get(map);
  if (!select) {
    const props = new Set<string>(["id"]);
    for (const f of fields) for (const p of map[f] ?? []) props.add(p);
    select = Object.freeze([...props].sort());
    byMap.set(map, select);
  }
  return select;
}

/**
 * The selections of one field node list under one operation's variables are the same for every item
 * of a list (graphql-js hands the same \`fieldNodes\` array to each): a 1,000-customer operation
 * walks each selection once, not once per customer.
 */
const analyses = new WeakMap<GraphQLResolveInfo["fieldNodes"], WeakMap<object, Map<string, ReadonlySet<string>>>>();
const NO_VARIABLES = {};
const selects = new WeakMap<object, WeakMap<object, readonly string[]>>();

function memoized(info: GraphQLResolveInfo, key: string, analyse: () => ReadonlySet<string>): ReadonlySet<string> {
  let byVariables = analyses.get(info.fieldNodes);
  if (!byVariables) analyses.set(info.fieldNodes, (byVariables = new WeakMap()));
  const variables = info.variableValues ?? NO_VARIABLES;
  let results = byVariables.get(variables);
  if (!results) byVariables.set(variables, (results = new Map()));
  let result = results.get(key);
  if (!result) results.set(key, (result = analyse()));
  return result;
}

function collect(info: GraphQLResolveInfo, set: SelectionSetNode | undefined, path: readonly string[], typeName: string, out: Set<string>): void {
  if (!set) return;
  for (const sel of set.selections) {
    if (!included(info, sel)) continue;
    if (sel.kind === Kind.FIELD) {
      if (path.length === 0) out.add(sel.name.value);
      else if (sel.name.value === path[0]) collect(info, sel.selectionSet, path.slice(1), typeName, out);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (onTheWay(path) || appliesTo(info, sel.typeCondition?.name.value, typeName)) collect(info, sel.selectionSet, path, typeName, out);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = info.fragments[sel.name.value];
      if (frag && (onTheWay(path) || appliesTo(info, frag.typeCondition.name.value, typeName))) collect(info, frag.selectionSet, path, typeName, out);
    }
  }
}

/**
 * Still walking down to the objects asked about (a connection's `nodes`, `edges.node`): a fragment
 * there is on the connection or edge type itself (`...UserPage on UserConnection`), which validation
 * has already matched to that level, so it is followed whatever its type condition names.
 */
function onTheWay(path: readonly string[]): boolean {
  return path.length > 0;
}

/** The GraphQL spec's rule (CollectFields): skipped when `@skip(if: true)` or `@include(if: false)`. */
function included(info: GraphQLResolveInfo, node: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}

/**
 * A fragment applies when it names the type itself, an interface/union the type belongs to, or —
 * for an abstract type — a type that may be one of its members.
 */
function appliesTo(info: GraphQLResolveInfo, condition: string | undefined, typeName: string): boolean {
  if (!condition || condition === typeName) return true;
  const cond = info.schema.getType(condition);
  const type = info.schema.getType(typeName);
  if (!cond || !type) return false;
  if (isObjectType(type)) return isAbstractType(cond) && info.schema.isSubType(cond, type);
  if (!isAbstractType(type)) return false;
  if (isObjectType(cond)) return info.schema.isSubType(type, cond);
  if (!isAbstractType(cond)) return false;
  const members = new Set(info.schema.getPossibleTypes(type));
  return info.schema.getPossibleTypes(cond).some((t) => members.has(t));
}

/** Maps each GraphQL field to the same-named Graph property. */
export function sameNames(fields: readonly string[]): Record<string, readonly string[]> {
  return Object.fromEntries(fields.map((f) => [f, [f]]));
}
