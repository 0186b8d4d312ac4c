import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { graphSelect, selectedFields } from "../shared/selection";
import { checkObjectId, checkTenantId } from "../shared/ids";
import { toUser, USER_PROPERTIES, type User } from "./user.type";

/**
 * Federation entity lookup: goes through the tenant's user loader, so the router's `_entities` call
 * with n users of a tenant costs ceil(n/20) Graph requests, not n.
 */
export async function resolveUserReference(ref: { tenantId: string; id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<User | null> {
  const record = await ctx.data.customers.get(checkTenantId(String(ref.tenantId)));
  const select = graphSelect(selectedFields(info, "User"), USER_PROPERTIES);
  const found = await ctx.data.tenant(record).users.load({ id: checkObjectId(String(ref.id)), select });
  return found ? toUser(record.id, found) : null;
}
