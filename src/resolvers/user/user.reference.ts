import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { directoryLookups } from "../../loaders/directoryLookups";
import { graphSelect, selectedFields } from "../shared/selection";
import { checkObjectId } from "../shared/ids";
import { tenantData } from "../shared/tenant";
import { toUser, USER_PROPERTIES, type User } from "./user.type";

/**
 * Federation entity lookup, set-based: the router's `_entities` call with n users of a tenant costs one
 * `directoryObjects/getByIds` call (up to 1,000 ids) when the selection is within Graph's default user
 * properties, else ceil(n/20) `$batch` requests — never n.
 */
export async function resolveUserReference(ref: { tenantId: string; id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<User | null> {
  const data = await tenantData(ctx, ref.tenantId);
  const select = graphSelect(selectedFields(info, "User"), USER_PROPERTIES);
  const found = await directoryLookups(data).byIds("user").load({ id: checkObjectId(String(ref.id)), select });
  return found ? toUser(data.tenantId, found) : null;
}
