import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { GraphObject } from "../../loaders/queries";
import { toDates } from "../shared/dates";
import { sameNames } from "../shared/selection";

@Directive('@key(fields: "tenantId id")')
@ObjectType({
  description:
    "A user of a customer tenant (Microsoft Graph user). Scalar fields are Graph properties, read in the call that found the user and asked for only when selected ($select).",
})
export class User {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "Object id in the customer tenant." })
  id!: string;

  @Field(() => String, { nullable: true, description: "Name shown in address lists (Graph displayName)." })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: "Sign-in name, e.g. adele@contoso.com (Graph userPrincipalName)." })
  userPrincipalName?: string | null;

  @Field(() => String, { nullable: true, description: "Primary SMTP address; null for users without a mailbox (Graph mail)." })
  mail?: string | null;

  @Field(() => String, { nullable: true, description: "First name (Graph givenName)." })
  givenName?: string | null;

  @Field(() => String, { nullable: true, description: "Last name (Graph surname)." })
  surname?: string | null;

  @Field(() => String, { nullable: true, description: "Job title (Graph jobTitle)." })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true, description: "Department (Graph department)." })
  department?: string | null;

  @Field(() => String, { nullable: true, description: "Company the user works for (Graph companyName)." })
  companyName?: string | null;

  @Field(() => String, { nullable: true, description: "Office location (Graph officeLocation)." })
  officeLocation?: string | null;

  @Field(() => String, { nullable: true, description: "Primary mobile number (Graph mobilePhone)." })
  mobilePhone?: string | null;

  @Field(() => [String], { nullable: true, description: "Business telephone numbers; Graph holds at most one (Graph businessPhones)." })
  businessPhones?: string[] | null;

  @Field(() => String, { nullable: true, description: "City of the user's address (Graph city)." })
  city?: string | null;

  @Field(() => String, { nullable: true, description: "Country or region of the user's address (Graph country)." })
  country?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166 two-letter code; required for licence assignment." })
  usageLocation?: string | null;

  @Field(() => String, { nullable: true, description: "Preferred language as an ISO 639-1 code, e.g. en-US (Graph preferredLanguage)." })
  preferredLanguage?: string | null;

  @Field(() => Boolean, { nullable: true, description: "False when sign-in is blocked." })
  accountEnabled?: boolean | null;

  @Field(() => String, { nullable: true, description: "Member or Guest." })
  userType?: string | null;

  @Field(() => String, { nullable: true, description: "Employee identifier assigned by the organisation (Graph employeeId)." })
  employeeId?: string | null;

  @Field(() => Date, { nullable: true, description: "When the user was created in Entra ID (Graph createdDateTime)." })
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
