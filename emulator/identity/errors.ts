import { randomUUID } from "node:crypto";
import type { EmulatorContext } from "../context";
import { json, type EmuResponse } from "../http";

/**
 * Entra's token-endpoint error shape (docs/graph-facts.md §7):
 * {error, error_description: "AADSTSnnnn: text\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …",
 *  error_codes, timestamp, trace_id, correlation_id, error_uri} plus optional `claims`/`suberror`.
 * Grants throw an AadError; the token endpoint turns it into that body in one place.
 */
export class AadError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly text: string,
    readonly extra: { claims?: string; suberror?: string } = {},
  ) {
    super(`AADSTS${code}: ${text}`);
  }
}

/** "YYYY-MM-DD HH:MM:SSZ", the timestamp format of every AADSTS error. */
export function aadTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z");
}

export function aadErrorResponse(err: AadError, ctx: EmulatorContext, correlationId: string | undefined, headers: Record<string, string> = {}): EmuResponse {
  const traceId = randomUUID();
  const correlation = correlationId || randomUUID();
  const timestamp = aadTimestamp(ctx.now());
  return json(
    err.status,
    {
      error: err.error,
      error_description: `AADSTS${err.code}: ${err.text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [err.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `${ctx.baseUrl}/error?code=${err.code}`,
      ...(err.extra.suberror ? { suberror: err.extra.suberror } : {}),
      ...(err.extra.claims ? { claims: err.extra.claims } : {}),
    },
    { "cache-control": "no-store, no-cache", pragma: "no-cache", ...headers },
  );
}

// The errors below carry Entra's wording as seen in real responses quoted in public issue threads
// (e.g. OfficeDev/microsoft-365-agents-toolkit#8621 for 7000215); those marked "approximation" have
// no recorded wording. Keeping the wording makes client logs and tests read like production ones.

export const Errors = {
  tenantNotFound: (tenant: string, error = "invalid_request") =>
    new AadError(
      400,
      error,
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  appNotFound: (clientId: string, tenant: string) =>
    new AadError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  missingCredential: () =>
    new AadError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  invalidSecret: (clientId: string) =>
    new AadError(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  assertionKeyNotFound: (clientId: string, thumbprintHex: string) =>
    new AadError(
      401,
      "invalid_client",
      700027,
      `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprintHex}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
    ),
  assertionBadSignature: (clientId: string, thumbprintHex: string) =>
    new AadError(
      401,
      "invalid_client",
      700027,
      `Client assertion contains an invalid signature. [Reason - Key was found, but use of the key to verify the signature failed., Thumbprint of key used by client: '${thumbprintHex}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
    ),
  assertionTimeRange: (nowMs: number, nbf: number | undefined, exp: number | undefined) =>
    new AadError(
      401,
      "invalid_client",
      700024,
      `Client assertion is not within its valid time range. Current time: ${iso(nowMs)}, assertion valid from ${iso((nbf ?? 0) * 1000)}, expiry time of assertion ${iso((exp ?? 0) * 1000)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    ),
  assertionClientMismatch: () =>
    new AadError(
      401,
      "invalid_client",
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
    ),
  /** Emulator approximation: Entra's exact text for a client assertion addressed elsewhere is not on record. */
  assertionAudience: (aud: string) =>
    new AadError(401, "invalid_client", 50027, `JWT token is invalid or malformed. The audience '${aud}' of the client assertion is not this token endpoint.`),
  malformedJwt: () => new AadError(400, "invalid_request", 50027, "JWT token is invalid or malformed."),
  scopeNotDefault: (scope: string) =>
    new AadError(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  invalidScope: (scope: string) =>
    new AadError(
      400,
      "invalid_scope",
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    new AadError(
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  userAssertionSignature: () =>
    new AadError(400, "invalid_grant", 50013, "Assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '']"),
  userAssertionAudience: (aud: string, clientId: string) =>
    new AadError(
      400,
      "invalid_grant",
      50013,
      `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${aud}' and the expected audience is '${clientId}' or one of the Application Uris of this application with App ID '${clientId}'.`,
    ),
  /** Emulator approximation: an assertion not issued by a partner tenant of this emulator. */
  userAssertionIssuer: (iss: string) =>
    new AadError(400, "invalid_grant", 50013, `Assertion failed signature validation. [Reason - The issuer '${iss}' is not trusted.]`),
  userAssertionExpired: (nowMs: number, exp: number | undefined) =>
    new AadError(
      400,
      "invalid_grant",
      500133,
      `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${iso(nowMs)}, expiry time of assertion ${iso((exp ?? 0) * 1000)}.`,
    ),
  userNotInTenant: (upn: string, idp: string, tenantName: string, clientId: string, appName: string) =>
    new AadError(
      400,
      "invalid_grant",
      50020,
      `User account '${upn}' from identity provider '${idp}' does not exist in tenant '${tenantName}' and cannot access the application '${clientId}'(${appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
    ),
  userNotFound: (upn: string, tenantName: string) =>
    new AadError(
      400,
      "invalid_grant",
      50034,
      `The user account ${upn} does not exist in the ${tenantName} directory. To sign into this application, the account must be added to the directory.`,
    ),
  badPassword: () => new AadError(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password."),
  mfaRequired: (resourceAppId: string, policyId: string) =>
    new AadError(
      400,
      "interaction_required",
      50079,
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '${resourceAppId}'.`,
      { suberror: "basic_action", claims: JSON.stringify({ access_token: { capolids: { essential: true, values: [policyId] } } }) },
    ),
  codeExpired: () =>
    new AadError(
      400,
      "invalid_grant",
      70008,
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    ),
  codeRedeemed: () =>
    new AadError(
      400,
      "invalid_grant",
      54005,
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    ),
  /** Code presented by another client, redirect URI or tenant than it was issued to. */
  codeMismatch: (what: string) =>
    new AadError(400, "invalid_grant", 70000, `Provided grant is invalid or malformed. The ${what} does not match the authorization request.`),
  pkceMismatch: () => new AadError(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."),
  missingParameter: (name: string) => new AadError(400, "invalid_request", 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string) => new AadError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant}'.`),
  grantNotOnCommon: () =>
    new AadError(
      400,
      "invalid_request",
      9001023,
      "The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
    ),
  postOnly: (method: string) => new AadError(400, "invalid_request", 900561, `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`),
  temporarilyUnavailable: () => new AadError(503, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again."),
};

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}
