import type { CompiledQuery } from "./filters/odataFilter";

/**
 * The port through which the loaders read Microsoft Graph: everything they see of it. Sources and
 * objects are typed, never paths; the adapter (graphTenant.ts) owns URLs, OData, `$count` and
 * `ConsistencyLevel`, skiptokens, `$batch` and the translation of failures.
 */
export type GraphObject = Record<string, unknown> & { id: string };

/** The collections of a tenant whose objects are read by id. */
export type Collection = "users" | "groups" | "devices" | "managedDevices";

export type UserLink = "memberOf" | "transitiveMemberOf" | "registeredDevices" | "ownedDevices" | "managedDevices";
export type GroupLink = "members" | "owners";
export type DeviceLink = "registeredOwners";

/** A list Graph pages: a tenant's collection, one object's navigation, or a partner tenant's list. */
export type ListSource =
  | { kind: Collection | "organization" }
  | { kind: "userLinks"; userId: string; link: UserLink }
  | { kind: "groupLinks"; groupId: string; link: GroupLink }
  | { kind: "deviceLinks"; deviceId: string; link: DeviceLink }
  | { kind: "contracts" | "delegatedAdminCustomers" | "delegatedAdminRelationships" };

/** One object: by id in a collection, or a single-valued navigation (a user's manager). */
export type ObjectRef = { kind: Collection; id: string } | { kind: "manager"; userId: string };

/** What to list: the properties, and the compiled conditions (src/graph/filters) or one property's value. */
export interface ListQuery extends Partial<CompiledQuery> {
  select: readonly string[];
  /** Items whose `property` equals `value` (an alternate key, e.g. a device's deviceId). */
  equals?: { property: string; value: string };
}

/** Which page: its size, whether Graph should count the list with it, and the page's skiptoken (absent: the first page). */
export interface PagePosition {
  top?: number;
  count?: boolean;
  skiptoken?: string;
}

export interface ListPage {
  items: GraphObject[];
  /** The next page's skiptoken; absent on the last page. */
  skiptoken?: string;
  /** Graph's count of the whole list, when asked for (first pages only). */
  count?: number;
}

export interface TenantGraph {
  readonly tenantId: string;
  /** One object with these properties; null when Graph answers 404 (no such object, a user without manager). */
  get(ref: ObjectRef, select: readonly string[]): Promise<GraphObject | null>;
  list(source: ListSource, query: ListQuery, position: PagePosition): Promise<ListPage>;
  /** The number of items matching the conditions (the select does not matter). */
  count(source: ListSource, query: Partial<CompiledQuery>): Promise<number | null>;
  /** Objects by id through `directoryObjects/getByIds` (Graph's default properties only); absent ids are left out. */
  getByIds(ids: readonly string[], type: "user" | "group"): Promise<GraphObject[]>;
}
