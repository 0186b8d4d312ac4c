import { createHash } from "node:crypto";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { fetch, type Agent } from "undici";
import type { Config, PartnerTenantConfig } from "../config";
import { appRoleMissing, signingKeysUnavailable, tokenNotForThisApi, unauthenticated } from "../errors";
import type { Caller } from "./caller";

/** The only algorithm Entra signs access tokens with; `none` and HMAC are never accepted. */
const ALGORITHMS = ["RS256"];
const JWKS_TTL_MS = 60 * 60_000;
/** A key id not in the cached set triggers at most one refetch per this interval (key rollover). */
const JWKS_REFRESH_COOLDOWN_MS = 60_000;

/**
 * Clock skew tolerated on `exp`/`nbf`: 30 s. Entra already back-dates `iat`/`nbf` by about five minutes
 * and both sides keep NTP time, so the tolerance only has to absorb a few seconds of drift on `exp`.
 * Anything larger lets an expired token in: an app caller would be served with it, and an agent's would
 * only fail later at on-behalf-of (AADSTS500133, answered UNAUTHENTICATED). Entra's guidance caps it at 5 min.
 */
export const CLOCK_SKEW_SECONDS = 30;

/** The app role of this API a partner service's app-only token must carry (defined in each regional app registration). */
export const APP_ROLE = "PartnerGraph.Read.All";

/** The delegated scope of this API an agent's token must carry. */
const USER_SCOPE = "access_as_user";

/** v1 issuers are on the sts host of the cloud, not the login host (docs/graph-facts.md §7). */
function v1IssuerHost(authorityHost: string): string {
  const host = new URL(authorityHost).hostname;
  return host === "login.chinacloudapi.cn" || host === "login.partner.microsoftonline.cn" ? "https://sts.chinacloudapi.cn" : "https://sts.windows.net";
}

export interface VerifiedCaller {
  caller: Caller;
  /** The raw bearer, for the on-behalf-of exchange; never leaves src/auth. */
  assertion?: string;
}

/**
 * Validates bearer tokens addressed to this API, v1 (Entra's default while the registration's
 * accessTokenAcceptedVersion is unset) and v2 alike, each strictly:
 * - `tid` a configured partner tenant; `iss` exactly the form of the token's `ver` for that tenant:
 *   v1 `https://sts.windows.net/{tid}/`, v2 `{authorityHost}/{tid}/v2.0`;
 * - `aud` that partner tenant's app: its client id or `api://{clientId}`;
 * - RS256 with a key of that tenant's JWKS; `exp` present and not past (CLOCK_SKEW_SECONDS);
 * - the calling client named by the version's claim: v1 `appid`, v2 `azp`.
 * Every failure of the token itself gets the same text, so the answer tells an attacker nothing about why.
 */
export class CallerAuthenticator {
  private readonly partners = new Map<string, PartnerTenantConfig>();
  private readonly v1IssuerHost: string;
  private readonly jwks = new Map<string, { set: ReturnType<typeof createLocalJWKSet>; fetchedAt: number; kids: Set<string> }>();

  constructor(
    private readonly config: Config,
    private readonly dispatcher: Agent,
    private readonly now: () => number = Date.now,
  ) {
    for (const p of config.partnerTenants) this.partners.set(p.tenantId.toLowerCase(), p);
    this.v1IssuerHost = v1IssuerHost(config.authorityHost);
  }

