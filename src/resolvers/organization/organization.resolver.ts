import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { Customer, toCustomer } from "../customer/customer.type";
import { Organization } from "./organization.type";

@Resolver(() => Organization)
export class OrganizationResolver {
  @FieldResolver(() => Customer, { description: "The customer tenant this profile belongs to, from the partner's customer lists (no call to the tenant)." })
  async customer(@Root() org: Organization, @Ctx() ctx: RequestContext): Promise<Customer> {
    return toCustomer(await ctx.loaders.customers.get(org.tenantId));
  }
}
