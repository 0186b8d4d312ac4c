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

  @Field(() => ManagedDeviceOwnerType, { nullable: true, description: "Corporate or personal devices (Intune managedDeviceOwnerType)." })
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

  @Field(() => String, { nullable: true, description: "Devices whose primary user has this sign-in name (eq)." })
  userPrincipalName?: string | null;
}

export enum ManagedDeviceOrderField {
  DEVICE_NAME = "deviceName",
  LAST_SYNC_DATE_TIME = "lastSyncDateTime",
  ENROLLED_DATE_TIME = "enrolledDateTime",
  USER_PRINCIPAL_NAME = "userPrincipalName",
  COMPLIANCE_STATE = "complianceState",
}
registerEnumType(ManagedDeviceOrderField, {
  name: "ManagedDeviceOrderField",
  description: "An Intune managed-device property to sort by.",
  valuesConfig: {
    DEVICE_NAME: { description: "By deviceName." },
    LAST_SYNC_DATE_TIME: { description: "By lastSyncDateTime (stale devices first in ASC)." },
    ENROLLED_DATE_TIME: { description: "By enrolledDateTime." },
    USER_PRINCIPAL_NAME: { description: "By the primary user's userPrincipalName." },
    COMPLIANCE_STATE: { description: "By complianceState." },
  },
});

@InputType({ description: "How to sort Intune managed devices ($orderby)." })
export class ManagedDeviceOrder {
  @Field(() => ManagedDeviceOrderField, { description: "The property to sort by." })
  field!: ManagedDeviceOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: "Ascending (default) or descending." })
  direction!: SortDirection;
}

@ArgsType()
export class ManagedDeviceListArgs extends PageArgs {
  @Field(() => ManagedDeviceFilter, {
    nullable: true,
    description: "Conditions on the devices, sent as Intune $filter (only what Intune documents); invalid values are BAD_USER_INPUT naming the field.",
  })
  filter?: ManagedDeviceFilter | null;

  @Field(() => ManagedDeviceOrder, { nullable: true, description: "Sort order ($orderby); without it, Intune's order." })
  orderBy?: ManagedDeviceOrder | null;
}
