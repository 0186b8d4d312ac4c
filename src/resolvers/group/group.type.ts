import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import type { GraphObject } from "../../loaders/queries";
import { toDates } from "../shared/dates";
import { sameNames } from "../shared/selection";

/** What kind of group this is, as admin centres show it (derived from groupTypes, mailEnabled, securityEnabled). */
export enum GroupKind {
  MICROSOFT_365 = "MICROSOFT_365",
  SECURITY = "SECURITY",
  MAIL_ENABLED_SECURITY = "MAIL_ENABLED_SECURITY",
  DISTRIBUTION = "DISTRIBUTION",
}
registerEnumType(GroupKind, { name: "GroupKind", description: "Microsoft 365, security, mail-enabled security or distribution group." });

@Directive('@key(fields: "tenantId id")')
@ObjectType({ description: "A group of a customer tenant (Microsoft Graph group)." })
export class Group {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "Object id in the customer tenant." })
  id!: string;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => GroupKind, { nullable: true, description: "Derived from groupTypes, mailEnabled and securityEnabled." })
  kind?: GroupKind | null;

  @Field(() => Boolean, { nullable: true, description: "Membership is computed from a rule (groupTypes has DynamicMembership)." })
  isDynamic?: boolean | null;

  @Field(() => [String], { nullable: true, description: "Graph's groupTypes: Unified, DynamicMembership." })
  groupTypes?: string[] | null;

  @Field(() => String, { nullable: true })
  mail?: string | null;

  @Field(() => String, { nullable: true })
  mailNickname?: string | null;

  @Field(() => Boolean, { nullable: true })
  mailEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  securityEnabled?: boolean | null;

  @Field(() => String, { nullable: true, description: "Rule of a dynamic group." })
  membershipRule?: string | null;

  @Field(() => String, { nullable: true, description: "On or Paused." })
  membershipRuleProcessingState?: string | null;

  @Field(() => String, { nullable: true, description: "Private, Public or Hiddenmembership." })
  visibility?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Can be assigned Entra roles." })
  isAssignableToRole?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "The group has a Team (resourceProvisioningOptions has Team)." })
  isTeam?: boolean | null;

  @Field(() => String, { nullable: true })
  classification?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Synchronised from on-premises Active Directory." })
  onPremisesSyncEnabled?: boolean | null;

  @Field(() => Date, { nullable: true })
  createdDateTime?: Date | null;

  @Field(() => Date, { nullable: true })
  renewedDateTime?: Date | null;

  @Field(() => Date, { nullable: true, description: "When a Microsoft 365 group expires under an expiration policy." })
  expirationDateTime?: Date | null;
}

/** GraphQL field → Graph properties it needs ($select is built from it). */
export const GROUP_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  ...sameNames([
    "displayName",
    "description",
    "groupTypes",
    "mail",
    "mailNickname",
    "mailEnabled",
    "securityEnabled",
    "membershipRule",
    "membershipRuleProcessingState",
    "visibility",
    "isAssignableToRole",
    "classification",
    "onPremisesSyncEnabled",
    "createdDateTime",
    "renewedDateTime",
    "expirationDateTime",
  ]),
  kind: ["groupTypes", "mailEnabled", "securityEnabled"],
  isDynamic: ["groupTypes"],
  isTeam: ["resourceProvisioningOptions"],
};

const GROUP_DATES = ["createdDateTime", "renewedDateTime", "expirationDateTime"];

export function toGroup(tenantId: string, o: GraphObject): Group {
  const g = Object.assign(new Group(), toDates({ ...o }, GROUP_DATES)) as Group & Record<string, unknown>;
  g.tenantId = tenantId;
  g.id = o.id;
  const types = Array.isArray(o.groupTypes) ? (o.groupTypes as string[]) : undefined;
  g.kind = groupKind(types, o.mailEnabled, o.securityEnabled);
  g.isDynamic = types ? types.includes("DynamicMembership") : null;
  g.isTeam = Array.isArray(o.resourceProvisioningOptions) ? (o.resourceProvisioningOptions as string[]).includes("Team") : null;
  return g;
}

function groupKind(types: string[] | undefined, mailEnabled: unknown, securityEnabled: unknown): GroupKind | null {
  if (!types || typeof mailEnabled !== "boolean" || typeof securityEnabled !== "boolean") return null;
  if (types.includes("Unified")) return GroupKind.MICROSOFT_365;
  if (securityEnabled) return mailEnabled ? GroupKind.MAIL_ENABLED_SECURITY : GroupKind.SECURITY;
  return mailEnabled ? GroupKind.DISTRIBUTION : null;
}
