import type { GraphObject } from "../data/model";

/**
 * Contract of the emulator's OData query engine (emulator/odata). The Graph router (emulator/graph)
 * finds the collection a URL names and hands it here with the resource's spec; the engine applies
 * $filter, $search, $orderby, $count, $top, $select and paging exactly as Graph documents them,
 * including the 400s when advanced-query rules (ConsistencyLevel: eventual + $count=true) are broken.
 */

export type PropertyType = "string" | "boolean" | "dateTime" | "guid" | "int" | "enum" | "stringCollection" | "complexCollection" | "complex";

/** Filter operators as Graph names them per property on its resource pages. */
export type FilterOp =
  | "eq"
  | "ne"
  | "not"
  | "in"
  | "ge"
  | "le"
  | "gt"
  | "lt"
  | "startsWith"
  | "endsWith"
  | "eqNull"
  | "any"
  | "count"
  // Added: `contains` (Intune managedDevice deviceName) and the `all` lambda (parsed; listed on no directory property).
  | "contains"
  | "all"
  // `or` joining clauses on this property; checked only where `ResourceSpec.orPerProperty` is set.
  | "or";

/**
 * How strictly $filter support is read: "documented" accepts only the operators Microsoft documents
 * per resource and property (the strictest reading; the default), "lenient" also those Graph is
 * observed to accept beyond that (`lenientFilter`).
 */
export type FilterSupport = "documented" | "lenient";

export interface PropertySpec {
  type: PropertyType;
  /** Operators Graph supports on this property; anything else is a 400 Request_UnsupportedQuery. */
  filter?: FilterOp[];
  /**
   * Operators of `filter` that on this property work only in advanced queries (directory specs),
   * beyond ne/not/endsWith/$count/eq-null which always need them. E.g. user `companyName`.
   */
  advancedFilter?: FilterOp[];
  /** Operators accepted beyond `filter` only when filter support is "lenient" (observed, undocumented). */
  lenientFilter?: FilterOp[];
  /** $orderby: "basic" works without advanced query parameters, "advanced" needs them. */
  orderBy?: "basic" | "advanced";
  /** $search: "tokenized" (displayName, description) or "prefix" (other strings behave like startsWith). */
  search?: "tokenized" | "prefix";
  /** Only returned on a single entity, never on a list (selecting it on a list is a 501). */
  singleOnly?: boolean;
}

export interface ResourceSpec {
  /** OData entity type name without namespace, e.g. "user"; used in messages: microsoft.graph.user. */
  entityType: string;
  /** Name used in "...of resource 'User'" messages. */
  resourceName: string;
  /** Whether the directory advanced-query rules apply (users, groups, devices, directoryObjects). */
  directory: boolean;
  defaultPageSize: number;
  maxPageSize: number;
  /** Properties returned when no $select is given; undefined = all non-singleOnly properties. */
  defaultSelect?: string[];
  properties: Record<string, PropertySpec>;
  /** `$skip` is accepted (Intune); directory collections answer 400 to it. */
  supportsSkip?: boolean;
  /** Every item carries its `@odata.type` even in a plain collection (documented for GDAP resources). */
  annotatesItemType?: boolean;
  /** `or` is allowed only on properties listing it (Intune: enums only); elsewhere `or` is free. */
  orPerProperty?: boolean;
  /** Error code of an undocumented operator/property pair (directory: Request_UnsupportedQuery; Intune: BadRequest). */
  unsupportedFilterCode?: string;
  /** The service has no `/$count` segment on this collection (Intune): it answers 404. */
  noCountSegment?: boolean;
}

/** For collections mixing types (memberOf, members, owners, …): a spec per `@odata.type`. */
export interface MixedResourceSpec {
  kind: "mixed";
  /** Spec used to validate $filter/$orderby/$search, usually directoryObject's. */
  base: ResourceSpec;
  /** Specs by @odata.type, e.g. "#microsoft.graph.user", used for $select and default sets. */
  byType: Record<string, ResourceSpec>;
}

export interface CollectionQueryInput {
  spec: ResourceSpec | MixedResourceSpec;
  /** The collection's items, in the service's natural order (stable across pages). */
  items: readonly GraphObject[];
  /** The request URL as the client sent it (absolute; used to build @odata.nextLink). */
  requestUrl: URL;
  /** The ConsistencyLevel header of the request (for $batch items: of the item). */
  consistencyLevel?: string;
  /** Value for @odata.context, e.g. https://host/v1.0/$metadata#users. */
  contextUrl: string;
  /** Secret binding $skiptoken to the query, so a token cannot be reused for another query. */
  skiptokenSecret: string;
  /** True for `/{collection}/$count` segment requests: answer text/plain with the number. */
  countSegment?: boolean;
  /** How strictly $filter operators are checked; "documented" when absent. */
  filterSupport?: FilterSupport;
}

export type CollectionQueryResult =
  | { ok: true; status: 200; body: Record<string, unknown>; contentType: "application/json" }
  | { ok: true; status: 200; body: string; contentType: "text/plain" }
  | { ok: false; status: number; code: string; message: string };

export interface EntityQueryInput {
  spec: ResourceSpec;
  item: GraphObject;
  requestUrl: URL;
  contextUrl: string;
}

export type EntityQueryResult = { ok: true; status: 200; body: Record<string, unknown> } | { ok: false; status: number; code: string; message: string };
