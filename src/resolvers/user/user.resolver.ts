import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { Customer, toCustomer } from "../customer/customer.type";
import { User } from "./user.type";

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => Customer, { description: "The customer tenant this user belongs to, from the partner's customer lists (no call to the tenant)." })
  async customer(@Root() user: User, @Ctx() ctx: RequestContext): Promise<Customer> {
    return toCustomer(await ctx.loaders.customers.get(user.tenantId));
  }
}
