import { CallerResolver } from "./caller/caller.resolver";
import { CustomerPartnerResolver } from "./customer/customer.partner.resolver";
import { CustomerResolver } from "./customer/customer.resolver";
import { resolveCustomerReference } from "./customer/customer.reference";
import { UserResolver } from "./user/user.resolver";
import { resolveUserReference } from "./user/user.reference";

/** The explicit list of resolver classes handed to type-graphql. */
export const resolvers = [CustomerResolver, CustomerPartnerResolver, CallerResolver, UserResolver] as const;

/** Federation reference resolvers, by entity type. */
export const referenceResolvers = {
  Customer: { __resolveReference: resolveCustomerReference },
  User: { __resolveReference: resolveUserReference },
};
