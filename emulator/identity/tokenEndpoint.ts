import type { EmulatorContext } from "../context";
import { sleep } from "../faults";
import { formBody, json, type EmuRequest, type EmuResponse } from "../http";
import { requestClientId } from "./clientAuth";
import { AadError, aadErrorResponse, Errors } from "./errors";
import { authorizationCodeGrant } from "./grants/authorizationCode";
import { clientCredentialsGrant } from "./grants/clientCredentials";
import { JWT_BEARER_GRANT, onBehalfOfGrant } from "./grants/onBehalfOf";
import { passwordGrant } from "./grants/password";
import type { GrantContext, TokenResponseBody } from "./grants/types";
import { resolveTenantSegment } from "./tenants";

const GRANTS: Record<string, (g: GrantContext) => Promise<TokenResponseBody>> = {
  client_credentials: clientCredentialsGrant,
  [JWT_BEARER_GRANT]: onBehalfOfGrant,
  authorization_code: authorizationCodeGrant,
  password: passwordGrant,
};

/**
 * `POST /{tenant}/oauth2/v2.0/token` (and the v1 `/oauth2/token`, whose `resource` parameter is
 * read as `{resource}/.default`). MSAL's extra form fields (x-client-*, client-request-id,
 * client_info, telemetry) are ignored; every failure is an AADSTS-shaped body (errors.ts).
 */
export async function handleToken(req: EmuRequest, ctx: EmulatorContext, segment: string, version: 1 | 2): Promise<EmuResponse> {
  const form = readForm(req, version);
  const correlationId = form.get("client-request-id") ?? req.url.searchParams.get("client-request-id") ?? req.headers["client-request-id"];
  const resolved = resolveTenantSegment(ctx, segment);
  const tid = resolved?.kind === "tenant" ? resolved.ref.tenant.id : undefined;
  const clientId = requestClientId(req, form);
  ctx.counters.count("token", { ...(tid ? { tenantId: tid } : {}), ...(clientId ? { appId: clientId } : {}) });
  const end = ctx.counters.begin("token", tid ?? segment.toLowerCase());
  try {
    await sleep(ctx.faults.delayMs("token"));
    if (ctx.faults.tokenFault(tid ?? segment.toLowerCase())) {
      const retryAfter = ctx.faults.config.retryAfter;
      return aadErrorResponse(Errors.temporarilyUnavailable(), ctx, correlationId, retryAfter ? { "retry-after": retryAfter } : {});
    }
    if (req.method !== "POST") throw Errors.postOnly(req.method);
    if (!resolved) throw Errors.tenantNotFound(segment);
    const grantType = form.get("grant_type");
    if (!grantType) throw Errors.missingParameter("grant_type");
    const grant = GRANTS[grantType];
    if (!grant) throw Errors.unsupportedGrant(grantType);
    if (!clientId) throw Errors.missingParameter("client_id");
    const client = ctx.world.app(clientId);
    if (!client) throw Errors.appNotFound(clientId, segment);
    const body = await grant({ ctx, req, form, segmentName: segment, tenant: resolved, clientId, client });
    return json(200, body, { "cache-control": "no-store, no-cache", pragma: "no-cache" });
  } catch (e) {
    if (e instanceof AadError) return aadErrorResponse(e, ctx, correlationId);
    throw e;
  } finally {
    end();
  }
}

function readForm(req: EmuRequest, version: 1 | 2): URLSearchParams {
  const form = formBody(req);
  const resource = form.get("resource");
  if (version === 1 && resource && !form.get("scope")) form.set("scope", `${resource.replace(/\/+$/, "")}/.default`);
  return form;
}
