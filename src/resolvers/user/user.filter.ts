import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { PageArgs } from "../shared/connection";
import { SortDirection } from "../shared/ordering";

export enum UserKind {
  MEMBER = "Member",
  GUEST = "Guest",
}
registerEnumType(UserKind, {
  name: "UserKind",
  description: "Graph's userType.",
  valuesConfig: {
    MEMBER: { description: "A member of the organisation (userType Member)." },
    GUEST: { description: "An external guest (userType Guest, B2B)." },
  },
});

@InputType({ description: "Conditions on users; all given conditions must hold." })
export class UserFilter {
  @Field(() => Boolean, { nullable: true, description: "Sign-in allowed (true) or blocked (false)." })
  accountEnabled?: boolean | null;

  @Field(() => UserKind, { nullable: true, description: "Members or guests (Graph userType)." })
  userType?: UserKind | null;

  @Field(() => String, { nullable: true, description: "Department equals this text." })
  department?: string | null;

  @Field(() => [String], { nullable: true, description: "Any of these departments (at most 15)." })
  departmentIn?: string[] | null;

  @Field(() => String, { nullable: true, description: "Job title equals this text." })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true, description: "Country equals this text." })
  country?: string | null;

  @Field(() => String, { nullable: true, description: "City equals this text." })
  city?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166 two-letter code." })
  usageLocation?: string | null;

  @Field(() => String, { nullable: true, description: "Sign-in name begins with this text (startsWith); empty text is BAD_USER_INPUT." })
  userPrincipalNameStartsWith?: string | null;

  @Field(() => String, { nullable: true, description: "Users whose sign-in name is in this domain (an advanced query)." })
  domain?: string | null;

  @Field(() => String, { nullable: true, description: "Display name begins with this text (startsWith); empty text is BAD_USER_INPUT." })
  displayNameStartsWith?: string | null;

  @Field(() => String, { nullable: true, description: "Mail address begins with this text (startsWith); empty text is BAD_USER_INPUT." })
  mailStartsWith?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Synchronised from on-premises Active Directory, or cloud-only." })
  onPremisesSynced?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Holds at least one licence (true) or none (false); both are advanced queries." })
  licensed?: boolean | null;

  @Field(() => Date, { nullable: true, description: "Created at or after this time." })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: "Created at or before this time." })
  createdBefore?: Date | null;
}

export enum UserOrderField {
  DISPLAY_NAME = "displayName",
  USER_PRINCIPAL_NAME = "userPrincipalName",
  CREATED_DATE_TIME = "createdDateTime",
}
registerEnumType(UserOrderField, {
  name: "UserOrderField",
  description: "A user property to sort by.",
  valuesConfig: {
    DISPLAY_NAME: { description: "By displayName." },
    USER_PRINCIPAL_NAME: { description: "By userPrincipalName." },
    CREATED_DATE_TIME: { description: "By createdDateTime (an advanced query: ConsistencyLevel eventual)." },
  },
});

@InputType({ description: "How to sort users ($orderby)." })
export class UserOrder {
  @Field(() => UserOrderField, { description: "The property to sort by." })
  field!: UserOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: "Ascending (default) or descending." })
  direction!: SortDirection;
}

@ArgsType()
export class UserListArgs extends PageArgs {
  @Field(() => UserFilter, {
    nullable: true,
    description: "Conditions on the users, sent as Graph $filter; invalid values are BAD_USER_INPUT naming the field (argument filter.<field>).",
  })
  filter?: UserFilter | null;

  @Field(() => String, { nullable: true, description: "Words of the display name (tokenised), or a prefix of the sign-in name or mail." })
  search?: string | null;

  @Field(() => UserOrder, { nullable: true, description: "Sort order ($orderby); without it, Graph's order. CREATED_DATE_TIME is an advanced query." })
  orderBy?: UserOrder | null;
}
