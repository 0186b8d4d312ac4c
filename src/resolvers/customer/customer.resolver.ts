import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { PartnerGraphError } from "../../errors";
import { checkPageSize, type Connection, PageArgs } from "../shared/connection";
import { graphConnection } from "../shared/graphConnection";
import { graphSelect, isSelected, selectedFields, selectedNodeFields } from "../shared/selection";
import { checkObjectId, checkTenantId } from "../shared/ids";
import { tenantData } from "../shared/tenant";
import { User, USER_PROPERTIES, toUser } from "../user/user.type";
import { UserConnection } from "../user/user.connection";
import { compileUserQuery, UserListArgs } from "../user/user.filter";
import { Customer, CustomerConnection, toCustomer } from "./customer.type";

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => CustomerConnection, { description: "The partner's customer tenants, across every regional partner tenant, by name." })
  async customers(@Args() { first, after }: PageArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<Customer>> {
    checkPageSize(first);
    const all = await ctx.data.customers.list();
    // A regional partner tenant that could not be read leaves the other regions' customers listed.
    for (const f of await ctx.data.customers.failures()) {
      const path = responsePathAsArray(info.path);
      if (!(f.error instanceof PartnerGraphError)) {
        // Not one of ours: formatError masks and logs it, like any thrown error.
        ctx.partialErrors.push(new GraphQLError("Internal server error.", { path, originalError: f.error }));
        continue;
      }
      // Keep the cause's code and details (a claims challenge, a retryAfter), at this field's path.
      const { code: _code, ...details } = f.error.extensions as Record<string, unknown>;
      const message = f.part === "gdap"
        ? `The GDAP customers of the ${f.region} partner tenant could not be listed (${f.error.message}); customers known only through GDAP are missing.`
        : `The customers of the ${f.region} partner tenant could not be listed (${f.error.message}); the list is incomplete.`;
      ctx.partialErrors.push(new PartnerGraphError(f.error.code, message, { ...details, tenantId: f.partnerTenantId }, path));
    }
    // Cursors of this list are bound to the caller (app, or one agent), not to one token of theirs.
    const who = ctx.caller.mode === "agent" ? `agent:${ctx.caller.partnerTenantId}:${ctx.caller.agentId}` : "app";
    const scope = { tenantId: "partner", query: `customers|${who}` };
    const offset = ctx.cursors.decode(after, scope)?.offset ?? 0;
    const edges = all.slice(offset, offset + first).map((c, i) => ({ cursor: ctx.cursors.encode(scope, { offset: offset + i + 1 }), node: toCustomer(c) }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: {
        hasNextPage: offset + first < all.length,
        hasPreviousPage: offset > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: all.length,
    };
  }

  @Query(() => Customer, { nullable: true, description: "One customer tenant by tenant id." })
  async customer(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Customer> {
    return toCustomer(await ctx.data.customers.get(checkTenantId(id)));
  }

  @FieldResolver(() => UserConnection, { nullable: true, description: "Users of the tenant (Graph /users), filtered, searched and ordered as asked; else in Graph's order." })
  async users(@Root() customer: Customer, @Args() args: UserListArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<User>> {
    // Compiled first: bad arguments fail before any Graph call.
    const query = compileUserQuery(args);
    const data = await tenantData(ctx, customer.id);
    const select = graphSelect(selectedNodeFields(info, "User"), USER_PROPERTIES);
    return graphConnection(data, { path: "/users", select, ...query, count: isSelected(info, "totalCount") }, args, ctx.cursors, (o) => toUser(data.tenantId, o));
  }

  @FieldResolver(() => User, { nullable: true, description: "One user by object id or user principal name." })
  async user(@Root() customer: Customer, @Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<User | null> {
    const data = await tenantData(ctx, customer.id);
    const select = graphSelect(selectedFields(info, "User"), USER_PROPERTIES);
    const found = await data.users.load({ id: checkObjectId(id), select });
    return found ? toUser(data.tenantId, found) : null;
  }
}
