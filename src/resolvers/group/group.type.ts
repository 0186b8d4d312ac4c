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
registerEnumType(GroupKind, {
  name: "GroupKind",
  description: "Microsoft 365, security, mail-enabled security or distribution group.",
  valuesConfig: {
    MICROSOFT_365: { description: "A Microsoft 365 group (groupTypes has Unified): mailbox, calendar, files, maybe a Team." },
    SECURITY: { description: "A security group: securityEnabled, not mail-enabled." },
    MAIL_ENABLED_SECURITY: { description: "A security group that also receives mail." },
    DISTRIBUTION: { description: "A distribution list: mail-enabled, not security-enabled, not Unified." },
  },
});

@Directive('@key(fields: "tenantId id")')
@ObjectType({
  description:
    "A group of a customer tenant (Microsoft Graph group). Scalar fields are Graph properties, read in the call that found the group and asked for only when selected ($select).",
})
export class Group {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "Object id in the customer tenant." })
  id!: string;

  @Field(() => String, { nullable: true, description: "The group's name (Graph displayName)." })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: "Free-text description of the group (Graph description)." })
  description?: string | null;

  @Field(() => GroupKind, { nullable: true, description: "Derived from groupTypes, mailEnabled and securityEnabled." })
  kind?: GroupKind | null;

  @Field(() => Boolean, { nullable: true, description: "Membership is computed from a rule (groupTypes has DynamicMembership)." })
  isDynamic?: boolean | null;

  @Field(() => [String], { nullable: true, description: "Graph's groupTypes: Unified, DynamicMembership." })
  groupTypes?: string[] | null;

  @Field(() => String, { nullable: true, description: "SMTP address of a mail-enabled group (Graph mail)." })
  mail?: string | null;

  @Field(() => String, { nullable: true, description: "Mail alias, unique in the tenant (Graph mailNickname)." })
  mailNickname?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the group receives mail (Graph mailEnabled)." })
  mailEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the group is a security group, usable in access control (Graph securityEnabled)." })
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

  @Field(() => String, { nullable: true, description: "Classification label, e.g. low or high business impact (Graph classification)." })
  classification?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Synchronised from on-premises Active Directory." })
  onPremisesSyncEnabled?: boolean | null;

  @Field(() => Date, { nullable: true, description: "When the group was created (Graph createdDateTime)." })
  createdDateTime?: Date | null;

  @Field(() => Date, { nullable: true, description: "When a Microsoft 365 group was last renewed under an expiration policy (Graph renewedDateTime)." })
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
