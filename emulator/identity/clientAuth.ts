import { createHash, createPublicKey, timingSafeEqual, type KeyObject } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import type { EmulatorContext } from "../context";
import type { PartnerApp, PartnerTenant } from "../data/model";
import type { EmuRequest } from "../http";
import { AadError, Errors } from "./errors";
import type { ClientAuthMethod } from "./issue";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export interface AuthenticatedClient {
  partner: PartnerTenant;
  app: PartnerApp;
  /** `appidacr`: 1 secret, 2 certificate, 0 none (public client). */
  acr: ClientAuthMethod;
}

/** The client id of a request: the form field, HTTP Basic user, or the assertion's `iss`. */
export function requestClientId(req: EmuRequest, form: URLSearchParams): string | undefined {
  const fromForm = form.get("client_id");
  if (fromForm) return fromForm;
  const basic = basicCredentials(req);
  if (basic) return basic.id;
  const assertion = form.get("client_assertion");
  if (assertion) {
    try {
      const iss = decodeJwt(assertion).iss;
      return typeof iss === "string" ? iss : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Authenticates a confidential client by client_secret (post or HTTP Basic) or private_key_jwt.
 * `optional` lets the password grant accept public clients that send no credential.
 */
export async function authenticateClient(
  ctx: EmulatorContext,
  req: EmuRequest,
  form: URLSearchParams,
  found: { partner: PartnerTenant; app: PartnerApp },
  options: { optional?: boolean } = {},
): Promise<AuthenticatedClient> {
  const { app } = found;
  const basic = basicCredentials(req);
  const secret = form.get("client_secret") ?? basic?.secret;
  const assertion = form.get("client_assertion");
  if (assertion) {
    if (form.get("client_assertion_type") !== CLIENT_ASSERTION_TYPE) throw Errors.missingParameter("client_assertion_type");
    await verifyClientAssertion(ctx, req, assertion, app);
    return { ...found, acr: "2" };
  }
  if (secret !== undefined && secret !== null) {
    if (!constantTimeEquals(secret, app.clientSecret)) throw Errors.invalidSecret(app.clientId);
    return { ...found, acr: "1" };
  }
  if (options.optional) return { ...found, acr: "0" };
  throw Errors.missingCredential();
}

/**
 * private_key_jwt (RFC 7523): signed with the app certificate's key, which the header names by
 * `x5t#S256` (MSAL with thumbprintSha256, signing PS256) or `x5t` (sha1 thumbprint, RS256);
 * `iss` = `sub` = client id; `aud` = this token endpoint (or the tenant's issuer).
 */
async function verifyClientAssertion(ctx: EmulatorContext, req: EmuRequest, assertion: string, app: PartnerApp): Promise<void> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    throw Errors.malformedJwt();
  }
  const x5t256 = typeof header["x5t#S256"] === "string" ? header["x5t#S256"] : undefined;
  const x5t = typeof header.x5t === "string" ? header.x5t : undefined;
  const presented = x5t256 ?? x5t ?? "";
  const matches = x5t256 ? x5t256 === app.certificateThumbprintSha256 : x5t === app.certificateThumbprintSha1;
  if (!matches) throw Errors.assertionKeyNotFound(app.clientId, hexThumbprint(presented));

  let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
  try {
    ({ payload } = await jwtVerify(assertion, publicKey(app), {
      algorithms: ["RS256", "PS256"],
      currentDate: new Date(ctx.now()),
      // Entra tolerates a few minutes of clock skew on client assertions.
      clockTolerance: 300,
      requiredClaims: ["exp"],
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired || (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === "nbf")) {
      const claims = safeDecode(assertion);
      throw Errors.assertionTimeRange(ctx.now(), claims?.nbf, claims?.exp);
    }
    if (e instanceof joseErrors.JWSSignatureVerificationFailed || e instanceof joseErrors.JOSEAlgNotAllowed) {
      throw Errors.assertionBadSignature(app.clientId, hexThumbprint(presented));
    }
    if (e instanceof AadError) throw e;
    throw Errors.malformedJwt();
  }
  if (payload.iss !== app.clientId || payload.sub !== app.clientId) throw Errors.assertionClientMismatch();
  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ""];
  if (!auds.some((a) => acceptableAudience(ctx, req, a))) throw Errors.assertionAudience(auds.join(" "));
}

/**
 * MSAL sets `aud` to the token endpoint it resolved from discovery, with the authority's tenant
 * (id, domain or name) in the path. Any emulator token or issuer URL of the same tenant passes.
 */
function acceptableAudience(ctx: EmulatorContext, req: EmuRequest, aud: string): boolean {
  let url: URL;
  try {
    url = new URL(aud);
  } catch {
    return false;
  }
  if (url.host !== new URL(ctx.baseUrl).host) return false;
  const [segment, ...rest] = url.pathname.split("/").filter(Boolean);
  const tail = rest.join("/");
  if (!["oauth2/v2.0/token", "oauth2/token", "v2.0"].includes(tail) || !segment) return false;
  const requested = req.url.pathname.split("/").filter(Boolean)[0] ?? "";
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (same(segment, requested)) return true;
  const a = ctx.world.tenant(segment);
  const b = ctx.world.tenant(requested);
  return !!a && !!b && a.tenant.id === b.tenant.id;
}

const keyCache = new WeakMap<PartnerApp, KeyObject>();
function publicKey(app: PartnerApp): KeyObject {
  let key = keyCache.get(app);
  if (!key) {
    key = createPublicKey(app.certificatePublicKeyPem);
    keyCache.set(app, key);
  }
  return key;
}

function safeDecode(jwt: string): { nbf?: number; exp?: number } | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

/** Entra prints thumbprints as upper-case hex. */
function hexThumbprint(b64url: string): string {
  return Buffer.from(b64url, "base64url").toString("hex").toUpperCase();
}

function basicCredentials(req: EmuRequest): { id: string; secret: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const decoded = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
  return { id: formDecode(decoded.slice(0, i)), secret: formDecode(decoded.slice(i + 1)) };
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

function constantTimeEquals(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}
