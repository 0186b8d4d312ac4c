import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { checkObjectId } from "../../ids";
import { graphSelect, selectedFields } from "../shared/selection";
import { GROUP_PROPERTIES, toGroup, type Group } from "./group.type";

/** Federation entity lookup: many groups of a tenant become one getByIds call when the selection allows. */
export async function resolveGroupReference(ref: { tenantId: string; id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Group | null> {
  const tenant = ctx.loaders.tenant(ref.tenantId);
  const found = await tenant.groups.byIdInSet(checkObjectId(String(ref.id), false), graphSelect(selectedFields(info, "Group"), GROUP_PROPERTIES));
  return found ? toGroup(tenant.tenantId, found) : null;
}
