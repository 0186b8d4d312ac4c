import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { NO_RANGE_FILTER } from "../../loaders/queries";
import { PageArgs } from "../shared/connection";
import { SortDirection } from "../shared/ordering";
import { ComplianceState, ManagedDeviceOwnerType } from "./managedDevice.type";

@InputType({ description: "Conditions on Intune managed devices; all given conditions must hold." })
export class ManagedDeviceFilter {
  @Field(() => [ComplianceState], { nullable: true, description: "Any of these states." })
  complianceState?: ComplianceState[] | null;

  @Field(() => String, { nullable: true, description: "Windows, iOS, Android, macOS…" })
  operatingSystem?: string | null;

  @Field(() => ManagedDeviceOwnerType, { nullable: true })
  ownerType?: ManagedDeviceOwnerType | null;

  @Field(() => Date, {
    nullable: true,
    description: "Last check-in with Intune at or after.",
    deprecationReason: `${NO_RANGE_FILTER}; answered BAD_USER_INPUT.`,
  })
  lastSyncAfter?: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: "Last check-in with Intune at or before (stale devices).",
    deprecationReason: `${NO_RANGE_FILTER}; answered BAD_USER_INPUT.`,
  })
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
