import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { GraphObject } from "../../loaders/queries";
import { toDates } from "../shared/dates";
import { sameNames } from "../shared/selection";

@ObjectType({ description: "A domain the customer tenant has verified." })
export class VerifiedDomain {
  @Field({ description: "The domain name, e.g. contoso.com." })
  name!: string;

  @Field(() => Boolean, { nullable: true, description: "The domain used by default for new users' sign-in names and mail." })
  isDefault?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "The tenant's initial onmicrosoft.com domain." })
  isInitial?: boolean | null;

  @Field(() => String, { nullable: true, description: "Managed or Federated." })
  type?: string | null;

  @Field(() => String, { nullable: true, description: "Services the domain is set up for, e.g. Email, OfficeCommunicationsOnline." })
  capabilities?: string | null;
}

@Directive('@key(fields: "tenantId id")')
@ObjectType({
  description:
    "The customer tenant's organisation profile (Microsoft Graph organization). Scalar fields are Graph properties, asked for only when selected ($select).",
})
export class Organization {
  @Field(() => ID, { description: "Customer tenant id." })
  tenantId!: string;

  @Field(() => ID, { description: "The organisation's id, which is the tenant id." })
  id!: string;

  @Field(() => String, { nullable: true, description: "The organisation's name (Graph displayName)." })
  displayName?: string | null;

  @Field(() => [VerifiedDomain], { nullable: true, description: "Every domain the tenant has verified (Graph verifiedDomains)." })
  verifiedDomains?: VerifiedDomain[] | null;

  @Field(() => String, { nullable: true, description: "The verified domain marked default." })
  defaultDomainName?: string | null;

  @Field(() => String, { nullable: true, description: "The tenant's initial onmicrosoft.com domain." })
  initialDomainName?: string | null;

  @Field(() => String, { nullable: true, description: "Country or region of the organisation's address (Graph country)." })
  country?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166 two-letter code." })
  countryLetterCode?: string | null;

  @Field(() => String, { nullable: true, description: "City of the organisation's address (Graph city)." })
  city?: string | null;

  @Field(() => String, { nullable: true, description: "State or province of the organisation's address (Graph state)." })
  state?: string | null;

  @Field(() => String, { nullable: true, description: "Street of the organisation's address (Graph street)." })
  street?: string | null;

  @Field(() => String, { nullable: true, description: "Postal code of the organisation's address (Graph postalCode)." })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: "The organisation's preferred language, e.g. en (Graph preferredLanguage)." })
  preferredLanguage?: string | null;

  @Field(() => [String], { nullable: true, description: "The organisation's telephone numbers (Graph businessPhones)." })
  businessPhones?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Where Microsoft sends technical notices." })
  technicalNotificationMails?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: "Directory synchronisation from on-premises is on." })
  onPremisesSyncEnabled?: boolean | null;

  @Field(() => Date, { nullable: true, description: "When the tenant was created (Graph createdDateTime)." })
  createdDateTime?: Date | null;
}

export const ORGANIZATION_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  ...sameNames([
    "displayName",
    "verifiedDomains",
    "country",
    "countryLetterCode",
    "city",
    "state",
    "street",
    "postalCode",
    "preferredLanguage",
    "businessPhones",
    "technicalNotificationMails",
    "onPremisesSyncEnabled",
    "createdDateTime",
  ]),
  defaultDomainName: ["verifiedDomains"],
  initialDomainName: ["verifiedDomains"],
};

export function toOrganization(tenantId: string, o: GraphObject): Organization {
  const org = Object.assign(new Organization(), toDates({ ...o }, ["createdDateTime"])) as Organization & Record<string, unknown>;
  org.tenantId = tenantId;
  org.id = o.id;
  if (Array.isArray(o.verifiedDomains)) {
    const domains = (o.verifiedDomains as Array<Record<string, unknown>>).filter((d) => typeof d?.name === "string");
    org.verifiedDomains = domains.map((d) => Object.assign(new VerifiedDomain(), d));
    org.defaultDomainName = (domains.find((d) => d.isDefault === true)?.name as string | undefined) ?? null;
    org.initialDomainName = (domains.find((d) => d.isInitial === true)?.name as string | undefined) ?? null;
  }
  return org;
}
