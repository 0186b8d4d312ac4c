import { authenticateClient } from "../clientAuth";
import { findCode, pkceMatches } from "../codes";
import { Errors } from "../errors";
import { appPresentIn } from "../tenants";
import { delegatedResponse } from "./delegated";
import type { GrantContext, TokenResponseBody } from "./types";

/**
 * authorization_code with PKCE: redeems a code from the sign-in page. Codes are single-use and
 * bound to the client, redirect URI, tenant and PKCE challenge of the authorize request.
 */
export async function authorizationCodeGrant(g: GrantContext): Promise<TokenResponseBody> {
  const { ctx, form } = g;
  const code = form.get("code");
  if (!code) throw Errors.missingParameter("code");
  const client = await authenticateClient(ctx, g.req, form, g.client);
  const grant = findCode(ctx, code);
  if (!grant || grant.expiresAt <= ctx.now()) throw Errors.codeExpired();
  if (grant.redeemed) throw Errors.codeRedeemed();
  if (grant.clientId.toLowerCase() !== client.app.clientId.toLowerCase()) throw Errors.codeMismatch("client");
  if ((form.get("redirect_uri") ?? "") !== grant.redirectUri) throw Errors.codeMismatch("redirect_uri");
  const requestedTenant = g.tenant.kind === "tenant" ? g.tenant.ref.tenant.id : undefined;
  if (requestedTenant && requestedTenant !== grant.tenantId) throw Errors.codeMismatch("tenant");
  if (!pkceMatches(grant, form.get("code_verifier"))) throw Errors.pkceMismatch();
  grant.redeemed = true;

  const target = ctx.world.tenant(grant.tenantId);
  const found = ctx.world.agent(grant.agentId);
  if (!target || !found) throw Errors.codeExpired();
  if (!appPresentIn(g.client, target)) throw Errors.appNotFound(g.clientId, g.segmentName);
  return delegatedResponse({
    ctx,
    // The token request may narrow the scopes; without any, those of the authorize request apply.
    scope: form.get("scope") ?? grant.scope,
    target,
    segmentName: g.segmentName,
    client,
    agent: found.agent,
    agentPartner: found.partner,
    withIdToken: { nonce: grant.nonce },
  });
}
