import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { graphSelect, selectedFields } from "../shared/selection";
import { ORGANIZATION_PROPERTIES, toOrganization, type Organization } from "./organization.type";

/** Federation entity lookup: a tenant has one organization, whose id is the tenant id. */
export async function resolveOrganizationReference(
  ref: { tenantId: string; id: string },
  ctx: RequestContext,
  info: GraphQLResolveInfo,
): Promise<Organization | null> {
  const tenant = ctx.loaders.tenant(ref.tenantId);
  // Through the directory first: a tenant that is not the caller's customer fails FORBIDDEN, whatever the id.
  await tenant.reachable();
  if (String(ref.id).toLowerCase() !== tenant.tenantId) return null;
  const org = await tenant.organization.get(graphSelect(selectedFields(info, "Organization"), ORGANIZATION_PROPERTIES));
  return org ? toOrganization(tenant.tenantId, org) : null;
}
