import { WellKnownApps, type Agent, type PartnerApp, type PartnerTenant } from "../../data/model";
import type { EmulatorContext } from "../../context";
import type { TenantRef } from "../../world";
import { Errors } from "../errors";
import { apiUserToken, clientInfo, graphDelegatedToken, idToken, type ClientAuthMethod } from "../issue";
import { delegatedResource, splitScopes } from "../scopes";
import type { TokenResponseBody } from "./types";

export interface DelegatedInput {
  ctx: EmulatorContext;
  scope: string | null;
  /** The tenant the token is for (the authority's), already checked to admit the agent. */
  target: TenantRef;
  segmentName: string;
  client: { partner: PartnerTenant; app: PartnerApp; acr: ClientAuthMethod };
  agent: Agent;
  agentPartner: PartnerTenant;
  /** Issue an id token when `openid` was asked for. */
  withIdToken?: { nonce?: string };
}

/** Entra's MFA challenge for agents under a Conditional Access policy (AADSTS50079 + `claims`). */
export function requireNoMfa(agent: Agent): void {
  // A stable policy id per agent, so a client can match the challenge across attempts.
  if (agent.mfaRequired) throw Errors.mfaRequired(WellKnownApps.MicrosoftGraph, `cap-${agent.id}`);
}

/**
 * A delegated token for an agent: a v1 Graph token in the target tenant (claims.md), or a token
 * for this API when the scope names `api://{clientId}`. The response carries `client_info`, from
 * which MSAL builds the account it caches OBO and auth-code results under.
 */
export async function delegatedResponse(input: DelegatedInput): Promise<TokenResponseBody> {
  const { ctx, agent } = input;
  const { resource, requested } = delegatedResource(ctx, input.scope, input.segmentName);
  let token: { access_token: string; expires_in: number };
  let granted: string[];
  if (resource.kind === "graph") {
    token = await graphDelegatedToken(ctx, { audience: resource.audience, tid: input.target.tenant.id, app: input.client.app, agent, acr: input.client.acr });
    granted = input.client.app.delegatedPermissions;
  } else {
    // This API exists only in its own partner tenant, so only that partner's agents get tokens for it.
    if (resource.partner.id !== input.agentPartner.id) throw Errors.resourceNotFound(requested[0] ?? "", input.segmentName);
    const bad = requested.find((s) => !/\/(access_as_user|\.default)$/i.test(s));
    if (bad) throw Errors.invalidScope(bad);
    token = await apiUserToken(ctx, { partner: input.agentPartner, agent, azp: input.client.app.clientId, acr: input.client.acr });
    granted = [`api://${resource.app.clientId}/access_as_user`];
  }
  // Echoing the requested scopes too lets MSAL's cache match the next identical request
  // (it looks cached tokens up by the scopes it asked for, `.default` included).
  const scope = [...new Set([...requested, ...granted])].join(" ");
  const body: TokenResponseBody = {
    token_type: "Bearer",
    scope,
    expires_in: token.expires_in,
    ext_expires_in: token.expires_in,
    access_token: token.access_token,
    client_info: clientInfo(agent),
  };
  const wantsOpenId = splitScopes(input.scope).oidc.some((s) => s.toLowerCase() === "openid");
  if (input.withIdToken && wantsOpenId) {
    body.id_token = await idToken(ctx, { clientId: input.client.app.clientId, tid: input.target.tenant.id, agent, nonce: input.withIdToken.nonce });
  }
  return body;
}
