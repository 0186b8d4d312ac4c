import type { GraphQLResolveInfo } from "graphql";
import { Args, Ctx, FieldResolver, Info, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { Device, DEVICE_PROPERTIES, toDevice } from "../device/device.type";
import { DeviceConnection } from "../device/device.connection";
import { DirectoryObjectConnection } from "../directoryObject/directoryObject.connection";
import { directoryObjectSelect, toDirectoryObject, type DirectoryObjectValue } from "../directoryObject/directoryObject.type";
import { ManagedDevice, MANAGED_DEVICE_PROPERTIES, toManagedDevice } from "../managedDevice/managedDevice.type";
import { ManagedDeviceConnection } from "../managedDevice/managedDevice.connection";
import { ManagedDeviceListArgs } from "../managedDevice/managedDevice.filter";
import { connection, type Connection, PageArgs } from "../shared/connection";
import { graphSelect, isSelected, selectedFields, selectedNodeFields } from "../shared/selection";
import { toUser, User, USER_PROPERTIES } from "./user.type";

/** A user's links: one Graph list per user, the lists of all users on a page in one `$batch` wave. */
@Resolver(() => User)
export class UserNavigationResolver {
  @FieldResolver(() => DirectoryObjectConnection, {
    nullable: true,
    description:
      "Groups (and directory roles…) the user is a direct member of (Graph GET /users/{id}/memberOf). One call per user: the users of a page go together, 20 to a $batch. Needs a directory-reading GDAP role or Directory.Read.All.",
  })
  async memberOf(
    @Root() user: User,
    @Args() args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<DirectoryObjectValue>> {
    const tenant = ctx.loaders.tenant(user.tenantId);
    const page = await tenant.links.memberOf(user.id, { select: directoryObjectSelect(info), count: isSelected(info, "totalCount") }, args);
    return connection(page, (o) => toDirectoryObject(tenant.tenantId, o));
  }

  @FieldResolver(() => DirectoryObjectConnection, {
    nullable: true,
    description:
      "Groups the user is a member of, directly or through nested groups (Graph GET /users/{id}/transitiveMemberOf). One call per user, batched 20 to a $batch; needs as memberOf.",
  })
  async transitiveMemberOf(
    @Root() user: User,
    @Args() args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<DirectoryObjectValue>> {
    const tenant = ctx.loaders.tenant(user.tenantId);
    const page = await tenant.links.transitiveMemberOf(user.id, { select: directoryObjectSelect(info), count: isSelected(info, "totalCount") }, args);
    return connection(page, (o) => toDirectoryObject(tenant.tenantId, o));
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: "The user's manager (Graph GET /users/{id}/manager); null when none is set. One call per user, batched 20 to a $batch.",
  })
  async manager(@Root() user: User, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<User | null> {
    const tenant = ctx.loaders.tenant(user.tenantId);
    const found = await tenant.links.manager(user.id, graphSelect(selectedFields(info, "User"), USER_PROPERTIES));
    return found ? toUser(tenant.tenantId, found) : null;
  }

  // Nullable for the same reason as Customer.managedDevices: no Intune licence fails only this field.
  @FieldResolver(() => ManagedDeviceConnection, {
    nullable: true,
    description:
      "Intune devices whose primary user this is (Graph GET /users/{id}/managedDevices), one call per user, batched 20 to a $batch. Needs as Customer.managedDevices; null, with FORBIDDEN (reason INTUNE_NOT_AVAILABLE), when the tenant has no Intune.",
  })
  async managedDevices(
    @Root() user: User,
    @Args() args: ManagedDeviceListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<ManagedDevice>> {
    const tenant = ctx.loaders.tenant(user.tenantId);
    const select = graphSelect(selectedNodeFields(info, "ManagedDevice"), MANAGED_DEVICE_PROPERTIES);
    const page = await tenant.links.managedDevices(
      user.id,
      { filter: args.filter, orderBy: args.orderBy, select, count: isSelected(info, "totalCount") },
      args,
    );
    return connection(page, (o) => toManagedDevice(tenant.tenantId, o));
  }

  @FieldResolver(() => DeviceConnection, {
    nullable: true,
    description: "Entra devices the user registered (Graph GET /users/{id}/registeredDevices). One call per user, batched 20 to a $batch; needs as memberOf.",
  })
  async registeredDevices(
    @Root() user: User,
    @Args() args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Device>> {
    const tenant = ctx.loaders.tenant(user.tenantId);
    const page = await tenant.links.registeredDevices(
      user.id,
      { select: graphSelect(selectedNodeFields(info, "Device"), DEVICE_PROPERTIES), count: isSelected(info, "totalCount") },
      args,
    );
    return connection(page, (o) => toDevice(tenant.tenantId, o));
  }

  @FieldResolver(() => DeviceConnection, {
    nullable: true,
    description: "Entra devices the user owns (Graph GET /users/{id}/ownedDevices). One call per user, batched 20 to a $batch; needs as memberOf.",
  })
  async ownedDevices(@Root() user: User, @Args() args: PageArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<Device>> {
    const tenant = ctx.loaders.tenant(user.tenantId);
    const page = await tenant.links.ownedDevices(
      user.id,
      { select: graphSelect(selectedNodeFields(info, "Device"), DEVICE_PROPERTIES), count: isSelected(info, "totalCount") },
      args,
    );
    return connection(page, (o) => toDevice(tenant.tenantId, o));
  }
}
