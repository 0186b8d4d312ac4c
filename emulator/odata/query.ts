/**
 * The emulator's OData query engine: applies $filter, $search, $orderby, $count, $top, $select and
 * $skiptoken paging to a collection as Microsoft Graph does (docs/graph-facts.md §3-4), including the 400s
 * of the directory's advanced-query rules. Works over the caller's array by index: a new array is
 * made only when filtering or sorting, and only the page is projected.
 */
import type { GraphObject } from "../data/model";
import {
  advancedRequired,
  badRequest,
  COUNT_NOT_SUPPORTED,
  isQueryError,
  queryError,
  SEARCH_NEEDS_HEADER,
  SORTING_NOT_SUPPORTED,
  unknownProperty,
  unsupported,
  unsupportedFilter,
  type QueryError,
} from "./errors";
import { evaluate, FilterSyntaxError, parseFilter, renameProperties, usedOperators, type FilterNode, type Literal, type OperatorUse } from "./filter";
import { matchSearch, parseSearch, searchTerms, SearchSyntaxError, type SearchNode } from "./search";
import { canonicalName, contextWithSelect, project, resolveSelect, splitSelect } from "./select";
import { makeSkiptoken, queryBinding, readSkiptoken, withSkiptoken } from "./skiptoken";
import type {
  CollectionQueryInput,
  CollectionQueryResult,
  EntityQueryInput,
  EntityQueryResult,
  FilterOp,
  FilterSupport,
  MixedResourceSpec,
  PropertyType,
  ResourceSpec,
} from "./types";

// Query options ------------------------------------------------------------------------------

/**
 * The request's `$` options by lower-cased name. Options without `$` are ignored: on v1.0 the
 * prefix is required (docs/graph-facts.md §4). A repeated option is a 400, as in Graph.
 */
function readOptions(url: URL): Map<string, string> | QueryError {
  const out = new Map<string, string>();
  for (const [k, v] of url.searchParams) {
    if (!k.startsWith("$")) continue;
    const key = k.toLowerCase();
    if (out.has(key)) return badRequest(`Query option '${k}' was specified more than once, but it must be specified at most once.`);
    out.set(key, v);
  }
  return out;
}

function readCount(opts: Map<string, string>): boolean | QueryError {
  const raw = opts.get("$count");
  if (raw === undefined) return false;
  const v = raw.trim().toLowerCase();
  if (v === "true" || v === "false") return v === "true";
  return badRequest(`Invalid value '${raw}' for $count query option found. Valid values are 'true' and 'false'.`);
}

