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
registerEnumType(ComplianceState, {
  name: "ComplianceState",
  description: "Intune compliance state of a managed device.",
  valuesConfig: {
    UNKNOWN: { description: "Not known (also any state Intune adds later)." },
    COMPLIANT: { description: "Meets every compliance policy assigned to it." },
    NONCOMPLIANT: { description: "Fails at least one compliance policy." },
    CONFLICT: { description: "Policies assigned to it conflict." },
    ERROR: { description: "Evaluating compliance failed." },
    IN_GRACE_PERIOD: { description: "Noncompliant, but still within the policy's grace period." },
    CONFIG_MANAGER: { description: "Compliance is managed by Configuration Manager (co-management)." },
  },
});

export enum ManagedDeviceOwnerType {
  UNKNOWN = "unknown",
  COMPANY = "company",
  PERSONAL = "personal",
}
registerEnumType(ManagedDeviceOwnerType, {
  name: "ManagedDeviceOwnerType",
  description: "Who owns an Intune managed device (Intune managedDeviceOwnerType).",
  valuesConfig: {
    UNKNOWN: { description: "Not known (also any value Intune adds later)." },
    COMPANY: { description: "Corporate-owned." },
    PERSONAL: { description: "Personally owned (bring your own device)." },
  },
});

/** Intune's "no Entra device" value of azureADDeviceId (devices enrolled without registration). */
export const NO_DEVICE_ID = "00000000-0000-0000-0000-000000000000";

@Directive('@key(fields: "tenantId id")')
@ObjectType({
  description:
    "A device managed by Intune in a customer tenant (Microsoft Graph managedDevice). Scalar fields are Intune properties, read in the call that found the device and asked for only when selected ($select).",
})
export class ManagedDevice {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "Intune id of the device." })
  id!: string;

  @Field(() => String, { nullable: true, description: "Name of the device (Intune deviceName)." })
  deviceName?: string | null;

  @Field(() => String, { nullable: true, description: "Name Intune gives the device, e.g. user_Windows_1/2/2026 (Intune managedDeviceName)." })
  managedDeviceName?: string | null;

  @Field(() => ComplianceState, { nullable: true, description: "Compliance with the tenant's Intune policies; UNKNOWN for values this API does not know." })
  complianceState?: ComplianceState | null;

  @Field(() => ManagedDeviceOwnerType, {
    nullable: true,
    description: "Corporate or personal ownership (Intune managedDeviceOwnerType); UNKNOWN for values this API does not know.",
  })
  managedDeviceOwnerType?: ManagedDeviceOwnerType | null;

  @Field(() => String, { nullable: true, description: "Operating system, e.g. Windows, iOS, Android (Intune operatingSystem)." })
  operatingSystem?: string | null;

  @Field(() => String, { nullable: true, description: "Operating system version (Intune osVersion)." })
  osVersion?: string | null;

  @Field(() => Date, { nullable: true, description: "When the device enrolled in Intune (Intune enrolledDateTime)." })
  enrolledDateTime?: Date | null;

  @Field(() => Date, { nullable: true, description: "Last successful check-in with Intune (Intune lastSyncDateTime)." })
  lastSyncDateTime?: Date | null;

  @Field(() => String, { nullable: true, description: "True, False or Unknown, as Intune reports it." })
  jailBroken?: string | null;

  @Field(() => String, { nullable: true, description: "What manages the device, e.g. mdm, eas, configurationManagerClientMdm (Intune managementAgent)." })
  managementAgent?: string | null;

  @Field(() => String, { nullable: true, description: "How it was enrolled, e.g. windowsAzureADJoin, userEnrollment (Intune deviceEnrollmentType)." })
  deviceEnrollmentType?: string | null;

  @Field(() => String, { nullable: true, description: "Registration state, e.g. registered, notRegistered (Intune deviceRegistrationState)." })
  deviceRegistrationState?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the device is registered in Entra ID (Intune azureADRegistered)." })
  azureADRegistered?: boolean | null;

  @Field(() => String, { nullable: true, description: "The Entra device's deviceId (not its object id); null when not registered in Entra." })
  azureADDeviceId?: string | null;

  @Field(() => String, { nullable: true, description: "Object id of the primary user." })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: "Sign-in name of the primary user (Intune userPrincipalName)." })
  userPrincipalName?: string | null;

  @Field(() => String, { nullable: true, description: "Display name of the primary user (Intune userDisplayName)." })
  userDisplayName?: string | null;

  @Field(() => String, { nullable: true, description: "Email address of the primary user (Intune emailAddress)." })
  emailAddress?: string | null;

  @Field(() => String, { nullable: true, description: "Device manufacturer (Intune manufacturer)." })
  manufacturer?: string | null;

  @Field(() => String, { nullable: true, description: "Device model (Intune model)." })
  model?: string | null;

  @Field(() => String, { nullable: true, description: "Hardware serial number (Intune serialNumber)." })
  serialNumber?: string | null;

  @Field(() => String, { nullable: true, description: "IMEI of a mobile device (Intune imei)." })
  imei?: string | null;

  @Field(() => String, { nullable: true, description: "Phone number of a mobile device (Intune phoneNumber)." })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: "Wi-Fi MAC address (Intune wiFiMacAddress)." })
  wiFiMacAddress?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Storage is encrypted (Intune isEncrypted)." })
  isEncrypted?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "An Apple device in supervised mode (Intune isSupervised)." })
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
