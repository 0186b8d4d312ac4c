import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { directoryLookups } from "../../loaders/directoryLookups";
import { checkObjectId } from "../shared/ids";
import { graphSelect, selectedFields } from "../shared/selection";
import { tenantData } from "../shared/tenant";
import { GROUP_PROPERTIES, toGroup, type Group } from "./group.type";

/** Federation entity lookup: many groups of a tenant become one getByIds call when the selection allows. */
export async function resolveGroupReference(ref: { tenantId: string; id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Group | null> {
  const data = await tenantData(ctx, ref.tenantId);
  const select = graphSelect(selectedFields(info, "Group"), GROUP_PROPERTIES);
  const found = await directoryLookups(data).byIds("group").load({ id: checkObjectId(String(ref.id), false), select });
  return found ? toGroup(data.tenantId, found) : null;
}
