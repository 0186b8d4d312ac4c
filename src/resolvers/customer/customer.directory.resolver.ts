import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Info, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { checkObjectId } from "../../ids";
import { Device, DEVICE_PROPERTIES, toDevice } from "../device/device.type";
import { DeviceConnection } from "../device/device.connection";
import { DeviceListArgs } from "../device/device.filter";
import { Group, GROUP_PROPERTIES, toGroup } from "../group/group.type";
import { GroupConnection } from "../group/group.connection";
import { GroupListArgs } from "../group/group.filter";
import { ManagedDevice, MANAGED_DEVICE_PROPERTIES, toManagedDevice } from "../managedDevice/managedDevice.type";
import { ManagedDeviceConnection } from "../managedDevice/managedDevice.connection";
import { ManagedDeviceListArgs } from "../managedDevice/managedDevice.filter";
import { Organization, ORGANIZATION_PROPERTIES, toOrganization } from "../organization/organization.type";
import { connection, type Connection } from "../shared/connection";
import { graphSelect, isSelected, selectedFields, selectedNodeFields } from "../shared/selection";
import { User, USER_PROPERTIES, toUser } from "../user/user.type";
import { UserConnection } from "../user/user.connection";
import { UserListArgs } from "../user/user.filter";
import { Customer } from "./customer.type";

