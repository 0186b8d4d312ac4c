import { CallerResolver } from "./caller/caller.resolver";
import { CustomerPartnerResolver } from "./customer/customer.partner.resolver";
import { CustomerResolver } from "./customer/customer.resolver";
import { resolveCustomerReference } from "./customer/customer.reference";
import { UserResolver } from "./user/user.resolver";
import { CustomerDirectoryResolver } from "./customer/customer.directory.resolver";
import { UserNavigationResolver } from "./user/user.navigation.resolver";
import { GroupResolver } from "./group/group.resolver";
import { resolveGroupReference } from "./group/group.reference";
import { DeviceResolver } from "./device/device.resolver";
import { resolveDeviceReference } from "./device/device.reference";
import { ManagedDeviceResolver } from "./managedDevice/managedDevice.resolver";
import { resolveManagedDeviceReference } from "./managedDevice/managedDevice.reference";
import { OrganizationResolver } from "./organization/organization.resolver";
import { resolveOrganizationReference } from "./organization/organization.reference";
import { resolveUserReference } from "./user/user.reference";

/** The explicit list of resolver classes handed to type-graphql. */
export const resolvers = [
  CustomerResolver,
  CustomerPartnerResolver,
  CallerResolver,
  UserResolver,
  CustomerDirectoryResolver,
  UserNavigationResolver,
  GroupResolver,
  DeviceResolver,
  ManagedDeviceResolver,
  OrganizationResolver,
] as const;

/** Federation reference resolvers, by entity type. */
export const referenceResolvers = {
  Customer: { __resolveReference: resolveCustomerReference },
  User: { __resolveReference: resolveUserReference },
  Group: { __resolveReference: resolveGroupReference },
  Device: { __resolveReference: resolveDeviceReference },
  ManagedDevice: { __resolveReference: resolveManagedDeviceReference },
  Organization: { __resolveReference: resolveOrganizationReference },
};
