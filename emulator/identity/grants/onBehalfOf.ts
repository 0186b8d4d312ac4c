import { authenticateClient } from "../clientAuth";
import { Errors } from "../errors";
import { v1Issuer } from "../issue";
import { agentMayActIn, appPresentIn } from "../tenants";
import { verifyUserAssertion } from "../userAssertion";
import { delegatedResponse, requireNoMfa } from "./delegated";
import type { GrantContext, TokenResponseBody } from "./types";

export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/**
 * On-behalf-of (docs/graph-facts.md §7): this API trades an agent's token for a delegated Graph token in
 * the agent's partner tenant or one of its customers (`common`/`organizations` = the home tenant).
 */
export async function onBehalfOfGrant(g: GrantContext): Promise<TokenResponseBody> {
  const { ctx, form } = g;
  if (form.get("requested_token_use") !== "on_behalf_of") throw Errors.missingParameter("requested_token_use");
  const assertion = form.get("assertion");
  if (!assertion) throw Errors.missingParameter("assertion");
  const client = await authenticateClient(ctx, g.req, form, g.client);
  const user = await verifyUserAssertion(ctx, assertion, client.app.clientId);
  const target = g.tenant.kind === "tenant" ? g.tenant.ref : { kind: "partner" as const, tenant: user.partner };
  if (!agentMayActIn(user.agent, target)) {
    throw Errors.userNotInTenant(
      user.agent.userPrincipalName,
      v1Issuer(user.partner.id),
      target.tenant.displayName,
      client.app.clientId,
      client.app.displayName,
    );
  }
  if (!appPresentIn(g.client, target)) throw Errors.appNotFound(g.clientId, g.segmentName);
  requireNoMfa(user.agent);
  // MSAL appends `openid profile`, to which Entra answers with an id token; MSAL builds the
  // account of the result from it (and client_info).
  return delegatedResponse({
    ctx,
    scope: form.get("scope"),
    target,
    segmentName: g.segmentName,
    client,
    agent: user.agent,
    agentPartner: user.partner,
    withIdToken: {},
  });
}
