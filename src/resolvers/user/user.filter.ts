import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { PageArgs } from "../shared/connection";
import { SortDirection } from "../shared/ordering";

export enum UserKind {
  MEMBER = "Member",
  GUEST = "Guest",
}
registerEnumType(UserKind, { name: "UserKind", description: "Graph's userType." });

@InputType({ description: "Conditions on users; all given conditions must hold." })
export class UserFilter {
  @Field(() => Boolean, { nullable: true, description: "Sign-in allowed (true) or blocked (false)." })
  accountEnabled?: boolean | null;

  @Field(() => UserKind, { nullable: true })
  userType?: UserKind | null;

  @Field(() => String, { nullable: true })
  department?: string | null;

  @Field(() => [String], { nullable: true, description: "Any of these departments (at most 15)." })
  departmentIn?: string[] | null;

  @Field(() => String, { nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166 two-letter code." })
  usageLocation?: string | null;

  @Field(() => String, { nullable: true })
  userPrincipalNameStartsWith?: string | null;

  @Field(() => String, { nullable: true, description: "Users whose sign-in name is in this domain (an advanced query)." })
  domain?: string | null;

  @Field(() => String, { nullable: true })
  displayNameStartsWith?: string | null;

  @Field(() => String, { nullable: true })
  mailStartsWith?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Synchronised from on-premises Active Directory, or cloud-only." })
  onPremisesSynced?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Holds at least one licence (true) or none (false); both are advanced queries." })
  licensed?: boolean | null;

  @Field(() => Date, { nullable: true })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true })
  createdBefore?: Date | null;
}

export enum UserOrderField {
  DISPLAY_NAME = "displayName",
  USER_PRINCIPAL_NAME = "userPrincipalName",
  CREATED_DATE_TIME = "createdDateTime",
}
registerEnumType(UserOrderField, { name: "UserOrderField" });

@InputType()
export class UserOrder {
  @Field(() => UserOrderField)
  field!: UserOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction!: SortDirection;
}

@ArgsType()
export class UserListArgs extends PageArgs {
  @Field(() => UserFilter, { nullable: true })
  filter?: UserFilter | null;

  @Field(() => String, { nullable: true, description: "Words of the display name (tokenised), or a prefix of the sign-in name or mail." })
  search?: string | null;

  @Field(() => UserOrder, { nullable: true })
  orderBy?: UserOrder | null;
}
