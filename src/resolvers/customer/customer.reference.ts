import type { RequestContext } from "../../context";
import { checkTenantId } from "../../ids";
import { toCustomer, type Customer } from "./customer.type";

/** Federation entity lookup of a customer: from the caller's customer directory (one listing per operation). */
export async function resolveCustomerReference(ref: { id: string }, ctx: RequestContext): Promise<Customer> {
  return toCustomer(await ctx.loaders.customers.get(checkTenantId(String(ref.id))));
}
