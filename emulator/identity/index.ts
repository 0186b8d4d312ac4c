import type { EmulatorContext } from "../context";
import type { EmuRequest, EmuResponse } from "../http";
import { handleAuthorize } from "./authorize";
import { instanceDiscovery, jwks, openIdConfiguration } from "./discovery";
import { apiUserToken } from "./issue";
import { handleToken } from "./tokenEndpoint";

/**
 * The Microsoft identity platform of the emulator. Paths are `/{tenant}/…` where `{tenant}` is a
 * tenant id, a verified domain, or `common`/`organizations`:
 *   GET  /{t}/v2.0/.well-known/openid-configuration, /{t}/.well-known/openid-configuration
 *   GET  /common/discovery/instance
 *   GET  /{t}/discovery/v2.0/keys, /{t}/discovery/keys
 *   POST /{t}/oauth2/v2.0/token, /{t}/oauth2/token
 *   GET|POST /{t}/oauth2/v2.0/authorize, /{t}/oauth2/authorize
 * Answers undefined for any other path so the server can try its other handlers.
 */
export async function handleIdentity(req: EmuRequest, ctx: EmulatorContext): Promise<EmuResponse | undefined> {
  const [tenant, ...rest] = req.url.pathname.split("/").filter(Boolean);
  if (!tenant) return undefined;
  const route = rest.join("/").toLowerCase();
  const isGet = req.method === "GET" || req.method === "HEAD";
  switch (route) {
    case "v2.0/.well-known/openid-configuration":
      return isGet ? openIdConfiguration(req, ctx, tenant, 2) : undefined;
    case ".well-known/openid-configuration":
      return isGet ? openIdConfiguration(req, ctx, tenant, 1) : undefined;
    case "discovery/instance":
      return isGet && tenant.toLowerCase() === "common" ? instanceDiscovery(req, ctx) : undefined;
    case "discovery/v2.0/keys":
    case "discovery/keys":
      return isGet ? jwks(req, ctx, tenant) : undefined;
    case "oauth2/v2.0/token":
      return handleToken(req, ctx, tenant, 2);
    case "oauth2/token":
      return handleToken(req, ctx, tenant, 1);
    case "oauth2/v2.0/authorize":
    case "oauth2/authorize":
      return isGet || req.method === "POST" ? handleAuthorize(req, ctx, tenant) : undefined;
    default:
      return undefined;
  }
}

/**
 * A token for this API on behalf of an agent (id or UPN), as the demo sign-in of the control API
 * hands out: in the version settings.apiTokenVersion names (v1 by default), aud = the agent's regional partner-managed app, `scp = access_as_user`.
 */
export async function issueAgentApiToken(ctx: EmulatorContext, agentIdOrUpn: string): Promise<{ access_token: string; expires_in: number }> {
  const found = ctx.world.agent(agentIdOrUpn);
  if (!found) throw new Error(`no agent ${agentIdOrUpn}`);
  return apiUserToken(ctx, { partner: found.partner, agent: found.agent, azp: found.partner.app.clientId, acr: "1" });
}
