import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { directoryQuery, FilterBuilder, orderClause, searchClause, type CompiledQuery } from "../../graph/filters/odataFilter";
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

const BASIC_USER_ORDER: ReadonlySet<UserOrderField> = new Set([UserOrderField.DISPLAY_NAME, UserOrderField.USER_PRINCIPAL_NAME]);

/** Compiles the typed arguments into OData; Graph sorts users by displayName and userPrincipalName without advanced queries. */
export function compileUserQuery(args: { filter?: UserFilter | null; search?: string | null; orderBy?: UserOrder | null }): CompiledQuery {
  const f = new FilterBuilder();
  const u = args.filter ?? {};
  if (u.accountEnabled !== undefined && u.accountEnabled !== null) f.eq("accountEnabled", u.accountEnabled);
  if (u.userType) f.eq("userType", u.userType);
  if (u.department !== undefined && u.department !== null) f.eq("department", u.department);
  f.in("department", u.departmentIn, "filter.departmentIn");
  if (u.jobTitle !== undefined && u.jobTitle !== null) f.eq("jobTitle", u.jobTitle);
  if (u.country !== undefined && u.country !== null) f.eq("country", u.country);
  if (u.city !== undefined && u.city !== null) f.eq("city", u.city);
  if (u.usageLocation !== undefined && u.usageLocation !== null) f.eq("usageLocation", u.usageLocation);
  f.startsWith("userPrincipalName", u.userPrincipalNameStartsWith, "filter.userPrincipalNameStartsWith");
  if (u.domain !== undefined && u.domain !== null) f.endsWith("userPrincipalName", `@${u.domain.replace(/^@/, "")}`, "filter.domain");
  f.startsWith("displayName", u.displayNameStartsWith, "filter.displayNameStartsWith");
  f.startsWith("mail", u.mailStartsWith, "filter.mailStartsWith");
  // Cloud-only users have onPremisesSyncEnabled null, not false: "not synced" is `ne true`.
  if (u.onPremisesSynced === true) f.eq("onPremisesSyncEnabled", true);
  if (u.onPremisesSynced === false) f.ne("onPremisesSyncEnabled", true);
  // Empty-collection tests are advanced queries (graph-facts §4).
  if (u.licensed === true) f.add("assignedLicenses/$count ne 0", true);
  if (u.licensed === false) f.add("assignedLicenses/$count eq 0", true);
  f.range("createdDateTime", u.createdAfter, u.createdBefore);
  const order = args.orderBy
    ? { clause: orderClause(args.orderBy.field, args.orderBy.direction === SortDirection.DESC), advanced: !BASIC_USER_ORDER.has(args.orderBy.field) }
    : undefined;
  return directoryQuery({ filter: f, search: searchClause(args.search, ["displayName", "userPrincipalName", "mail"]), orderBy: order });
}
