import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { EmulatorContext } from "../context";
import type { Agent, PartnerTenant } from "../data/model";
import type { SigningKeys } from "./keys";
import { Errors } from "./errors";
import { v2Issuer } from "./issue";

export interface UserAssertion {
  claims: JWTPayload;
  partner: PartnerTenant;
  agent: Agent;
}

// Verification against the published JWKS rather than SigningKeys.verify, so that the clock is
// ctx.now() (tests move it) and not the wall clock.
const keySets = new WeakMap<SigningKeys, JWTVerifyGetKey>();
function keySet(keys: SigningKeys): JWTVerifyGetKey {
  let set = keySets.get(keys);
  if (!set) {
    set = createLocalJWKSet(keys.jwks());
    keySets.set(keys, set);
  }
  return set;
}

/**
 * The incoming token of an on-behalf-of request: signed by the emulator, a v2 token for this API
 * (aud = client id or `api://{clientId}`), issued by a partner tenant to one of its agents.
 */
export async function verifyUserAssertion(ctx: EmulatorContext, assertion: string, clientId: string): Promise<UserAssertion> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(assertion, keySet(ctx.keys), { algorithms: ["RS256"], currentDate: new Date(ctx.now()) }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired || (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === "nbf")) {
      let exp: number | undefined;
      try {
        exp = decodeJwt(assertion).exp;
      } catch {
        exp = undefined;
      }
      throw Errors.userAssertionExpired(ctx.now(), exp);
    }
    throw Errors.userAssertionSignature();
  }
  const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ""];
  const wanted = [clientId.toLowerCase(), `api://${clientId}`.toLowerCase()];
  if (!auds.some((a) => wanted.includes(a.toLowerCase()))) throw Errors.userAssertionAudience(auds.join(" "), clientId);
  const tid = typeof claims.tid === "string" ? claims.tid : "";
  const partner = ctx.world.partner(tid);
  if (!partner || claims.iss !== v2Issuer(ctx, partner.id) || claims.ver !== "2.0") throw Errors.userAssertionIssuer(String(claims.iss));
  const found = typeof claims.oid === "string" ? ctx.world.agent(claims.oid) : undefined;
  if (!found || found.partner.id !== partner.id) throw Errors.userNotFound(String(claims.oid ?? ""), partner.displayName);
  return { claims, partner, agent: found.agent };
}