function readTop(raw: string | undefined, spec: ResourceSpec): number | QueryError {
  if (raw === undefined) return spec.defaultPageSize;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(n >= 1 && n <= spec.maxPageSize)) {
    return badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and ${spec.maxPageSize} inclusive.`);
  }
  return n;
}

function readSkip(raw: string | undefined, spec: ResourceSpec): number | QueryError {
  if (raw === undefined) return 0;
  if (!spec.supportsSkip) return badRequest("'$skip' is not supported by the service.");
  if (!/^\d+$/.test(raw.trim())) return badRequest(`Invalid value '${raw}' for $skip query option.`);
  return Number(raw.trim());
}

// $filter validation --------------------------------------------------------------------------

/** Operators that on directory objects always need advanced query parameters. */
const ALWAYS_ADVANCED: ReadonlySet<FilterOp> = new Set<FilterOp>(["ne", "not", "endsWith", "count", "eqNull"]);
const OPERATOR_TEXT: Partial<Record<FilterOp, string>> = { eqNull: "eq", count: "$count" };
const OPERATOR_KIND: Partial<Record<FilterOp, string>> = {
  eq: "Equal",
  ne: "NotEqual",
  gt: "GreaterThan",
  ge: "GreaterThanOrEqual",
  lt: "LessThan",
  le: "LessThanOrEqual",
  in: "Equal",
};
const isCollection = (t: PropertyType): boolean => t === "stringCollection" || t === "complexCollection";

const EDM_OF_PROPERTY: Record<PropertyType, string> = {
  string: "Edm.String",
  enum: "Edm.String",
  stringCollection: "Edm.String",
  guid: "Edm.Guid",
  boolean: "Edm.Boolean",
  dateTime: "Edm.DateTimeOffset",
  int: "Edm.Int64",
  complex: "Edm.ComplexType",
  complexCollection: "Edm.ComplexType",
};
const EDM_OF_LITERAL: Record<Literal["type"], string> = {
  string: "Edm.String",
  enum: "Edm.String",
  guid: "Edm.Guid",
  boolean: "Edm.Boolean",
  dateTime: "Edm.DateTimeOffset",
  number: "Edm.Int32",
  null: "null",
};

/** Whether a literal can be compared with a property of this type (strings and GUIDs mix freely). */
function literalFits(use: OperatorUse, type: PropertyType): boolean {
  const lit = use.literal;
  if (!lit || lit.type === "null") return true;
  if (use.op === "count") return lit.type === "number";
  if (type === "complex" || type === "complexCollection" || (!use.viaLambda && use.path.length > 1)) return true;
  switch (type) {
    case "boolean":
      return lit.type === "boolean";
    case "dateTime":
      return lit.type === "dateTime";
    case "int":
      return lit.type === "number";
    default:
      return lit.type === "string" || lit.type === "guid" || lit.type === "enum";
  }
}

function validateFilter(ast: FilterNode, spec: ResourceSpec, advanced: boolean, support: FilterSupport): QueryError | null {
  const uses = usedOperators(ast);
  const lenient = support === "lenient";
  for (const use of uses) {
    const p = spec.properties[use.property];
    if (!p) return unknownProperty(use.property, spec);
    if (use.op === "or") {
      // `or` is free unless the service documents it per property (Intune: enums only).
      if (spec.orPerProperty && !lenient && !p.filter?.includes("or")) return unsupportedFilter(use.property, spec);
      continue;
    }
    const allowed = (op: FilterOp) => Boolean(p.filter?.includes(op) || (lenient && p.lenientFilter?.includes(op)));
    // Collections are filtered only through lambdas and /$count; lambdas apply only to collections.
    const direct = use.op === "any" || use.op === "all" || use.op === "count";
    const shapeOk = isCollection(p.type) ? direct || use.viaLambda || use.op === "not" : !direct && !use.viaLambda;
    if (!shapeOk || !allowed(use.op)) return unsupportedFilter(use.property, spec);
    if (!literalFits(use, p.type)) {
      const kind = OPERATOR_KIND[use.op];
      return queryError(
        400,
        "BadRequest",
        kind
          ? `A binary operator with incompatible types was detected. Found operand types '${EDM_OF_PROPERTY[p.type]}' and '${EDM_OF_LITERAL[use.literal?.type ?? "null"]}' for operator kind '${kind}'.`
          : `No function signature for the function with name '${use.op.toLowerCase()}' matches the specified arguments.`,
      );
    }
  }
  if (spec.directory && !advanced) {
    for (const use of uses) {
      if (use.op === "or") continue;
      if (ALWAYS_ADVANCED.has(use.op) || spec.properties[use.property].advancedFilter?.includes(use.op)) {
        return advancedRequired(OPERATOR_TEXT[use.op] ?? use.op);
      }
    }
  }
  return null;
}

function readFilter(raw: string | undefined, spec: ResourceSpec, advanced: boolean, support: FilterSupport): FilterNode | null | QueryError {
  if (raw === undefined) return null;
  let ast: FilterNode;
  try {
    ast = parseFilter(raw);
  } catch (e) {
    if (e instanceof FilterSyntaxError) return queryError(400, "BadRequest", e.message);
    throw e;
  }
  const unknown = renameProperties(ast, (name) => canonicalName(spec, name));
  if (unknown !== null) return unknownProperty(unknown, spec);
  return validateFilter(ast, spec, advanced, support) ?? ast;
}

// $search ---------------------------------------------------------------------------------------

function readSearch(raw: string | undefined, spec: ResourceSpec, eventual: boolean): SearchNode | null | QueryError {
  if (raw === undefined) return null;
  if (spec.directory && !eventual) return unsupported(SEARCH_NEEDS_HEADER);
  let node: SearchNode;
  try {
    node = parseSearch(raw);
  } catch (e) {
    if (e instanceof SearchSyntaxError) return badRequest(e.message);
    throw e;
  }
  for (const term of searchTerms(node)) {
    const name = canonicalName(spec, term.property);
    if (name === null) return unknownProperty(term.property, spec);
    if (!spec.properties[name].search) {
      return unsupported(`Unsupported or invalid query search clause specified for property '${name}' of resource '${spec.resourceName}'.`);
    }
    term.property = name;
  }
  return node;
}

// $orderby ---------------------------------------------------------------------------------------

interface SortKey {
  property: string;
  desc: boolean;
}

function readOrderBy(raw: string | undefined, spec: ResourceSpec, advanced: boolean, hasFilter: boolean): SortKey[] | null | QueryError {
  if (raw === undefined) return null;
  const keys: SortKey[] = [];
  for (const part of raw.split(",")) {
    const m = /^\s*([^\s,]+)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) return badRequest(`Syntax error in $orderby: '${raw}'.`);
    const name = canonicalName(spec, m[1]);
    if (name === null) return unknownProperty(m[1], spec);
    const p = spec.properties[name];
    if (!p.orderBy) return unsupported(`Order by not supported for property '${name}' of resource '${spec.resourceName}'.`);
    if (spec.directory && !advanced && p.orderBy === "advanced") return unsupported(SORTING_NOT_SUPPORTED);
    keys.push({ property: name, desc: (m[2] ?? "asc").toLowerCase() === "desc" });
  }
  // On directory objects, $filter together with $orderby is an advanced query.
  if (spec.directory && !advanced && hasFilter) return unsupported(SORTING_NOT_SUPPORTED);
  return keys;
}

/** Orders two values; null/absent sort after everything ascending. Strings ignore case. */
function compareValues(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (typeof a === "string" && typeof b === "string") {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((typeof a === "number" || typeof a === "boolean") && (typeof b === "number" || typeof b === "boolean")) {
    return Number(a) - Number(b);
  }
  return 0;
}

function sorter(keys: readonly SortKey[]): (a: GraphObject, b: GraphObject) => number {
  return (a, b) => {
    for (const k of keys) {
      const c = compareValues(a[k.property], b[k.property]);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0; // Array.prototype.sort is stable: ties keep the service's natural order.
  };
}

// $select on collections --------------------------------------------------------------------------

const isMixed = (spec: ResourceSpec | MixedResourceSpec): spec is MixedResourceSpec => "kind" in spec && spec.kind === "mixed";

/** `@odata.type` of an item of a mixed collection; inferred from its shape when the store left it out. */
export function odataTypeOf(item: GraphObject): string {
  const t = item["@odata.type"];
  if (typeof t === "string" && t !== "") return t;
  if ("userPrincipalName" in item) return "#microsoft.graph.user";
  if ("deviceId" in item) return "#microsoft.graph.device";
  if ("groupTypes" in item || "securityEnabled" in item) return "#microsoft.graph.group";
  return "#microsoft.graph.directoryObject";
}

const notImplemented = (name: string): QueryError =>
  queryError(501, "NotImplemented", `The property '${name}' can be selected only when getting a single object, not on a collection.`);

/**
 * Resolves `$select` for a collection: canonical names (null when absent). On mixed collections a
 * name may belong to any member type; each item then shows the names its type has.
 */
function readCollectionSelect(raw: string | undefined, spec: ResourceSpec | MixedResourceSpec): string[] | null | QueryError {
  if (raw === undefined) return null;
  const names = splitSelect(raw);
  if (isQueryError(names)) return names;
  const specs = isMixed(spec) ? [spec.base, ...Object.values(spec.byType)] : [spec];
  const out: string[] = [];
  for (const n of names) {
    const hits = specs.map((s) => ({ s, c: canonicalName(s, n) })).filter((h) => h.c !== null);
    if (hits.length === 0) return unknownProperty(n, isMixed(spec) ? spec.base : spec);
    const c = hits[0].c as string;
    if (hits.some((h) => h.s.properties[h.c as string].singleOnly)) return notImplemented(c);
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

function projectItem(item: GraphObject, spec: ResourceSpec | MixedResourceSpec, select: string[] | null): Record<string, unknown> {
  if (!isMixed(spec)) return project(item, spec, select);
  const type = odataTypeOf(item);
  const typeSpec = spec.byType[type] ?? spec.base;
  return project(item, typeSpec, select && select.filter((n) => n in typeSpec.properties), type);
}

// Collections ---------------------------------------------------------------------------------------

export function queryCollection(input: CollectionQueryInput): CollectionQueryResult {
  const { spec, items, requestUrl } = input;
  const base = isMixed(spec) ? spec.base : spec;
  const opts = readOptions(requestUrl);
  if (isQueryError(opts)) return opts;

  const eventual = (input.consistencyLevel ?? "").trim().toLowerCase() === "eventual";
  const countTrue = readCount(opts);
  if (isQueryError(countTrue)) return countTrue;
  // Advanced queries: header and $count=true on directory objects; other services have no such rule.
  const advanced = !base.directory || (eventual && countTrue);

  if (opts.has("$expand")) return badRequest("$expand is not supported by the emulator.");
  // Intune has no $count segment at all: Graph answers 404 for the unknown segment.
  if (input.countSegment && base.noCountSegment) return queryError(404, "ResourceNotFound", "Resource not found for the segment '$count'.");
  if (input.countSegment && base.directory && !eventual) return badRequest(COUNT_NOT_SUPPORTED);
  const skip = readSkip(opts.get("$skip"), base);
  if (isQueryError(skip)) return skip;
  const top = input.countSegment ? base.defaultPageSize : readTop(opts.get("$top"), base);
  if (isQueryError(top)) return top;
  const select = readCollectionSelect(opts.get("$select"), spec);
  if (isQueryError(select)) return select;
  const filter = readFilter(opts.get("$filter"), base, advanced, input.filterSupport ?? "documented");
  if (isQueryError(filter)) return filter;
  const search = readSearch(opts.get("$search"), base, eventual);
  if (isQueryError(search)) return search;
  const orderBy = readOrderBy(opts.get("$orderby"), base, advanced, filter !== null);
  if (isQueryError(orderBy)) return orderBy;

  const binding = queryBinding(requestUrl);
  const token = opts.get("$skiptoken");
  let offset = skip;
  if (token !== undefined) {
    const at = readSkiptoken(input.skiptokenSecret, binding, token);
    if (at === null) return badRequest("The page token ($skiptoken) is invalid, or was issued for a different query.");
    offset = at;
  }

  // Select the matching rows, copying only when something narrows or reorders them.
  let rows: readonly GraphObject[] = items;
  if (filter || search) {
    const modeOf = (p: string) => base.properties[p]?.search ?? "prefix";
    rows = items.filter((it) => (!filter || evaluate(filter, it)) && (!search || matchSearch(search, it, modeOf)));
  }
  if (orderBy) {
    const sorted = rows === items ? items.slice() : (rows as GraphObject[]);
    rows = sorted.sort(sorter(orderBy));
  }

  if (input.countSegment) return { ok: true, status: 200, body: String(rows.length), contentType: "text/plain" };

  // Key order as Graph: context, count, nextLink, value. Count only on the first page.
  const body: Record<string, unknown> = { "@odata.context": contextWithSelect(input.contextUrl, select) };
  if (countTrue && (!base.directory || eventual) && token === undefined) body["@odata.count"] = rows.length;
  const end = Math.min(offset + top, rows.length);
  if (end < rows.length) {
    body["@odata.nextLink"] = withSkiptoken(requestUrl, makeSkiptoken(input.skiptokenSecret, binding, end));
  }
  const page: Record<string, unknown>[] = [];
  for (let i = offset; i < end; i++) page.push(projectItem(rows[i], spec, select));
  body.value = page;
  return { ok: true, status: 200, body, contentType: "application/json" };
}

// Single entities ------------------------------------------------------------------------------------

/** GET of one entity: only `$select` applies; singleOnly properties may be selected here. */
export function queryEntity(input: EntityQueryInput): EntityQueryResult {
  const opts = readOptions(input.requestUrl);
  if (isQueryError(opts)) return opts;
  if (opts.has("$expand")) return badRequest("$expand is not supported by the emulator.");
  let select: string[] | null = null;
  const raw = opts.get("$select");
  if (raw !== undefined) {
    const names = splitSelect(raw);
    if (isQueryError(names)) return names;
    const resolved = resolveSelect(input.spec, names);
    if (isQueryError(resolved)) return resolved;
    select = resolved;
  }
  const body = { "@odata.context": contextWithSelect(input.contextUrl, select), ...project(input.item, input.spec, select) };
  return { ok: true, status: 200, body };
}
