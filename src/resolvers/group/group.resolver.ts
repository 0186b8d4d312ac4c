import type { GraphQLResolveInfo } from "graphql";
import { Args, Ctx, FieldResolver, Info, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { Customer, toCustomer } from "../customer/customer.type";
import { DirectoryObjectConnection } from "../directoryObject/directoryObject.connection";
import { directoryObjectSelect, toDirectoryObject, type DirectoryObjectValue } from "../directoryObject/directoryObject.type";
import { connection, type Connection, PageArgs } from "../shared/connection";
import { isSelected } from "../shared/selection";
import { Group } from "./group.type";

@Resolver(() => Group)
export class GroupResolver {
  @FieldResolver(() => Customer, { description: "The customer tenant this group belongs to, from the partner's customer lists (no call to the tenant)." })
  async customer(@Root() group: Group, @Ctx() ctx: RequestContext): Promise<Customer> {
    return toCustomer(await ctx.loaders.customers.get(group.tenantId));
  }

  @FieldResolver(() => DirectoryObjectConnection, {
    nullable: true,
    description:
      "Direct members: users, groups, devices (and other directory objects) (Graph GET /groups/{id}/members). One call per group, the groups of a page batched 20 to a $batch. Needs a directory-reading GDAP role or GroupMember.Read.All.",
  })
  async members(
    @Root() group: Group,
    @Args() args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<DirectoryObjectValue>> {
    const tenant = ctx.loaders.tenant(group.tenantId);
    const page = await tenant.links.members(group.id, { select: directoryObjectSelect(info), count: isSelected(info, "totalCount") }, args);
    return connection(page, (o) => toDirectoryObject(tenant.tenantId, o));
  }

  @FieldResolver(() => DirectoryObjectConnection, {
    nullable: true,
    description:
      "Owners of the group (users, service principals) (Graph GET /groups/{id}/owners). One call per group, batched 20 to a $batch; needs as members.",
  })
  async owners(
    @Root() group: Group,
    @Args() args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<DirectoryObjectValue>> {
    const tenant = ctx.loaders.tenant(group.tenantId);
    const page = await tenant.links.owners(group.id, { select: directoryObjectSelect(info), count: isSelected(info, "totalCount") }, args);
    return connection(page, (o) => toDirectoryObject(tenant.tenantId, o));
  }
}