/** The customer tenant's directory and Intune data: lists with typed filters, and objects by id. */
@Resolver(() => Customer)
export class CustomerDirectoryResolver {
  @FieldResolver(() => UserConnection, {
    nullable: true,
    description:
      "Users of the tenant (Graph GET /users), filtered, searched and ordered as asked; else in Graph's order. One Graph call per page, $select of the selected fields only. Needs a directory-reading GDAP role (Directory Readers or above) or User.Read.All; errors ROLE_MISSING, CONSENT_MISSING, CUSTOMER_NOT_READY, BAD_USER_INPUT.",
  })
  async users(@Root() customer: Customer, @Args() args: UserListArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<User>> {
    const tenant = ctx.loaders.tenant(customer.id);
    const select = graphSelect(selectedNodeFields(info, "User"), USER_PROPERTIES);
    const page = await tenant.users.list(
      { filter: args.filter, search: args.search, orderBy: args.orderBy, select, count: isSelected(info, "totalCount") },
      args,
    );
    return connection(page, (o) => toUser(tenant.tenantId, o));
  }

  @FieldResolver(() => User, {
    nullable: true,
    description:
      "One user by object id or user principal name (Graph GET /users/{id}); null when there is none. Lookups of one tick go 20 to a $batch; same roles and permissions as `users`.",
  })
  async user(
    @Root() customer: Customer,
    @Arg("id", () => ID, { description: "The user's object id (GUID) or user principal name; anything else is BAD_USER_INPUT." }) id: string,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<User | null> {
    const tenant = ctx.loaders.tenant(customer.id);
    const found = await tenant.users.byId(checkObjectId(id), graphSelect(selectedFields(info, "User"), USER_PROPERTIES));
    return found ? toUser(tenant.tenantId, found) : null;
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description:
      "The tenant's organisation profile: verified domains, country, address (Graph GET /organization, one call). Needs a directory-reading GDAP role or Organization.Read.All.",
  })
  async organization(@Root() customer: Customer, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Organization | null> {
    const tenant = ctx.loaders.tenant(customer.id);
    const org = await tenant.organization.get(graphSelect(selectedFields(info, "Organization"), ORGANIZATION_PROPERTIES));
    return org ? toOrganization(tenant.tenantId, org) : null;
  }

  @FieldResolver(() => GroupConnection, {
    nullable: true,
    description:
      "Groups of the tenant (Graph GET /groups), filtered, searched and ordered as asked. One Graph call per page. Needs a directory-reading GDAP role (Directory Readers or above) or GroupMember.Read.All; errors as for `users`.",
  })
  async groups(
    @Root() customer: Customer,
    @Args() args: GroupListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Group>> {
    const tenant = ctx.loaders.tenant(customer.id);
    const select = graphSelect(selectedNodeFields(info, "Group"), GROUP_PROPERTIES);
    const page = await tenant.groups.list(
      { filter: args.filter, search: args.search, orderBy: args.orderBy, select, count: isSelected(info, "totalCount") },
      args,
    );
    return connection(page, (o) => toGroup(tenant.tenantId, o));
  }

  @FieldResolver(() => Group, {
    nullable: true,
    description: "One group by object id (Graph GET /groups/{id}); null when there is none. Batched 20 to a $batch.",
  })
  async group(
    @Root() customer: Customer,
    @Arg("id", () => ID, { description: "The group's object id (a GUID); anything else is BAD_USER_INPUT." }) id: string,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Group | null> {
    const objectId = checkObjectId(id, false);
    const tenant = ctx.loaders.tenant(customer.id);
    const found = await tenant.groups.byId(objectId, graphSelect(selectedFields(info, "Group"), GROUP_PROPERTIES));
    return found ? toGroup(tenant.tenantId, found) : null;
  }

  @FieldResolver(() => DeviceConnection, {
    nullable: true,
    description:
      "Entra ID devices of the tenant (Graph GET /devices), filtered, searched and ordered as asked. One Graph call per page. Needs a directory-reading GDAP role (Cloud Device Administrator, Directory Readers or above) or Device.Read.All; errors as for `users`.",
  })
  async devices(
    @Root() customer: Customer,
    @Args() args: DeviceListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Device>> {
    const tenant = ctx.loaders.tenant(customer.id);
    const select = graphSelect(selectedNodeFields(info, "Device"), DEVICE_PROPERTIES);
    const page = await tenant.devices.list(
      { filter: args.filter, search: args.search, orderBy: args.orderBy, select, count: isSelected(info, "totalCount") },
      args,
    );
    return connection(page, (o) => toDevice(tenant.tenantId, o));
  }

  @FieldResolver(() => Device, {
    nullable: true,
    description: "One Entra device by object id (Graph GET /devices/{id}); null when there is none. Batched 20 to a $batch.",
  })
  async device(
    @Root() customer: Customer,
    @Arg("id", () => ID, { description: "The device's directory object id (a GUID, not its deviceId); anything else is BAD_USER_INPUT." }) id: string,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Device | null> {
    const objectId = checkObjectId(id, false);
    const tenant = ctx.loaders.tenant(customer.id);
    const found = await tenant.devices.byId(objectId, graphSelect(selectedFields(info, "Device"), DEVICE_PROPERTIES));
    return found ? toDevice(tenant.tenantId, found) : null;
  }

  // Nullable: a tenant without an Intune licence answers Intune calls with an error, which must not
  // take the rest of the customer down with it.
  @FieldResolver(() => ManagedDeviceConnection, {
    nullable: true,
    description:
      "Intune managed devices of the tenant (Graph GET /deviceManagement/managedDevices), one call per page. Needs Intune Administrator or Global Reader, or DeviceManagementManagedDevices.Read.All; null, with FORBIDDEN (reason INTUNE_NOT_AVAILABLE), when the tenant has no Intune.",
  })
  async managedDevices(
    @Root() customer: Customer,
    @Args() args: ManagedDeviceListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<ManagedDevice>> {
    const tenant = ctx.loaders.tenant(customer.id);
    const select = graphSelect(selectedNodeFields(info, "ManagedDevice"), MANAGED_DEVICE_PROPERTIES);
    const page = await tenant.managedDevices.list({ filter: args.filter, orderBy: args.orderBy, select, count: isSelected(info, "totalCount") }, args);
    return connection(page, (o) => toManagedDevice(tenant.tenantId, o));
  }

  @FieldResolver(() => ManagedDevice, {
    nullable: true,
    description:
      "One Intune managed device by its Intune id (Graph GET /deviceManagement/managedDevices/{id}); null when there is none. Batched 20 to a $batch.",
  })
  async managedDevice(
    @Root() customer: Customer,
    @Arg("id", () => ID, { description: "The Intune id of the device (a GUID); anything else is BAD_USER_INPUT." }) id: string,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ManagedDevice | null> {
    const objectId = checkObjectId(id, false);
    const tenant = ctx.loaders.tenant(customer.id);
    const found = await tenant.managedDevices.byId(objectId, graphSelect(selectedFields(info, "ManagedDevice"), MANAGED_DEVICE_PROPERTIES));
    return found ? toManagedDevice(tenant.tenantId, found) : null;
  }
}
