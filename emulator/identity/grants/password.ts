import { authenticateClient } from "../clientAuth";
import { Errors } from "../errors";
import { v1Issuer } from "../issue";
import { agentMayActIn, appPresentIn } from "../tenants";
import { delegatedResponse, requireNoMfa } from "./delegated";
import type { GrantContext, TokenResponseBody } from "./types";

/**
 * Resource owner password credentials, for demo agents signing in to this API without a browser.
 * Public clients (no credential) are accepted, as Entra does for ROPC-enabled apps.
 */
export async function passwordGrant(g: GrantContext): Promise<TokenResponseBody> {
  const { ctx, form } = g;
  const username = form.get("username");
  const password = form.get("password");
  if (!username) throw Errors.missingParameter("username");
  if (password === null) throw Errors.missingParameter("password");
  const client = await authenticateClient(ctx, g.req, form, g.client, { optional: true });
  const found = ctx.world.agent(username);
  const target = g.tenant.kind === "tenant" ? g.tenant.ref : found ? { kind: "partner" as const, tenant: found.partner } : undefined;
  if (!found || !target) throw Errors.userNotFound(username, target?.tenant.displayName ?? g.segmentName);
  if (!agentMayActIn(found.agent, target)) {
    throw Errors.userNotInTenant(
      found.agent.userPrincipalName,
      v1Issuer(found.partner.id),
      target.tenant.displayName,
      client.app.clientId,
      client.app.displayName,
    );
  }
  if (password !== found.agent.password) throw Errors.badPassword();
  if (!appPresentIn(g.client, target)) throw Errors.appNotFound(g.clientId, g.segmentName);
  requireNoMfa(found.agent);
  return delegatedResponse({
    ctx,
    scope: form.get("scope"),
    target,
    segmentName: g.segmentName,
    client,
    agent: found.agent,
    agentPartner: found.partner,
    withIdToken: {},
  });
}
