import type { GraphQLResolveInfo } from "graphql";
import { Ctx, FieldResolver, Info, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import { Customer, toCustomer } from "../customer/customer.type";
import { Device, DEVICE_PROPERTIES, toDevice } from "../device/device.type";
import { graphSelect, selectedFields } from "../shared/selection";
import { toUser, User, USER_PROPERTIES } from "../user/user.type";
import { ManagedDevice } from "./managedDevice.type";

@Resolver(() => ManagedDevice)
export class ManagedDeviceResolver {
  @FieldResolver(() => Customer, { description: "The customer tenant this device belongs to, from the partner's customer lists (no call to the tenant)." })
  async customer(@Root() device: ManagedDevice, @Ctx() ctx: RequestContext): Promise<Customer> {
    return toCustomer(await ctx.loaders.customers.get(device.tenantId));
  }

  @FieldResolver(() => Device, {
    nullable: true,
    description:
      "The Entra device, joined on azureADDeviceId = device.deviceId (one filtered /devices call per device, in the same $batch wave); null when not registered in Entra. Needs as Customer.devices.",
  })
  async device(@Root() md: ManagedDevice, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Device | null> {
    if (!md.azureADDeviceId) return null;
    const tenant = ctx.loaders.tenant(md.tenantId);
    const found = await tenant.devices.byDeviceId(md.azureADDeviceId, graphSelect(selectedFields(info, "Device"), DEVICE_PROPERTIES));
    return found ? toDevice(tenant.tenantId, found) : null;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description:
      "The device's primary user (by userId); the users of a page of devices are read together, in one directoryObjects/getByIds call when the selection allows. Needs a directory-reading GDAP role or Directory.Read.All.",
  })
  async user(@Root() md: ManagedDevice, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<User | null> {
    if (!md.userId) return null;
    const tenant = ctx.loaders.tenant(md.tenantId);
    // The users of a page of devices are looked up together: one getByIds call when the selection allows.
    const found = await tenant.users.byIdInSet(md.userId, graphSelect(selectedFields(info, "User"), USER_PROPERTIES));
    return found ? toUser(tenant.tenantId, found) : null;
  }
}
