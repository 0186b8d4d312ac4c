import type { EmulatorContext } from "../context";
import { json, type EmuRequest, type EmuResponse } from "../http";
import { aadErrorResponse, AadError, Errors } from "./errors";
import { resolveTenantSegment, type TenantSegment } from "./tenants";

/** Entra sends discovery documents with this header (docs/graph-facts.md §7). */
const DISCOVERY_CACHE = { "cache-control": "max-age=86400, private" };

/**
 * OpenID discovery, v2 (`/{t}/v2.0/.well-known/openid-configuration`) and v1
 * (`/{t}/.well-known/openid-configuration`). MSAL checks that the v2 `issuer` has the authority's
 * scheme, host and port, so the issuer is built on the emulator's own base URL.
 */
export function openIdConfiguration(req: EmuRequest, ctx: EmulatorContext, segment: string, version: 1 | 2): EmuResponse {
  const resolved = resolveTenantSegment(ctx, segment);
  const tid = resolved?.kind === "tenant" ? resolved.ref.tenant.id : undefined;
  ctx.counters.count("discovery", tid ? { tenantId: tid } : {});
  if (!resolved) return aadErrorResponse(Errors.tenantNotFound(segment, "invalid_tenant"), ctx, correlation(req));
  const base = ctx.baseUrl;
  // Endpoints name the tenant by id even when it was asked for by domain, as Entra does;
  // common/organizations keep their name and the issuer becomes the `{tenantid}` template.
  const t = tid ?? (resolved.kind === "multi" ? resolved.name : segment);
  const issuerTenant = tid ?? "{tenantid}";
  const v = version === 2 ? "/v2.0" : "";
  const doc: Record<string, unknown> = {
    token_endpoint: `${base}/${t}/oauth2${v}/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/${t}/discovery${v}/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: version === 2 ? `${base}/${issuerTenant}/v2.0` : `https://sts.windows.net/${issuerTenant}/`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${base}/${t}/oauth2${v}/authorize`,
    device_authorization_endpoint: `${base}/${t}/oauth2${v}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${t}/oauth2${v}/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${base}/${t}/kerberos`,
    ...regionFields(resolved),
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: new URL(base).host,
    rbac_url: "https://pas.windows.net",
  };
  return json(200, doc, DISCOVERY_CACHE);
}

function regionFields(resolved: TenantSegment): Record<string, string> {
  // Entra's multi-tenant documents carry no region; a tenant's carries the region it lives in.
  return resolved.kind === "tenant" ? { tenant_region_scope: resolved.ref.tenant.region } : {};
}

/**
 * Instance discovery (`/common/discovery/instance`). MSAL never asks the emulator for it (it calls
 * login.microsoftonline.com unless the host is in knownAuthorities), but other clients may.
 */
export function instanceDiscovery(req: EmuRequest, ctx: EmulatorContext): EmuResponse {
  ctx.counters.count("discovery");
  const host = new URL(ctx.baseUrl).host;
  const authz = req.url.searchParams.get("authorization_endpoint");
  let tenant = "common";
  if (authz) {
    let url: URL | undefined;
    try {
      url = new URL(authz);
    } catch {
      url = undefined;
    }
    if (!url || url.host !== host) {
      return aadErrorResponse(new AadError(400, "invalid_instance", 50049, "Unknown or invalid instance."), ctx, correlation(req));
    }
    tenant = url.pathname.split("/").filter(Boolean)[0] ?? "common";
  }
  return json(
    200,
    {
      tenant_discovery_endpoint: `${ctx.baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
    DISCOVERY_CACHE,
  );
}

/** Signing keys (`/{t}/discovery/v2.0/keys`, v1 `/{t}/discovery/keys`): one key for every tenant. */
export function jwks(req: EmuRequest, ctx: EmulatorContext, segment: string): EmuResponse {
  const resolved = resolveTenantSegment(ctx, segment);
  const tid = resolved?.kind === "tenant" ? resolved.ref.tenant.id : undefined;
  ctx.counters.count("jwks", tid ? { tenantId: tid } : {});
  if (!resolved) return aadErrorResponse(Errors.tenantNotFound(segment, "invalid_tenant"), ctx, correlation(req));
  return json(200, ctx.keys.jwks(), DISCOVERY_CACHE);
}

function correlation(req: EmuRequest): string | undefined {
  return req.url.searchParams.get("client-request-id") ?? req.headers["client-request-id"];
}
