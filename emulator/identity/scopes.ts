import type { EmulatorContext } from "../context";
import type { PartnerApp, PartnerTenant } from "../data/model";
import { Errors } from "./errors";
import { isGraphResource } from "./issue";

/** OIDC scopes MSAL appends to delegated requests; they name no resource and are ignored. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);

/** The resource a request's scopes address. */
export type Resource = { kind: "graph"; audience: string } | { kind: "api"; partner: PartnerTenant; app: PartnerApp };

export function splitScopes(scope: string | null): { resourceScopes: string[]; oidc: string[] } {
  const all = (scope ?? "").split(/\s+/).filter(Boolean);
  return {
    resourceScopes: all.filter((s) => !OIDC_SCOPES.has(s.toLowerCase())),
    oidc: all.filter((s) => OIDC_SCOPES.has(s.toLowerCase())),
  };
}

/**
 * Resolves a resource identifier: Graph ({baseUrl}, graph.microsoft.com or its app id) or this
 * API (`api://{clientId}` or the bare client id of a partner-managed app).
 */
export function resolveResource(ctx: EmulatorContext, resource: string, tenantName: string): Resource {
  const trimmed = resource.replace(/\/+$/, "");
  if (isGraphResource(ctx, trimmed)) return { kind: "graph", audience: trimmed };
  const id = trimmed.toLowerCase().startsWith("api://") ? trimmed.slice("api://".length) : trimmed;
  const found = ctx.world.app(id);
  if (found) return { kind: "api", partner: found.partner, app: found.app };
  throw Errors.resourceNotFound(resource, tenantName);
}

/**
 * Scopes of a client-credentials request: exactly one resource, asked for as `{resource}/.default`
 * (Entra answers anything else with AADSTS1002012).
 */
export function clientCredentialsResource(ctx: EmulatorContext, scope: string | null, tenantName: string): Resource {
  const { resourceScopes, oidc } = splitScopes(scope);
  if (resourceScopes.length === 0) {
    if (oidc.length > 0) throw Errors.scopeNotDefault(oidc[0]!);
    throw Errors.missingParameter("scope");
  }
  const notDefault = resourceScopes.find((s) => !s.endsWith("/.default"));
  if (notDefault) throw Errors.scopeNotDefault(notDefault);
  const resources = new Set(resourceScopes.map((s) => s.slice(0, -"/.default".length).replace(/\/+$/, "").toLowerCase()));
  if (resources.size > 1) throw Errors.invalidScope(scope ?? "");
  return resolveResource(ctx, resourceScopes[0]!.slice(0, -"/.default".length), tenantName);
}

/**
 * Scopes of a delegated request: one resource, either `{resource}/{permission}` (including
 * `.default`) or bare Graph permission names such as `User.Read`, which Entra maps to Graph.
 */
export function delegatedResource(ctx: EmulatorContext, scope: string | null, tenantName: string): { resource: Resource; requested: string[] } {
  const { resourceScopes } = splitScopes(scope);
  if (resourceScopes.length === 0) throw Errors.missingParameter("scope");
  const resources = new Set<string>();
  for (const s of resourceScopes) {
    const slash = s.lastIndexOf("/");
    resources.add(slash > 0 && s.includes("://") ? s.slice(0, slash).replace(/\/+$/, "").toLowerCase() : "https://graph.microsoft.com");
  }
  if (resources.size > 1) throw Errors.invalidScope(scope ?? "");
  const first = resourceScopes[0]!;
  const slash = first.lastIndexOf("/");
  const resource = slash > 0 && first.includes("://") ? first.slice(0, slash) : "https://graph.microsoft.com";
  return { resource: resolveResource(ctx, resource, tenantName), requested: resourceScopes };
}
