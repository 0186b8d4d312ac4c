import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Info, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { PartnerGraphError } from "../../errors";
import { Device, DEVICE_PROPERTIES, toDevice } from "../device/device.type";
import { DeviceConnection } from "../device/device.connection";
import { compileDeviceQuery, DeviceListArgs } from "../device/device.filter";
import { Group, GROUP_PROPERTIES, toGroup } from "../group/group.type";
import { GroupConnection } from "../group/group.connection";
import { compileGroupQuery, GroupListArgs } from "../group/group.filter";
import { ManagedDevice, MANAGED_DEVICE_PROPERTIES, toManagedDevice } from "../managedDevice/managedDevice.type";
import { ManagedDeviceConnection } from "../managedDevice/managedDevice.connection";
import { compileManagedDeviceQuery, ManagedDeviceListArgs } from "../managedDevice/managedDevice.filter";
import { Organization, ORGANIZATION_PROPERTIES, toOrganization } from "../organization/organization.type";
import type { Connection } from "../shared/connection";
import { graphConnection } from "../shared/graphConnection";
import { checkObjectId } from "../shared/ids";
import { graphSelect, isSelected, selectedFields, selectedNodeFields } from "../shared/selection";
import { tenantData } from "../shared/tenant";
import { Customer } from "./customer.type";

/** The customer tenant's directory and Intune data: lists with typed filters, and objects by id. */
@Resolver(() => Customer)
export class CustomerDirectoryResolver {
  @FieldResolver(() => Organization, { nullable: true, description: "The tenant's organisation profile: verified domains, country, address." })
  async organization(@Root() customer: Customer, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Organization | null> {
    const data = await tenantData(ctx, customer.id);
    const org = await data.organization(graphSelect(selectedFields(info, "Organization"), ORGANIZATION_PROPERTIES));
    return org ? toOrganization(data.tenantId, org) : null;
  }

  @FieldResolver(() => GroupConnection, { nullable: true, description: "Groups of the tenant (Graph /groups)." })
  async groups(@Root() customer: Customer, @Args() args: GroupListArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<Group>> {
    const query = compileGroupQuery(args);
    const data = await tenantData(ctx, customer.id);
    const select = graphSelect(selectedNodeFields(info, "Group"), GROUP_PROPERTIES);
    return graphConnection(data, { path: "/groups", select, ...query, count: isSelected(info, "totalCount") }, args, ctx.cursors, (o) => toGroup(data.tenantId, o));
  }

  @FieldResolver(() => Group, { nullable: true, description: "One group by object id." })
  async group(@Root() customer: Customer, @Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Group | null> {
    const objectId = checkObjectId(id, false);
    const data = await tenantData(ctx, customer.id);
    const found = await data.objects("/groups").load({ id: objectId, select: graphSelect(selectedFields(info, "Group"), GROUP_PROPERTIES) });
    return found ? toGroup(data.tenantId, found) : null;
  }

  @FieldResolver(() => DeviceConnection, { nullable: true, description: "Entra ID devices of the tenant (Graph /devices)." })
  async devices(@Root() customer: Customer, @Args() args: DeviceListArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<Device>> {
    const query = compileDeviceQuery(args);
    const data = await tenantData(ctx, customer.id);
    const select = graphSelect(selectedNodeFields(info, "Device"), DEVICE_PROPERTIES);
    return graphConnection(data, { path: "/devices", select, ...query, count: isSelected(info, "totalCount") }, args, ctx.cursors, (o) => toDevice(data.tenantId, o));
  }

  @FieldResolver(() => Device, { nullable: true, description: "One Entra device by object id." })
  async device(@Root() customer: Customer, @Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Device | null> {
    const objectId = checkObjectId(id, false);
    const data = await tenantData(ctx, customer.id);
    const found = await data.objects("/devices").load({ id: objectId, select: graphSelect(selectedFields(info, "Device"), DEVICE_PROPERTIES) });
    return found ? toDevice(data.tenantId, found) : null;
  }

  // Nullable: a tenant without an Intune licence answers Intune calls with an error, which must not
  // take the rest of the customer down with it.
  @FieldResolver(() => ManagedDeviceConnection, { nullable: true, description: "Intune managed devices of the tenant (Graph /deviceManagement/managedDevices); null, with an error, when Intune is not available there." })
  async managedDevices(@Root() customer: Customer, @Args() args: ManagedDeviceListArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Connection<ManagedDevice>> {
    const query = compileManagedDeviceQuery(args);
    const data = await tenantData(ctx, customer.id);
    const select = graphSelect(selectedNodeFields(info, "ManagedDevice"), MANAGED_DEVICE_PROPERTIES);
    return graphConnection(
      data,
      { path: "/deviceManagement/managedDevices", select, ...query, count: isSelected(info, "totalCount") },
      args,
      ctx.cursors,
      (o) => toManagedDevice(data.tenantId, o),
    );
  }

  @FieldResolver(() => ManagedDevice, { nullable: true, description: "One Intune managed device by its Intune id." })
  async managedDevice(@Root() customer: Customer, @Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<ManagedDevice | null> {
    const objectId = checkObjectId(id, false);
    const data = await tenantData(ctx, customer.id);
    const select = graphSelect(selectedFields(info, "ManagedDevice"), MANAGED_DEVICE_PROPERTIES);
    const found = await data.objects("/deviceManagement/managedDevices").load({ id: objectId, select });
    return found ? toManagedDevice(data.tenantId, found) : null;
  }
}

/** Navigations answer a missing object (a user without manager) with 404; that is no data, not an error. */
export function nullIfNotFound(err: unknown): null {
  if (err instanceof PartnerGraphError && err.code === "NOT_FOUND") return null;
  throw err;
}
