import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { directoryQuery, FilterBuilder, orderClause, searchClause, type CompiledQuery } from "../../graph/filters/odataFilter";
import { PageArgs } from "../shared/connection";
import { SortDirection } from "../shared/ordering";
import { GroupKind } from "./group.type";

@InputType({ description: "Conditions on groups; all given conditions must hold." })
export class GroupFilter {
  @Field(() => GroupKind, { nullable: true })
  kind?: GroupKind | null;

  @Field(() => Boolean, { nullable: true, description: "Dynamic (rule-based) membership or assigned." })
  dynamic?: boolean | null;

  @Field(() => String, { nullable: true })
  displayNameStartsWith?: string | null;

  @Field(() => String, { nullable: true })
  mailStartsWith?: string | null;

  @Field(() => Boolean, { nullable: true })
  mailEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  securityEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Groups that can be assigned Entra roles." })
  isAssignableToRole?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Synchronised from on-premises Active Directory, or cloud-only." })
  onPremisesSynced?: boolean | null;

  @Field(() => Date, { nullable: true })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true })
  createdBefore?: Date | null;
}

export enum GroupOrderField {
  DISPLAY_NAME = "displayName",
  CREATED_DATE_TIME = "createdDateTime",
}
registerEnumType(GroupOrderField, { name: "GroupOrderField" });

@InputType()
export class GroupOrder {
  @Field(() => GroupOrderField)
  field!: GroupOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction!: SortDirection;
}

@ArgsType()
export class GroupListArgs extends PageArgs {
  @Field(() => GroupFilter, { nullable: true })
  filter?: GroupFilter | null;

  @Field(() => String, { nullable: true, description: "Words to find in the display name or description (tokenised), or a mail prefix." })
  search?: string | null;

  @Field(() => GroupOrder, { nullable: true })
  orderBy?: GroupOrder | null;
}

/** Compiles the typed arguments into OData; only displayName sorts without advanced queries. */
export function compileGroupQuery(args: { filter?: GroupFilter | null; search?: string | null; orderBy?: GroupOrder | null }): CompiledQuery {
  const f = new FilterBuilder();
  const g = args.filter ?? {};
  switch (g.kind ?? undefined) {
    case GroupKind.MICROSOFT_365:
      f.any("groupTypes", "Unified");
      break;
    case GroupKind.SECURITY:
      f.eq("securityEnabled", true).eq("mailEnabled", false);
      break;
    case GroupKind.MAIL_ENABLED_SECURITY:
      f.eq("securityEnabled", true).eq("mailEnabled", true);
      break;
    case GroupKind.DISTRIBUTION:
      // Microsoft 365 groups are mail-enabled and not security-enabled too: exclude them explicitly.
      f.eq("mailEnabled", true).eq("securityEnabled", false).any("groupTypes", "Unified", true);
      break;
  }
  if (g.dynamic === true) f.any("groupTypes", "DynamicMembership");
  if (g.dynamic === false) f.any("groupTypes", "DynamicMembership", true);
  f.startsWith("displayName", g.displayNameStartsWith, "filter.displayNameStartsWith");
  f.startsWith("mail", g.mailStartsWith, "filter.mailStartsWith");
  if (g.mailEnabled !== undefined && g.mailEnabled !== null) f.eq("mailEnabled", g.mailEnabled);
  if (g.securityEnabled !== undefined && g.securityEnabled !== null) f.eq("securityEnabled", g.securityEnabled);
  if (g.isAssignableToRole !== undefined && g.isAssignableToRole !== null) f.eq("isAssignableToRole", g.isAssignableToRole);
  // Cloud-only groups have onPremisesSyncEnabled null, not false: "not synced" is `ne true`.
  if (g.onPremisesSynced === true) f.eq("onPremisesSyncEnabled", true);
  if (g.onPremisesSynced === false) f.ne("onPremisesSyncEnabled", true);
  f.range("createdDateTime", g.createdAfter, g.createdBefore);
  const order = args.orderBy
    ? { clause: orderClause(args.orderBy.field, args.orderBy.direction === SortDirection.DESC), advanced: args.orderBy.field !== GroupOrderField.DISPLAY_NAME }
    : undefined;
  return directoryQuery({ filter: f, search: searchClause(args.search, ["displayName", "description", "mail"]), orderBy: order });
}
