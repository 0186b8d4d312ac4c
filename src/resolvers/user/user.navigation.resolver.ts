import type { GraphQLResolveInfo } from "graphql";
import { Args, Ctx, FieldResolver, Info, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { buildQuery } from "../../graph/odata";
import type { GraphObject } from "../../loaders/tenantData";
import { nullIfNotFound } from "../customer/customer.directory.resolver";
import { Device, DEVICE_PROPERTIES, toDevice } from "../device/device.type";
import { DeviceConnection } from "../device/device.connection";
import { DirectoryObjectConnection } from "../directoryObject/directoryObject.connection";
import { directoryObjectSelect, toDirectoryObject, type DirectoryObjectValue } from "../directoryObject/directoryObject.type";
import { ManagedDevice, MANAGED_DEVICE_PROPERTIES, toManagedDevice } from "../managedDevice/managedDevice.type";
import { ManagedDeviceConnection } from "../managedDevice/managedDevice.connection";
import { compileManagedDeviceQuery, ManagedDeviceListArgs } from "../managedDevice/managedDevice.filter";
import { type Connection, PageArgs } from "../shared/connection";
import { graphConnection } from "../shared/graphConnection";
import { graphSelect, isSelected, selectedFields, selectedNodeFields } from "../shared/selection";
import { tenantData } from "../shared/tenant";
import { toUser, User, USER_PROPERTIES } from "./user.type";

/**
 * A user's links. Each is one Graph navigation per user; the tenant's loader puts the calls of all
 * users on a page into the same `$batch` wave (20 to a batch).
 */
@Resolver(() => User)
export class UserNavigationResolver {
  @FieldResolver(() => DirectoryObjectConnection, { nullable: true, description: "Groups (and directory roles…) the user is a direct member of." })
  async memberOf(@Root() user: User, @Args() args: PageArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<DirectoryObjectValue>> {
    return this.directoryObjects(user, "memberOf", args, ctx, info);
  }

  @FieldResolver(() => DirectoryObjectConnection, { nullable: true, description: "Groups the user is a member of, directly or through nested groups." })
  async transitiveMemberOf(@Root() user: User, @Args() args: PageArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<DirectoryObjectValue>> {
    return this.directoryObjects(user, "transitiveMemberOf", args, ctx, info);
  }

  @FieldResolver(() => User, { nullable: true, description: "The user's manager; null when none is set." })
  async manager(@Root() user: User, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<User | null> {
    const data = await tenantData(ctx, user.tenantId);
    const select = graphSelect(selectedFields(info, "User"), USER_PROPERTIES);
    const found: GraphObject | null = await data.get(`/users/${encodeURIComponent(user.id)}/manager${buildQuery({ select })}`).catch(nullIfNotFound);
    return found && typeof found.id === "string" ? toUser(data.tenantId, found) : null;
  }

  // Nullable for the same reason as Customer.managedDevices: no Intune licence fails only this field.
  @FieldResolver(() => ManagedDeviceConnection, { nullable: true, description: "Intune devices whose primary user this is; null, with an error, when Intune is not available in the tenant." })
  async managedDevices(@Root() user: User, @Args() args: ManagedDeviceListArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<ManagedDevice>> {
    const query = compileManagedDeviceQuery(args);
    const data = await tenantData(ctx, user.tenantId);
    const select = graphSelect(selectedNodeFields(info, "ManagedDevice"), MANAGED_DEVICE_PROPERTIES);
    return graphConnection(
      data,
      { path: `/users/${encodeURIComponent(user.id)}/managedDevices`, select, ...query, count: isSelected(info, "totalCount") },
      args,
      ctx.cursors,
      (o) => toManagedDevice(data.tenantId, o),
    );
  }

  @FieldResolver(() => DeviceConnection, { nullable: true, description: "Entra devices the user registered." })
  async registeredDevices(@Root() user: User, @Args() args: PageArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<Device>> {
    return this.devices(user, "registeredDevices", args, ctx, info);
  }

  @FieldResolver(() => DeviceConnection, { nullable: true, description: "Entra devices the user owns." })
  async ownedDevices(@Root() user: User, @Args() args: PageArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<Device>> {
    return this.devices(user, "ownedDevices", args, ctx, info);
  }

  private async directoryObjects(user: User, nav: string, args: PageArgs, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Connection<DirectoryObjectValue>> {
    const data = await tenantData(ctx, user.tenantId);
    const path = `/users/${encodeURIComponent(user.id)}/${nav}`;
    return graphConnection(data, { path, select: directoryObjectSelect(info), count: isSelected(info, "totalCount") }, args, ctx.cursors, (o) => toDirectoryObject(data.tenantId, o));
  }

  /**
   * Device navigations are directory-object collections holding devices. No OData cast: on the
   * directory a cast is an advanced query, and these lists hold nothing but devices anyway.
   */
  private async devices(user: User, nav: string, args: PageArgs, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Connection<Device>> {
    const data = await tenantData(ctx, user.tenantId);
    const path = `/users/${encodeURIComponent(user.id)}/${nav}`;
    const select = graphSelect(selectedNodeFields(info, "Device"), DEVICE_PROPERTIES);
    return graphConnection(data, { path, select, count: isSelected(info, "totalCount") }, args, ctx.cursors, (o) => toDevice(data.tenantId, o));
  }
}
