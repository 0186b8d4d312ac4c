import { directoryQuery, FilterBuilder, orderClause, searchClause, type CompiledQuery, type SortOrder } from "./odataFilter";

/** The typed conditions on Entra devices a client may send (the schema's DeviceFilter). */
export interface DeviceConditions {
  operatingSystem?: string | null;
  operatingSystemVersionStartsWith?: string | null;
  trustType?: "AzureAd" | "ServerAd" | "Workplace" | null;
  isCompliant?: boolean | null;
  isManaged?: boolean | null;
  accountEnabled?: boolean | null;
  displayNameStartsWith?: string | null;
  profileType?: string | null;
  lastSignInAfter?: Date | null;
  lastSignInBefore?: Date | null;
}

export interface DeviceQuery {
  filter?: DeviceConditions | null;
  search?: string | null;
  orderBy?: SortOrder<string> | null;
}

/** Compiles the typed arguments into OData; every device sort is an advanced query (aad-advanced-queries, sorting table). */
export function compileDeviceQuery(args: DeviceQuery): CompiledQuery {
  const f = new FilterBuilder();
  const d = args.filter ?? {};
  if (d.operatingSystem !== undefined && d.operatingSystem !== null) f.eq("operatingSystem", d.operatingSystem);
  f.startsWith("operatingSystemVersion", d.operatingSystemVersionStartsWith, "filter.operatingSystemVersionStartsWith");
  if (d.trustType) f.eq("trustType", d.trustType);
  if (d.isCompliant !== undefined && d.isCompliant !== null) f.eq("isCompliant", d.isCompliant);
  if (d.isManaged !== undefined && d.isManaged !== null) f.eq("isManaged", d.isManaged);
  if (d.accountEnabled !== undefined && d.accountEnabled !== null) f.eq("accountEnabled", d.accountEnabled);
  f.startsWith("displayName", d.displayNameStartsWith, "filter.displayNameStartsWith");
  if (d.profileType !== undefined && d.profileType !== null) f.eq("profileType", d.profileType);
  f.range("approximateLastSignInDateTime", d.lastSignInAfter, d.lastSignInBefore);
  const order = args.orderBy ? { clause: orderClause(args.orderBy.field, args.orderBy.direction === "DESC"), advanced: true } : undefined;
  return directoryQuery({ filter: f, search: searchClause(args.search, ["displayName"]), orderBy: order });
}
