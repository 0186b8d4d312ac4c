import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { PageArgs } from "../shared/connection";
import { SortDirection } from "../shared/ordering";
import { GroupKind } from "./group.type";

@InputType({ description: "Conditions on groups; all given conditions must hold." })
export class GroupFilter {
  @Field(() => GroupKind, { nullable: true, description: "Groups of this kind (compiled from groupTypes, mailEnabled and securityEnabled)." })
  kind?: GroupKind | null;

  @Field(() => Boolean, { nullable: true, description: "Dynamic (rule-based) membership or assigned." })
  dynamic?: boolean | null;

  @Field(() => String, { nullable: true, description: "Display name begins with this text (startsWith); empty text is BAD_USER_INPUT." })
  displayNameStartsWith?: string | null;

  @Field(() => String, { nullable: true, description: "Mail address begins with this text (startsWith); empty text is BAD_USER_INPUT." })
  mailStartsWith?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Mail-enabled (true) or not (false)." })
  mailEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Security-enabled (true) or not (false)." })
  securityEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Groups that can be assigned Entra roles." })
  isAssignableToRole?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Synchronised from on-premises Active Directory, or cloud-only." })
  onPremisesSynced?: boolean | null;

  @Field(() => Date, { nullable: true, description: "Created at or after this time." })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: "Created at or before this time." })
  createdBefore?: Date | null;
}

export enum GroupOrderField {
  DISPLAY_NAME = "displayName",
  CREATED_DATE_TIME = "createdDateTime",
}
registerEnumType(GroupOrderField, {
  name: "GroupOrderField",
  description: "A group property to sort by.",
  valuesConfig: {
    DISPLAY_NAME: { description: "By displayName." },
    CREATED_DATE_TIME: { description: "By createdDateTime (an advanced query: ConsistencyLevel eventual)." },
  },
});

@InputType({ description: "How to sort groups ($orderby)." })
export class GroupOrder {
  @Field(() => GroupOrderField, { description: "The property to sort by." })
  field!: GroupOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: "Ascending (default) or descending." })
  direction!: SortDirection;
}

@ArgsType()
export class GroupListArgs extends PageArgs {
  @Field(() => GroupFilter, {
    nullable: true,
    description: "Conditions on the groups, sent as Graph $filter; invalid values are BAD_USER_INPUT naming the field (argument filter.<field>).",
  })
  filter?: GroupFilter | null;

  @Field(() => String, { nullable: true, description: "Words to find in the display name or description (tokenised), or a mail prefix." })
  search?: string | null;

  @Field(() => GroupOrder, {
    nullable: true,
    description: "Sort order ($orderby); without it, Graph's order. Only DISPLAY_NAME sorts without an advanced query.",
  })
  orderBy?: GroupOrder | null;
}
