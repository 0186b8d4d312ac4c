import { Directive, Field, Float, ID, ObjectType, registerEnumType } from "type-graphql";
import type { GraphObject } from "../../loaders/queries";
import { enumValue } from "../shared/enums";
import { toDates } from "../shared/dates";
import { sameNames } from "../shared/selection";

export enum ComplianceState {
  UNKNOWN = "unknown",
  COMPLIANT = "compliant",
  NONCOMPLIANT = "noncompliant",
  CONFLICT = "conflict",
  ERROR = "error",
  IN_GRACE_PERIOD = "inGracePeriod",
  CONFIG_MANAGER = "configManager",
}
registerEnumType(ComplianceState, { name: "ComplianceState", description: "Intune compliance state of a managed device." });

export enum ManagedDeviceOwnerType {
  UNKNOWN = "unknown",
  COMPANY = "company",
  PERSONAL = "personal",
}
registerEnumType(ManagedDeviceOwnerType, { name: "ManagedDeviceOwnerType" });

/** Intune's "no Entra device" value of azureADDeviceId (devices enrolled without registration). */
export const NO_DEVICE_ID = "00000000-0000-0000-0000-000000000000";

@Directive('@key(fields: "tenantId id")')
@ObjectType({ description: "A device managed by Intune in a customer tenant (Microsoft Graph managedDevice)." })
export class ManagedDevice {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "Intune id of the device." })
  id!: string;

  @Field(() => String, { nullable: true })
  deviceName?: string | null;

  @Field(() => String, { nullable: true })
  managedDeviceName?: string | null;

  @Field(() => ComplianceState, { nullable: true })
  complianceState?: ComplianceState | null;

  @Field(() => ManagedDeviceOwnerType, { nullable: true })
  managedDeviceOwnerType?: ManagedDeviceOwnerType | null;

  @Field(() => String, { nullable: true })
  operatingSystem?: string | null;

  @Field(() => String, { nullable: true })
  osVersion?: string | null;

  @Field(() => Date, { nullable: true })
  enrolledDateTime?: Date | null;

  @Field(() => Date, { nullable: true })
  lastSyncDateTime?: Date | null;

  @Field(() => String, { nullable: true, description: "True, False or Unknown, as Intune reports it." })
  jailBroken?: string | null;

  @Field(() => String, { nullable: true })
  managementAgent?: string | null;

  @Field(() => String, { nullable: true })
  deviceEnrollmentType?: string | null;

  @Field(() => String, { nullable: true })
  deviceRegistrationState?: string | null;

  @Field(() => Boolean, { nullable: true })
  azureADRegistered?: boolean | null;

  @Field(() => String, { nullable: true, description: "The Entra device's deviceId (not its object id); null when not registered in Entra." })
  azureADDeviceId?: string | null;

  @Field(() => String, { nullable: true, description: "Object id of the primary user." })
  userId?: string | null;

  @Field(() => String, { nullable: true })
  userPrincipalName?: string | null;

  @Field(() => String, { nullable: true })
  userDisplayName?: string | null;

  @Field(() => String, { nullable: true })
  emailAddress?: string | null;

  @Field(() => String, { nullable: true })
  manufacturer?: string | null;

  @Field(() => String, { nullable: true })
  model?: string | null;

  @Field(() => String, { nullable: true })
  serialNumber?: string | null;

  @Field(() => String, { nullable: true })
  imei?: string | null;

  @Field(() => String, { nullable: true })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true })
  wiFiMacAddress?: string | null;

  @Field(() => Boolean, { nullable: true })
  isEncrypted?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  isSupervised?: boolean | null;

  @Field(() => Float, { nullable: true, description: "Bytes (Int64 in Graph, beyond GraphQL's Int)." })
  totalStorageSpaceInBytes?: number | null;

  @Field(() => Float, { nullable: true, description: "Bytes." })
  freeStorageSpaceInBytes?: number | null;
}

/** GraphQL field → Graph properties it needs; `device` is joined on azureADDeviceId, `user` on userId. */
export const MANAGED_DEVICE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  ...sameNames([
    "deviceName",
    "managedDeviceName",
    "complianceState",
    "managedDeviceOwnerType",
    "operatingSystem",
    "osVersion",
    "enrolledDateTime",
    "lastSyncDateTime",
    "jailBroken",
    "managementAgent",
    "deviceEnrollmentType",
    "deviceRegistrationState",
    "azureADRegistered",
    "azureADDeviceId",
    "userId",
    "userPrincipalName",
    "userDisplayName",
    "emailAddress",
    "manufacturer",
    "model",
    "serialNumber",
    "imei",
    "phoneNumber",
    "wiFiMacAddress",
    "isEncrypted",
    "isSupervised",
    "totalStorageSpaceInBytes",
    "freeStorageSpaceInBytes",
  ]),
  device: ["azureADDeviceId"],
  user: ["userId"],
};

const MANAGED_DEVICE_DATES = ["enrolledDateTime", "lastSyncDateTime"];
const COMPLIANCE = Object.values(ComplianceState);
const OWNER = Object.values(ManagedDeviceOwnerType);

export function toManagedDevice(tenantId: string, o: GraphObject): ManagedDevice {
  const m = Object.assign(new ManagedDevice(), toDates({ ...o }, MANAGED_DEVICE_DATES)) as ManagedDevice & Record<string, unknown>;
  m.tenantId = tenantId;
  m.id = o.id;
  if ("complianceState" in o) m.complianceState = enumValue(COMPLIANCE, o.complianceState, ComplianceState.UNKNOWN);
  if ("managedDeviceOwnerType" in o) m.managedDeviceOwnerType = enumValue(OWNER, o.managedDeviceOwnerType, ManagedDeviceOwnerType.UNKNOWN);
  // Intune writes an all-zero GUID (or nothing) when the device has no Entra registration.
  if ("azureADDeviceId" in o && (!o.azureADDeviceId || o.azureADDeviceId === NO_DEVICE_ID)) m.azureADDeviceId = null;
  return m;
}
