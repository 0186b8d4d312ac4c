import { decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { EmulatorContext } from "../context";
import type { Agent, PartnerTenant } from "../data/model";
import { Errors } from "./errors";
import { v1Issuer, v2Issuer } from "./issue";

export interface UserAssertion {
  claims: JWTPayload;
  partner: PartnerTenant;
  agent: Agent;
}

/**
 * The incoming token of an on-behalf-of request: signed by a currently published key, a v1 or v2
 * token for this API (aud = client id or `api://{clientId}`; issuer exactly the form of its `ver`),
 * issued by a partner tenant to one of its agents, not expired (Entra allows no skew here: a token a
 * relying party still accepts within its own tolerance answers AADSTS500133).
 */
export async function verifyUserAssertion(ctx: EmulatorContext, assertion: string, clientId: string): Promise<UserAssertion> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(assertion, ctx.keys.keySet(), { algorithms: ["RS256"], currentDate: new Date(ctx.now()) }));
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
  const issuer = !partner ? undefined : claims.ver === "2.0" ? v2Issuer(ctx, partner.id) : claims.ver === "1.0" ? v1Issuer(partner.id) : undefined;
  if (!partner || !issuer || claims.iss !== issuer) throw Errors.userAssertionIssuer(String(claims.iss));
  const found = typeof claims.oid === "string" ? ctx.world.agent(claims.oid) : undefined;
  if (!found || found.partner.id !== partner.id) throw Errors.userNotFound(String(claims.oid ?? ""), partner.displayName);
  return { claims, partner, agent: found.agent };
}
