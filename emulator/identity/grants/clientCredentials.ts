import type { CustomerTenant, PartnerTenant } from "../../data/model";
import type { EmulatorContext } from "../../context";
import { authenticateClient } from "../clientAuth";
import { Errors } from "../errors";
import { apiAppToken, graphAppToken } from "../issue";
import { clientCredentialsResource } from "../scopes";
import { appPresentIn } from "../tenants";
import type { GrantContext, TokenResponseBody } from "./types";

/**
 * client_credentials (docs/graph-facts.md §7): app-only tokens for Graph or for this API. A partner-managed
 * app exists in its own partner tenant and, through pre-consent, in that partner's customers; an
 * app of another partner (hence another region) is "not found in the directory" (AADSTS700016).
 */
export async function clientCredentialsGrant(g: GrantContext): Promise<TokenResponseBody> {
  const { ctx } = g;
  if (g.tenant.kind === "multi") throw Errors.grantNotOnCommon();
  const ref = g.tenant.ref;
  if (!appPresentIn(g.client, ref)) throw Errors.appNotFound(g.clientId, g.segmentName);
  const client = await authenticateClient(ctx, g.req, g.form, g.client);
  const resource = clientCredentialsResource(ctx, g.form.get("scope"), g.segmentName);
  const tid = ref.tenant.id;
  const token =
    resource.kind === "graph"
      ? await graphAppToken(ctx, {
          audience: resource.audience,
          tid,
          app: client.app,
          roles: ref.kind === "partner" ? client.app.applicationPermissions : customerRoles(ctx, client.partner, ref.tenant),
          acr: client.acr,
        })
      : await apiToken();
  return { token_type: "Bearer", expires_in: token.expires_in, ext_expires_in: token.expires_in, access_token: token.access_token };

  async function apiToken() {
    if (resource.kind !== "api" || !appPresentIn({ partner: resource.partner, app: resource.app }, ref)) {
      throw Errors.resourceNotFound(g.form.get("scope") ?? "", g.segmentName);
    }
    return apiAppToken(ctx, { resourceApp: resource.app, tid, client: client.app, acr: client.acr });
  }
}

/**
 * Pre-consented app roles in a customer tenant: none while the app's service principal is out of
 * AdminAgents, or before the partner relationship has reached the tenant (a token minted then
 * never gains them: Microsoft's "acquire a new token" advice).
 */
function customerRoles(ctx: EmulatorContext, partner: PartnerTenant, customer: CustomerTenant): string[] | undefined {
  if (!partner.appInAdminAgents) return undefined;
  if (ctx.now() < customer.propagatedAt) return undefined;
  // What the app holds in this customer now (the control API may narrow it); fixed in the token from here on.
  return ctx.world.appPermissionsIn(customer);
}
