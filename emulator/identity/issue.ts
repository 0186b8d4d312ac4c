import { randomBytes } from "node:crypto";
import type { EmulatorContext } from "../context";
import type { Agent, PartnerApp, PartnerTenant } from "../data/model";
import { WellKnownApps } from "../data/model";

/**
 * Token minting, following emulator/identity/claims.md exactly (the Graph emulator relies on it).
 * Times come from ctx.now() so tests that move the clock see consistent iat/exp.
 */

/** How the client proved itself: `appidacr`/`azpacr` 1 = secret, 2 = certificate, 0 = public client. */
export type ClientAuthMethod = "0" | "1" | "2";

export interface TokenResult {
  access_token: string;
  expires_in: number;
}

/** The App ID URI of this API for a partner-managed app. */
export function apiAppIdUri(clientId: string): string {
  return `api://${clientId}`;
}

export function v2Issuer(ctx: EmulatorContext, tid: string): string {
  return `${ctx.baseUrl}/${tid}/v2.0`;
}

export function v1Issuer(tid: string): string {
  return `https://sts.windows.net/${tid}/`;
}

/** MSAL builds `homeAccountId = uid.utid` from this; utid is the user's home (partner) tenant. */
export function clientInfo(agent: Agent): string {
  return Buffer.from(JSON.stringify({ uid: agent.id, utid: agent.partnerTenantId })).toString("base64url");
}

function times(ctx: EmulatorContext): { iat: number; nbf: number; exp: number; lifetime: number } {
  const iat = Math.floor(ctx.now() / 1000);
  const lifetime = ctx.settings.tokenLifetimeSeconds;
  return { iat, nbf: iat, exp: iat + lifetime, lifetime };
}

/** `uti`: Entra's per-token unique id (base64url, 22 chars). */
function uti(): string {
  return randomBytes(16).toString("base64url");
}

/** App-only Graph token; `roles` is left out when the app holds none in that tenant. */
export async function graphAppToken(
  ctx: EmulatorContext,
  input: { audience: string; tid: string; app: PartnerApp; roles: string[] | undefined; acr: ClientAuthMethod },
): Promise<TokenResult> {
  const t = times(ctx);
  const claims: Record<string, unknown> = {
    aud: input.audience,
    iss: v1Issuer(input.tid),
    iat: t.iat,
    nbf: t.nbf,
    exp: t.exp,
    app_displayname: input.app.displayName,
    appid: input.app.clientId,
    appidacr: input.acr,
    idp: v1Issuer(input.tid),
    idtyp: "app",
    oid: input.app.servicePrincipalId,
    sub: input.app.servicePrincipalId,
    tid: input.tid,
    uti: uti(),
    ver: "1.0",
  };
  if (input.roles && input.roles.length > 0) claims.roles = input.roles;
  return { access_token: await ctx.keys.sign(claims), expires_in: t.lifetime };
}

/** Delegated Graph token for an agent acting in `tid` (its partner tenant or a customer of it). */
export async function graphDelegatedToken(
  ctx: EmulatorContext,
  input: { audience: string; tid: string; app: PartnerApp; agent: Agent; acr: ClientAuthMethod },
): Promise<TokenResult> {
  const t = times(ctx);
  const { agent } = input;
  const claims = {
    aud: input.audience,
    iss: v1Issuer(input.tid),
    iat: t.iat,
    nbf: t.nbf,
    exp: t.exp,
    acr: "1",
    amr: ["pwd"],
    app_displayname: input.app.displayName,
    appid: input.app.clientId,
    appidacr: input.acr,
    idp: v1Issuer(agent.partnerTenantId),
    idtyp: "user",
    name: agent.displayName,
    oid: agent.id,
    scp: input.app.delegatedPermissions.join(" "),
    sub: agent.id,
    tid: input.tid,
    unique_name: agent.userPrincipalName,
    upn: agent.userPrincipalName,
    uti: uti(),
    ver: "1.0",
  };
  return { access_token: await ctx.keys.sign(claims), expires_in: t.lifetime };
}

