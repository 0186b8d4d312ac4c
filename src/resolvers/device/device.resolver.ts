import type { GraphQLResolveInfo } from "graphql";
import { Args, Ctx, FieldResolver, Info, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { Customer, toCustomer } from "../customer/customer.type";
import { ManagedDevice, MANAGED_DEVICE_PROPERTIES, toManagedDevice } from "../managedDevice/managedDevice.type";
import { connection, type Connection, PageArgs } from "../shared/connection";
import { graphSelect, isSelected, selectedFields, selectedNodeFields } from "../shared/selection";
import { UserConnection } from "../user/user.connection";
import { toUser, User, USER_PROPERTIES } from "../user/user.type";
import { Device } from "./device.type";

@Resolver(() => Device)
export class DeviceResolver {
  @FieldResolver(() => Customer, { description: "The customer tenant this device belongs to, from the partner's customer lists (no call to the tenant)." })
  async customer(@Root() device: Device, @Ctx() ctx: RequestContext): Promise<Customer> {
    return toCustomer(await ctx.loaders.customers.get(device.tenantId));
  }

  @FieldResolver(() => UserConnection, {
    nullable: true,
    description:
      "Users registered as the device's owners; Entra allows at most one (Graph GET /devices/{id}/registeredOwners). One call per device, batched 20 to a $batch; needs a directory-reading GDAP role or Directory.Read.All.",
  })
  async registeredOwners(
    @Root() device: Device,
    @Args() args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<User>> {
    const tenant = ctx.loaders.tenant(device.tenantId);
    const page = await tenant.links.registeredOwners(
      device.id,
      { select: graphSelect(selectedNodeFields(info, "User"), USER_PROPERTIES), count: isSelected(info, "totalCount") },
      args,
    );
    return connection(page, (o) => toUser(tenant.tenantId, o));
  }

  @FieldResolver(() => ManagedDevice, {
    nullable: true,
    description:
      "The Intune record of this device, joined on its deviceId (Intune's azureADDeviceId): one filtered Intune list call per device, in the same $batch wave. Needs as Customer.managedDevices; null when Intune has none.",
  })
  async managedDevice(@Root() device: Device, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<ManagedDevice | null> {
    if (!device.deviceId) return null;
    const tenant = ctx.loaders.tenant(device.tenantId);
    const found = await tenant.managedDevices.byAzureADDeviceId(device.deviceId, graphSelect(selectedFields(info, "ManagedDevice"), MANAGED_DEVICE_PROPERTIES));
    return found ? toManagedDevice(tenant.tenantId, found) : null;
  }
}
