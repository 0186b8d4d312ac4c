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
});

@Directive('@key(fields: "tenantId id")')
@ObjectType({ description: "An Entra ID device of a customer tenant (Microsoft Graph device)." })
export class Device {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "Directory object id in the customer tenant." })
  id!: string;

  @Field(() => String, { nullable: true, description: "Device Registration Service id; Intune's azureADDeviceId holds this value." })
  deviceId?: string | null;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => Boolean, { nullable: true })
  accountEnabled?: boolean | null;

  @Field(() => String, { nullable: true })
  operatingSystem?: string | null;

  @Field(() => String, { nullable: true })
  operatingSystemVersion?: string | null;

  @Field(() => TrustType, { nullable: true })
  trustType?: TrustType | null;

  @Field(() => Boolean, { nullable: true, description: "Compliant with the tenant's device policies (set by the MDM)." })
  isCompliant?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Managed by an MDM such as Intune." })
  isManaged?: boolean | null;

  @Field(() => Date, { nullable: true })
  approximateLastSignInDateTime?: Date | null;

  @Field(() => Date, { nullable: true })
  registrationDateTime?: Date | null;

  @Field(() => String, { nullable: true })
  manufacturer?: string | null;

  @Field(() => String, { nullable: true })
  model?: string | null;

  @Field(() => String, { nullable: true, description: "RegisteredDevice, SecureVM, Printer, Shared or IoT." })
  profileType?: string | null;

  @Field(() => String, { nullable: true, description: "Company or Personal." })
  deviceOwnership?: string | null;

  @Field(() => String, { nullable: true })
  enrollmentType?: string | null;

  @Field(() => String, { nullable: true })
  managementType?: string | null;

  @Field(() => Boolean, { nullable: true })
  onPremisesSyncEnabled?: boolean | null;

  @Field(() => Date, { nullable: true })
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
