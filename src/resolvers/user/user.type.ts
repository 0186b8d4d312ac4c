import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { GraphObject } from "../../loaders/queries";
import { toDates } from "../shared/dates";
import { sameNames } from "../shared/selection";

@Directive('@key(fields: "tenantId id")')
@ObjectType({ description: "A user of a customer tenant (Microsoft Graph user)." })
export class User {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "Object id in the customer tenant." })
  id!: string;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  userPrincipalName?: string | null;

  @Field(() => String, { nullable: true })
  mail?: string | null;

  @Field(() => String, { nullable: true })
  givenName?: string | null;

  @Field(() => String, { nullable: true })
  surname?: string | null;

  @Field(() => String, { nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true })
  department?: string | null;

  @Field(() => String, { nullable: true })
  companyName?: string | null;

  @Field(() => String, { nullable: true })
  officeLocation?: string | null;

  @Field(() => String, { nullable: true })
  mobilePhone?: string | null;

  @Field(() => [String], { nullable: true })
  businessPhones?: string[] | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166 two-letter code; required for licence assignment." })
  usageLocation?: string | null;

  @Field(() => String, { nullable: true })
  preferredLanguage?: string | null;

  @Field(() => Boolean, { nullable: true, description: "False when sign-in is blocked." })
  accountEnabled?: boolean | null;

  @Field(() => String, { nullable: true, description: "Member or Guest." })
  userType?: string | null;

  @Field(() => String, { nullable: true })
  employeeId?: string | null;

  @Field(() => Date, { nullable: true })
  createdDateTime?: Date | null;

  @Field(() => Boolean, { nullable: true, description: "Synchronised from on-premises Active Directory." })
  onPremisesSyncEnabled?: boolean | null;
}

/** GraphQL field → Graph properties it needs; fields not listed need none ($select is built from it). */
export const USER_PROPERTIES: Readonly<Record<string, readonly string[]>> = sameNames([
  "displayName",
  "userPrincipalName",
  "mail",
  "givenName",
  "surname",
  "jobTitle",
  "department",
  "companyName",
  "officeLocation",
  "mobilePhone",
  "businessPhones",
  "city",
  "country",
  "usageLocation",
  "preferredLanguage",
  "accountEnabled",
  "userType",
  "employeeId",
  "createdDateTime",
  "onPremisesSyncEnabled",
]);

export function toUser(tenantId: string, o: GraphObject): User {
  const u = Object.assign(new User(), o, { tenantId, id: o.id }) as User & Record<string, unknown>;
  return toDates(u, ["createdDateTime"]);
}
