import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { CustomerRecord } from "../../loaders/customerDirectory";
import { connectionTypes } from "../shared/connection";

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    "A customer tenant the partner manages (a CSP customer, reached through DAP or GDAP). Its own fields come from the partner's customer lists; the lists and objects under it are read from the customer tenant with the caller's rights.",
})
export class Customer {
  @Field(() => ID, { description: "The customer's tenant id." })
  id!: string;

  @Field({
    description: "The customer's company name, from the partner's customer lists (/contracts, GDAP delegatedAdminCustomers); no call to the customer tenant.",
  })
  displayName!: string;

  @Field(() => String, { nullable: true, description: "As recorded when the partner relationship was made." })
  defaultDomainName!: string | null;

  @Field({ description: "Region of the tenant (tenant_region_scope), which decides the partner tenant and app that reach it." })
  region!: string;
}

export const CustomerConnection = connectionTypes(Customer, "Customer");

export function toCustomer(r: CustomerRecord): Customer {
  return Object.assign(new Customer(), { id: r.id, displayName: r.displayName, defaultDomainName: r.defaultDomainName, region: r.region });
}
