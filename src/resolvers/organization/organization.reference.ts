import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { graphSelect, selectedFields } from "../shared/selection";
import { tenantData } from "../shared/tenant";
import { ORGANIZATION_PROPERTIES, toOrganization, type Organization } from "./organization.type";

/** Federation entity lookup: a tenant has one organization, whose id is the tenant id. */
export async function resolveOrganizationReference(ref: { tenantId: string; id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Organization | null> {
  const data = await tenantData(ctx, ref.tenantId);
  if (String(ref.id).toLowerCase() !== data.tenantId) return null;
  const org = await data.organization(graphSelect(selectedFields(info, "Organization"), ORGANIZATION_PROPERTIES));
  return org ? toOrganization(data.tenantId, org) : null;
}
