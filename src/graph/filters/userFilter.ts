import { directoryQuery, FilterBuilder, orderClause, searchClause, type CompiledQuery, type SortOrder } from "./odataFilter";

/** The typed conditions on users a client may send (the schema's UserFilter). */
export interface UserConditions {
  accountEnabled?: boolean | null;
  userType?: "Member" | "Guest" | null;
  department?: string | null;
  departmentIn?: string[] | null;
  jobTitle?: string | null;
  country?: string | null;
  city?: string | null;
  usageLocation?: string | null;
  userPrincipalNameStartsWith?: string | null;
  domain?: string | null;
  displayNameStartsWith?: string | null;
  mailStartsWith?: string | null;
  onPremisesSynced?: boolean | null;
  licensed?: boolean | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

export type UserOrderProperty = "displayName" | "userPrincipalName" | "createdDateTime";

export interface UserQuery {
  filter?: UserConditions | null;
  search?: string | null;
  orderBy?: SortOrder<UserOrderProperty> | null;
}

const BASIC_USER_ORDER: ReadonlySet<string> = new Set<UserOrderProperty>(["displayName", "userPrincipalName"]);

/** Compiles the typed arguments into OData; Graph sorts users by displayName and userPrincipalName without advanced queries. */
export function compileUserQuery(args: UserQuery): CompiledQuery {
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
  // Empty-collection tests are advanced queries (docs/graph-facts.md §4).
  if (u.licensed === true) f.add("assignedLicenses/$count ne 0", true);
  if (u.licensed === false) f.add("assignedLicenses/$count eq 0", true);
  f.range("createdDateTime", u.createdAfter, u.createdBefore);
  const order = args.orderBy
    ? { clause: orderClause(args.orderBy.field, args.orderBy.direction === "DESC"), advanced: !BASIC_USER_ORDER.has(args.orderBy.field) }
    : undefined;
  return directoryQuery({ filter: f, search: searchClause(args.search, ["displayName", "userPrincipalName", "mail"]), orderBy: order });
}
