import { Arg, Args, Ctx, ID, Info, Query, Resolver } from "type-graphql";
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { customerListingFailed, PartnerGraphError } from "../../errors";
import { checkTenantId } from "../../ids";
import { checkPageSize } from "../../loaders/paging";
import { connection, type Connection, PageArgs } from "../shared/connection";
import { Customer, CustomerConnection, toCustomer } from "./customer.type";

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => CustomerConnection, {
    description:
      "The partner's customer tenants, across every regional partner tenant, by name: each partner tenant's /contracts (DAP) and GDAP delegatedAdminCustomers, read once per operation (cached). A partner tenant that cannot be read adds an error at `customers` (with its tenantId) and leaves the other regions listed.",
  })
  async customers(@Args() args: PageArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<Customer>> {
    checkPageSize(args.first);
    // A regional partner tenant that could not be read leaves the other regions' customers listed.
    for (const f of await ctx.loaders.customers.failures()) {
      const path = responsePathAsArray(info.path);
      // Not one of ours: formatError masks and logs it, like any thrown error.
      if (!(f.error instanceof PartnerGraphError)) ctx.partialErrors.push(new GraphQLError("Internal server error.", { path, originalError: f.error }));
      // Keep the cause's code and details (a claims challenge, a retryAfter), at this field's path.
      else ctx.partialErrors.push(customerListingFailed(f.error, f, path));
    }
    return connection(await ctx.loaders.customerPage(args), toCustomer);
  }

  @Query(() => Customer, {
    nullable: true,
    description: "One customer tenant by tenant id, from the same customer lists as `customers` (no call to the customer tenant).",
  })
  async customer(
    @Arg("id", () => ID, {
      description: "The customer's tenant id (a GUID): BAD_USER_INPUT when malformed, FORBIDDEN when it is not one of the caller's customers.",
    })
    id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Customer> {
    return toCustomer(await ctx.loaders.customers.get(checkTenantId(id)));
  }
}