  async authenticate(authorization: string | undefined): Promise<VerifiedCaller> {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization?.trim() ?? "");
    if (!match) throw unauthenticated();
    const token = match[1];
    let tid: string;
    let ver: unknown;
    try {
      const header = decodeProtectedHeader(token);
      if (!ALGORITHMS.includes(String(header.alg))) throw unauthenticated();
      const claims = decodeJwt(token);
      tid = String(claims.tid ?? "").toLowerCase();
      ver = claims.ver;
    } catch {
      throw unauthenticated();
    }
    const partner = this.partners.get(tid);
    if (!partner || (ver !== "1.0" && ver !== "2.0")) throw unauthenticated();
    const payload = await this.verify(token, tid, ver, partner);
    const clientId = ver === "1.0" ? payload.appid : payload.azp;
    if (typeof clientId !== "string" || !clientId) throw unauthenticated();
    return { caller: this.callerOf(payload, partner, clientId, token), assertion: token };
  }

  private async verify(token: string, tid: string, ver: "1.0" | "2.0", partner: PartnerTenantConfig): Promise<JWTPayload> {
    const options = {
      algorithms: ALGORITHMS,
      issuer: ver === "1.0" ? `${this.v1IssuerHost}/${tid}/` : `${this.config.authorityHost}/${tid}/v2.0`,
      audience: [partner.app.clientId, `api://${partner.app.clientId}`],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(this.now()),
      requiredClaims: ["exp"],
    };
    const keys = await this.keysFor(tid, token);
    try {
      return (await jwtVerify(token, keys, options)).payload;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) throw unauthenticated();
      throw signingKeysUnavailable();
    }
  }

  private callerOf(p: JWTPayload, partner: PartnerTenantConfig, clientId: string, token: string): Caller {
    const tid = partner.tenantId.toLowerCase();
    // Delegated tokens always carry `scp`, app-only ones never; `idtyp` is an optional claim, checked when present.
    if (p.scp === undefined) {
      if (p.idtyp !== undefined && p.idtyp !== "app") throw tokenNotForThisApi();
      const roles = Array.isArray(p.roles) ? p.roles : [];
      if (!roles.includes(APP_ROLE)) {
        throw appRoleMissing(APP_ROLE);
      }
      const regions = this.appRegions(clientId, partner.region);
      return { mode: "app", partition: `app:${regions.join("+")}`, appId: clientId, partnerTenantId: tid, regions };
    }
    if (p.idtyp !== undefined && p.idtyp !== "user") throw tokenNotForThisApi();
    if (typeof p.scp === "string" && p.scp.split(" ").includes(USER_SCOPE) && typeof p.oid === "string") {
      const userName = [p.preferred_username, p.upn, p.unique_name].find((v): v is string => typeof v === "string");
      return {
        mode: "agent",
        partition: createHash("sha256").update(token).digest("base64url").slice(0, 22),
        agentId: p.oid,
        partnerTenantId: tid,
        userName,
      };
    }
    throw tokenNotForThisApi();
  }

  /** The region of the partner tenant that issued the token, plus those configured for this app (sorted: one partition per set). */
  private appRegions(clientId: string, ownRegion: string): string[] {
    const extra = this.config.appCallers.find((c) => c.appId === clientId.toLowerCase())?.regions ?? [];
    return [...new Set([ownRegion.toUpperCase(), ...extra])].sort();
  }

  /** The tenant's JWKS, fetched through our trusted agent and cached; refetched once for an unknown kid. */
  private async keysFor(tid: string, token: string): Promise<ReturnType<typeof createLocalJWKSet>> {
    const kid = String(decodeProtectedHeader(token).kid ?? "");
    const cached = this.jwks.get(tid);
    const age = cached ? this.now() - cached.fetchedAt : Infinity;
    if (cached && age < JWKS_TTL_MS && (cached.kids.has(kid) || age < JWKS_REFRESH_COOLDOWN_MS)) return cached.set;
    let jwks: JSONWebKeySet;
    try {
      const res = await fetch(`${this.config.authorityHost}/${tid}/discovery/v2.0/keys`, { dispatcher: this.dispatcher, signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
      jwks = (await res.json()) as JSONWebKeySet;
      if (!Array.isArray(jwks?.keys)) throw new Error("JWKS without keys");
    } catch {
      // A key set we had stays usable through an outage, for the keys it holds.
      if (cached && cached.kids.has(kid)) return cached.set;
      throw signingKeysUnavailable();
    }
    const entry = { set: createLocalJWKSet(jwks), fetchedAt: this.now(), kids: new Set(jwks.keys.map((k) => String(k.kid ?? ""))) };
    this.jwks.set(tid, entry);
    return entry.set;
  }
}