/**
 * A token for this API on behalf of an agent, in the version the API's registration asks for
 * (settings.apiTokenVersion; claims.md). v1: iss sts.windows.net, aud = the App ID URI, `appid`,
 * `upn`/`unique_name`. v2: iss {authority}/{tid}/v2.0, aud = the client id, `azp`, `preferred_username`.
 */
export async function apiUserToken(
  ctx: EmulatorContext,
  input: { partner: PartnerTenant; agent: Agent; azp: string; acr: ClientAuthMethod },
): Promise<TokenResult> {
  const t = times(ctx);
  const tid = input.partner.id;
  const common = {
    iat: t.iat,
    nbf: t.nbf,
    exp: t.exp,
    idtyp: "user",
    name: input.agent.displayName,
    oid: input.agent.id,
    scp: "access_as_user",
    sub: input.agent.id,
    tid,
    uti: uti(),
  };
  const claims =
    ctx.settings.apiTokenVersion === 2
      ? {
          ...common,
          aud: input.partner.app.clientId,
          iss: v2Issuer(ctx, tid),
          azp: input.azp,
          azpacr: input.acr,
          preferred_username: input.agent.userPrincipalName,
          ver: "2.0",
        }
      : {
          ...common,
          aud: apiAppIdUri(input.partner.app.clientId),
          iss: v1Issuer(tid),
          appid: input.azp,
          appidacr: input.acr,
          amr: ["pwd"],
          upn: input.agent.userPrincipalName,
          unique_name: input.agent.userPrincipalName,
          ver: "1.0",
        };
  return { access_token: await ctx.keys.sign(claims), expires_in: t.lifetime };
}

/**
 * App-only token for this API (client credentials with `api://{clientId}/.default`), in the version
 * the registration asks for. `roles` = the API's app roles granted to the client (PartnerApp.apiAppRoles);
 * left out when none was granted, as Entra does.
 */
export async function apiAppToken(
  ctx: EmulatorContext,
  input: { resourceApp: PartnerApp; tid: string; client: PartnerApp; acr: ClientAuthMethod },
): Promise<TokenResult> {
  const t = times(ctx);
  // Only the resource app itself can hold a grant of its roles here (it is the one app in its tenant).
  const roles = input.client.clientId === input.resourceApp.clientId ? (input.client.apiAppRoles ?? []) : [];
  const common: Record<string, unknown> = {
    iat: t.iat,
    nbf: t.nbf,
    exp: t.exp,
    idtyp: "app",
    oid: input.client.servicePrincipalId,
    sub: input.client.servicePrincipalId,
    tid: input.tid,
    uti: uti(),
    ...(roles.length > 0 ? { roles } : {}),
  };
  const claims =
    ctx.settings.apiTokenVersion === 2
      ? { ...common, aud: input.resourceApp.clientId, iss: v2Issuer(ctx, input.tid), azp: input.client.clientId, azpacr: input.acr, ver: "2.0" }
      : { ...common, aud: apiAppIdUri(input.resourceApp.clientId), iss: v1Issuer(input.tid), appid: input.client.clientId, appidacr: input.acr, ver: "1.0" };
  return { access_token: await ctx.keys.sign(claims), expires_in: t.lifetime };
}

/** A v2 id token for the authorization-code flow (MSAL checks `nonce` when it sent one). */
export async function idToken(ctx: EmulatorContext, input: { clientId: string; tid: string; agent: Agent; nonce?: string }): Promise<string> {
  const t = times(ctx);
  const claims: Record<string, unknown> = {
    aud: input.clientId,
    iss: v2Issuer(ctx, input.tid),
    iat: t.iat,
    nbf: t.nbf,
    exp: t.exp,
    name: input.agent.displayName,
    oid: input.agent.id,
    preferred_username: input.agent.userPrincipalName,
    sub: input.agent.id,
    tid: input.tid,
    ver: "2.0",
  };
  if (input.nonce) claims.nonce = input.nonce;
  return ctx.keys.sign(claims);
}

/** Graph's resource identifiers: the emulator's own host or the public one (claims.md). */
export function isGraphResource(ctx: EmulatorContext, resource: string): boolean {
  const r = resource.replace(/\/+$/, "").toLowerCase();
  return r === ctx.baseUrl.toLowerCase() || r === "https://graph.microsoft.com" || r === WellKnownApps.MicrosoftGraph;
}
