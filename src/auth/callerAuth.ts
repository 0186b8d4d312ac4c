import { createHash } from "node:crypto";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { fetch, type Agent } from "undici";
import type { Config } from "../config";
import { PartnerGraphError, withHttpStatus } from "../errors";
import type { Caller } from "./caller";

/** The only algorithm Entra signs access tokens with; `none` and HMAC are never accepted. */
const ALGORITHMS = ["RS256"];
const JWKS_TTL_MS = 60 * 60_000;
/** A key id not in the cached set triggers at most one refetch per this interval (key rollover). */
const JWKS_REFRESH_COOLDOWN_MS = 60_000;

export interface VerifiedCaller {
  caller: Caller;
  /** The raw bearer, for the on-behalf-of exchange; never leaves src/auth. */
  assertion?: string;
}

/**
 * Validates bearer tokens addressed to this API: issued by one of the configured partner tenants
 * (exact v2 issuer for its `tid`), audience = a partner-managed app of ours, RS256 signature from
 * that tenant's JWKS, within exp/nbf. Every failure gets the same text, so the answer tells an attacker
 * nothing about why.
 */
export class CallerAuthenticator {
  private readonly partnerTenants: Set<string>;
  private readonly audiences: string[];
  private readonly jwks = new Map<string, { set: ReturnType<typeof createLocalJWKSet>; fetchedAt: number; kids: Set<string> }>();

  constructor(private readonly config: Config, private readonly dispatcher: Agent, private readonly now: () => number = Date.now) {
    this.partnerTenants = new Set(config.partnerTenants.map((p) => p.tenantId.toLowerCase()));
    this.audiences = config.partnerTenants.flatMap((p) => [p.app.clientId, `api://${p.app.clientId}`]);
  }

  async authenticate(authorization: string | undefined): Promise<VerifiedCaller> {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization?.trim() ?? "");
    if (!match) throw unauthenticated();
    const token = match[1];
    let tid: string;
    try {
      const header = decodeProtectedHeader(token);
      if (!ALGORITHMS.includes(String(header.alg))) throw unauthenticated();
      tid = String(decodeJwt(token).tid ?? "").toLowerCase();
    } catch {
      throw unauthenticated();
    }
    if (!this.partnerTenants.has(tid)) throw unauthenticated();
    const payload = await this.verify(token, tid);
    return { caller: this.callerOf(payload, tid, token), assertion: token };
  }

  private async verify(token: string, tid: string): Promise<JWTPayload> {
    const options = { algorithms: ALGORITHMS, issuer: `${this.config.authorityHost}/${tid}/v2.0`, audience: this.audiences, clockTolerance: 60 };
    try {
      return (await jwtVerify(token, await this.keysFor(tid, token), options)).payload;
    } catch (err) {
      if (err instanceof PartnerGraphError) throw err;
      if (err instanceof joseErrors.JOSEError) throw unauthenticated();
      throw new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform's signing keys could not be read.");
    }
  }

  private callerOf(p: JWTPayload, tid: string, token: string): Caller {
    const roles = Array.isArray(p.roles) ? p.roles : [];
    if (p.idtyp === "app") {
      if (roles.length === 0) throw forbidden();
      return { mode: "app", partition: "app", appId: String(p.azp ?? p.appid ?? ""), partnerTenantId: tid };
    }
    if (typeof p.scp === "string" && p.scp.split(" ").includes("access_as_user") && typeof p.oid === "string") {
      return {
        mode: "agent",
        partition: createHash("sha256").update(token).digest("base64url").slice(0, 22),
        agentId: p.oid,
        partnerTenantId: tid,
        userName: typeof p.preferred_username === "string" ? p.preferred_username : undefined,
      };
    }
    throw forbidden();
  }

  /** The tenant's JWKS, fetched through our trusted agent and cached; refetched once for an unknown kid. */
  private async keysFor(tid: string, token: string): Promise<ReturnType<typeof createLocalJWKSet>> {
    const kid = String(decodeProtectedHeader(token).kid ?? "");
    const cached = this.jwks.get(tid);
    const age = cached ? this.now() - cached.fetchedAt : Infinity;
    if (cached && age < JWKS_TTL_MS && (cached.kids.has(kid) || age < JWKS_REFRESH_COOLDOWN_MS)) return cached.set;
    const res = await fetch(`${this.config.authorityHost}/${tid}/discovery/v2.0/keys`, { dispatcher: this.dispatcher, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform's signing keys could not be read.");
    const jwks = (await res.json()) as JSONWebKeySet;
    const entry = { set: createLocalJWKSet(jwks), fetchedAt: this.now(), kids: new Set(jwks.keys.map((k) => String(k.kid ?? ""))) };
    this.jwks.set(tid, entry);
    return entry.set;
  }
}

function unauthenticated(): PartnerGraphError {
  return withHttpStatus(new PartnerGraphError("UNAUTHENTICATED", "A valid bearer token for this API is required."), 401);
}

function forbidden(): PartnerGraphError {
  return withHttpStatus(new PartnerGraphError("FORBIDDEN", "This token does not grant access to this API."), 403);
}
