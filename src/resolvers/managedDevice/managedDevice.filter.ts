import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { badInput } from "../../errors";
import { FilterBuilder, orderClause, type CompiledQuery } from "../../graph/filters/odataFilter";
import { PageArgs } from "../shared/connection";
import { SortDirection } from "../shared/ordering";
import { ComplianceState, ManagedDeviceOwnerType } from "./managedDevice.type";

/** Why the lastSync range is refused: Microsoft Graph would answer 400 under the documented reading. */
const NO_RANGE_FILTER = "Intune documents no range filter on lastSyncDateTime (only eq, and or between enum values). Order by LAST_SYNC_DATE_TIME instead";

@InputType({ description: "Conditions on Intune managed devices; all given conditions must hold." })
export class ManagedDeviceFilter {
  @Field(() => [ComplianceState], { nullable: true, description: "Any of these states." })
  complianceState?: ComplianceState[] | null;

  @Field(() => String, { nullable: true, description: "Windows, iOS, Android, macOS…" })
  operatingSystem?: string | null;

  @Field(() => ManagedDeviceOwnerType, { nullable: true })
  ownerType?: ManagedDeviceOwnerType | null;

  @Field(() => Date, { nullable: true, description: "Last check-in with Intune at or after.", deprecationReason: `${NO_RANGE_FILTER}; answered BAD_USER_INPUT.` })
  lastSyncAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: "Last check-in with Intune at or before (stale devices).", deprecationReason: `${NO_RANGE_FILTER}; answered BAD_USER_INPUT.` })
  lastSyncBefore?: Date | null;

  @Field(() => String, { nullable: true, description: "Part of the device name (Intune documents `contains` on deviceName)." })
  deviceNameContains?: string | null;

  @Field(() => String, { nullable: true })
  userPrincipalName?: string | null;
}

export enum ManagedDeviceOrderField {
  DEVICE_NAME = "deviceName",
  LAST_SYNC_DATE_TIME = "lastSyncDateTime",
  ENROLLED_DATE_TIME = "enrolledDateTime",
  USER_PRINCIPAL_NAME = "userPrincipalName",
  COMPLIANCE_STATE = "complianceState",
}
registerEnumType(ManagedDeviceOrderField, { name: "ManagedDeviceOrderField" });

@InputType()
export class ManagedDeviceOrder {
  @Field(() => ManagedDeviceOrderField)
  field!: ManagedDeviceOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction!: SortDirection;
}

@ArgsType()
export class ManagedDeviceListArgs extends PageArgs {
  @Field(() => ManagedDeviceFilter, { nullable: true })
  filter?: ManagedDeviceFilter | null;

  @Field(() => ManagedDeviceOrder, { nullable: true })
  orderBy?: ManagedDeviceOrder | null;
}

/**
 * Compiles the typed arguments into OData. Intune is not the directory: it has no advanced-query
 * rule, so nothing here asks for `ConsistencyLevel`. Its `$filter` support is documented sparsely
 * (graph-facts §4): `eq`, `or` between enum values, `contains` on deviceName — so several compliance
 * states are `eq … or eq …`, never `in`, and there is no range on lastSyncDateTime.
 */
export function compileManagedDeviceQuery(args: { filter?: ManagedDeviceFilter | null; orderBy?: ManagedDeviceOrder | null }): CompiledQuery {
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
  const orderBy = args.orderBy ? orderClause(args.orderBy.field, args.orderBy.direction === SortDirection.DESC) : undefined;
  return { filter: f.build(), orderBy, advanced: false };
}
