import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
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
