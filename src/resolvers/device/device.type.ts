import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import type { GraphObject } from "../../loaders/queries";
import { enumValue } from "../shared/enums";
import { toDates } from "../shared/dates";
import { sameNames } from "../shared/selection";

/** How the device is joined to Entra ID. */
export enum TrustType {
  AZURE_AD = "AzureAd",
  SERVER_AD = "ServerAd",
  WORKPLACE = "Workplace",
}
registerEnumType(TrustType, {
  name: "TrustType",
  description: "AZURE_AD: Entra joined; SERVER_AD: hybrid joined (on-premises AD); WORKPLACE: registered (personal device).",
  valuesConfig: {
    AZURE_AD: { description: "Entra joined (Graph trustType AzureAd)." },
    SERVER_AD: { description: "Hybrid joined: joined to on-premises Active Directory and registered in Entra (ServerAd)." },
    WORKPLACE: { description: "Entra registered, typically a personal device (Workplace)." },
  },
});

@Directive('@key(fields: "tenantId id")')
@ObjectType({
  description:
    "An Entra ID device of a customer tenant (Microsoft Graph device). Scalar fields are Graph properties, read in the call that found the device and asked for only when selected ($select).",
})
export class Device {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "Directory object id in the customer tenant." })
  id!: string;

  @Field(() => String, { nullable: true, description: "Device Registration Service id; Intune's azureADDeviceId holds this value." })
  deviceId?: string | null;

  @Field(() => String, { nullable: true, description: "The device's name (Graph displayName)." })
  displayName?: string | null;

  @Field(() => Boolean, { nullable: true, description: "False when the device is disabled in Entra ID and cannot authenticate (Graph accountEnabled)." })
  accountEnabled?: boolean | null;

  @Field(() => String, { nullable: true, description: "Operating system, e.g. Windows or iOS (Graph operatingSystem)." })
  operatingSystem?: string | null;

  @Field(() => String, { nullable: true, description: "Operating system version, e.g. 10.0.22631.3447 (Graph operatingSystemVersion)." })
  operatingSystemVersion?: string | null;

  @Field(() => TrustType, { nullable: true, description: "How the device is joined to Entra ID (Graph trustType); null for values this API does not know." })
  trustType?: TrustType | null;

  @Field(() => Boolean, { nullable: true, description: "Compliant with the tenant's device policies (set by the MDM)." })
  isCompliant?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Managed by an MDM such as Intune." })
  isManaged?: boolean | null;

  @Field(() => Date, {
    nullable: true,
    description: "Last sign-in, approximate: Entra ID refreshes it only when it is about 14 days old (Graph approximateLastSignInDateTime).",
  })
  approximateLastSignInDateTime?: Date | null;

  @Field(() => Date, { nullable: true, description: "When the device was registered in Entra ID (Graph registrationDateTime)." })
  registrationDateTime?: Date | null;

  @Field(() => String, { nullable: true, description: "Device manufacturer (Graph manufacturer)." })
  manufacturer?: string | null;

  @Field(() => String, { nullable: true, description: "Device model (Graph model)." })
  model?: string | null;

  @Field(() => String, { nullable: true, description: "RegisteredDevice, SecureVM, Printer, Shared or IoT." })
  profileType?: string | null;

  @Field(() => String, { nullable: true, description: "Company or Personal." })
  deviceOwnership?: string | null;

  @Field(() => String, { nullable: true, description: "How the device was enrolled in its MDM, e.g. AzureDomainJoined (Graph enrollmentType)." })
  enrollmentType?: string | null;

  @Field(() => String, { nullable: true, description: "Who manages the device, e.g. MDM or EAS (Graph managementType)." })
  managementType?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Synchronised from on-premises Active Directory (Graph onPremisesSyncEnabled)." })
  onPremisesSyncEnabled?: boolean | null;

  @Field(() => Date, { nullable: true, description: "When it was last synchronised from on-premises (Graph onPremisesLastSyncDateTime)." })
  onPremisesLastSyncDateTime?: Date | null;
}

/** GraphQL field → Graph properties it needs; `managedDevice` is joined on deviceId. */
export const DEVICE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  ...sameNames([
    "deviceId",
    "displayName",
    "accountEnabled",
    "operatingSystem",
    "operatingSystemVersion",
    "trustType",
    "isCompliant",
    "isManaged",
    "approximateLastSignInDateTime",
    "registrationDateTime",
    "manufacturer",
    "model",
    "profileType",
    "deviceOwnership",
    "enrollmentType",
    "managementType",
    "onPremisesSyncEnabled",
    "onPremisesLastSyncDateTime",
  ]),
  managedDevice: ["deviceId"],
};

const DEVICE_DATES = ["approximateLastSignInDateTime", "registrationDateTime", "onPremisesLastSyncDateTime"];
const TRUST_TYPES = Object.values(TrustType);

export function toDevice(tenantId: string, o: GraphObject): Device {
  const d = Object.assign(new Device(), toDates({ ...o }, DEVICE_DATES)) as Device & Record<string, unknown>;
  d.tenantId = tenantId;
  d.id = o.id;
  if ("trustType" in o) d.trustType = enumValue(TRUST_TYPES, o.trustType);
  return d;
}
