import { badInput } from "../../errors";
import { FilterBuilder, orderClause, type CompiledQuery, type SortOrder } from "./odataFilter";

/** Why the lastSync range is refused: Microsoft Graph would answer 400 under the documented reading. */
export const NO_RANGE_FILTER =
  "Intune documents no range filter on lastSyncDateTime (only eq, and or between enum values). Order by LAST_SYNC_DATE_TIME instead";

/** The typed conditions on Intune managed devices a client may send (the schema's ManagedDeviceFilter). */
export interface ManagedDeviceConditions {
  complianceState?: string[] | null;
  operatingSystem?: string | null;
  ownerType?: string | null;
  lastSyncAfter?: Date | null;
  lastSyncBefore?: Date | null;
  deviceNameContains?: string | null;
  userPrincipalName?: string | null;
}

export interface ManagedDeviceQuery {
  filter?: ManagedDeviceConditions | null;
  orderBy?: SortOrder<string> | null;
}

/**
 * Compiles the typed arguments into OData. Intune is not the directory: it has no advanced-query
 * rule, so nothing here asks for `ConsistencyLevel`. Its `$filter` support is documented sparsely
 * (docs/graph-facts.md §4): `eq`, `or` between enum values, `contains` on deviceName — so several compliance
 * states are `eq … or eq …`, never `in`, and there is no range on lastSyncDateTime.
 */
export function compileManagedDeviceQuery(args: ManagedDeviceQuery): CompiledQuery {
  const f = new FilterBuilder();
  const m = args.filter ?? {};
  f.eqAny("complianceState", m.complianceState, "filter.complianceState");
  if (m.operatingSystem !== undefined && m.operatingSystem !== null) f.eq("operatingSystem", m.operatingSystem);
  if (m.ownerType) f.eq("managedDeviceOwnerType", m.ownerType);
  for (const argument of ["lastSyncAfter", "lastSyncBefore"] as const) {
    if (m[argument]) throw badInput(`'filter.${argument}' is not supported: ${NO_RANGE_FILTER}.`, { argument: `filter.${argument}` });
  }
  f.contains("deviceName", m.deviceNameContains, "filter.deviceNameContains");
  if (m.userPrincipalName !== undefined && m.userPrincipalName !== null) f.eq("userPrincipalName", m.userPrincipalName);
  const orderBy = args.orderBy ? orderClause(args.orderBy.field, args.orderBy.direction === "DESC") : undefined;
  return { filter: f.build(), orderBy, advanced: false };
}
