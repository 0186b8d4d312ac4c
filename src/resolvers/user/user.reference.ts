import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { checkObjectId } from "../../ids";
import { graphSelect, selectedFields } from "../shared/selection";
import { toUser, USER_PROPERTIES, type User } from "./user.type";

/**
 * Federation entity lookup, set-based: the router's `_entities` call with n users of a tenant costs one
 * `directoryObjects/getByIds` call (up to 1,000 ids) when the selection is within Graph's default user
 * properties, else ceil(n/20) `$batch` requests — never n.
 */
export async function resolveUserReference(ref: { tenantId: string; id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<User | null> {
  const tenant = ctx.loaders.tenant(ref.tenantId);
  const found = await tenant.users.byIdInSet(checkObjectId(String(ref.id)), graphSelect(selectedFields(info, "User"), USER_PROPERTIES));
  return found ? toUser(tenant.tenantId, found) : null;
}
