import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";

/** The one vocabulary of `extensions.code` (docs/errors.md). */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "CUSTOMER_NOT_READY"
  | "ROLE_MISSING"
  | "CONSENT_MISSING"
  | "REGION_NOT_SERVED"
  | "THROTTLED"
  | "UPSTREAM_UNAVAILABLE"
  | "TIMEOUT"
  | "INTERNAL_SERVER_ERROR"
  /** The HTTP request itself is unacceptable: not a query operation, body or headers too large. */
  | "BAD_REQUEST";

export interface ErrorDetails {
  tenantId?: string;
  /** Seconds after which a retry may succeed. */
  retryAfter?: number;
  /** Graph's request-id, for support cases with Microsoft. */
  requestId?: string;
  requiredRoles?: string[];
  /** Application permissions (app roles on Microsoft Graph) any one of which the denied call needed. */
  requiredPermissions?: string[];
  [key: string]: unknown;
}

/**
 * An error meant for the client: its message is safe to show and its code is stable. Anything
 * else thrown inside the server is masked as INTERNAL_SERVER_ERROR by formatError.
 *
 * Made without a stack trace: these are answers, not defects (a customer without a role, one still
 * propagating, a throttled tenant), one per customer in a many-customer operation, and no response or
 * log shows their stack. Capturing one (Error's constructor, then GraphQLError's captureStackTrace)
 * walked the stack twice per error; a defect's own Error keeps its stack.
 */
export class PartnerGraphError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, path?: ReadonlyArray<string | number>) {
    const options = { extensions: { code, ...stripUndefined(details) }, path };
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, options);
    Error.stackTraceLimit = limit;
    this.code = code;
  }
}

/**
 * Gives an error thrown before execution (building the context, planning the operation) the HTTP
 * status of the whole answer, and a `Retry-After` header when the error says when to retry; Apollo
 * Server reads it from `extensions.http` and strips it.
 */
export function withHttpStatus<E extends PartnerGraphError>(error: E, status: number): E {
  const retryAfter = error.extensions.retryAfter;
  const headers = typeof retryAfter === "number" ? new HeaderMap([["retry-after", String(retryAfter)]]) : undefined;
  (error.extensions as Record<string, unknown>).http = headers ? { status, headers } : { status };
  return error;
}

/*
 * Named constructors, one per failure: the message of each failure is written once, here, and code
 * elsewhere says which failure happened (`customerNotReachable()`), never how to spell it. Grouped by
 * the layer that raises them.
 */

// ── Client input (arguments, cursors, entity representations) ────────────────────────────────────

export const notFound = (what: string, details?: ErrorDetails) => new PartnerGraphError("NOT_FOUND", `${what} was not found.`, details);
export const badInput = (message: string, details?: ErrorDetails) => new PartnerGraphError("BAD_USER_INPUT", message, details);
export const invalidCursor = () => badInput("The cursor is not valid for this list.", { argument: "after" });
export const invalidPageSize = (max: number) => badInput(`'first' must be between 1 and ${max}.`, { argument: "first" });

// ── Callers and tokens (src/auth) ────────────────────────────────────────────────────────────────

/** The caller's bearer token for this API is missing, malformed, or fails any check (one text for every reason). */
export const unauthenticated = () => withHttpStatus(new PartnerGraphError("UNAUTHENTICATED", "A valid bearer token for this API is required."), 401);
/** A valid token of a configured partner tenant that is not one this API serves (wrong scope, token type). */
export const tokenNotForThisApi = () => withHttpStatus(new PartnerGraphError("FORBIDDEN", "This token does not grant access to this API."), 403);
export const appRoleMissing = (appRole: string) =>
  withHttpStatus(new PartnerGraphError("FORBIDDEN", `This app has not been granted the app role ${appRole} of this API.`, { requiredAppRole: appRole }), 403);
/** The caller cannot be checked right now: 503 with a hint when to retry, never a 500 nor a 401. */
export const signingKeysUnavailable = () =>
  withHttpStatus(
    new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform's signing keys could not be read; retry shortly.", { retryAfter: 5 }),
    503,
  );

/** The same answer for a tenant outside the caller's reach whatever the reason, so it tells nothing about the tenant. */
export const customerNotReachable = () => new PartnerGraphError("FORBIDDEN", "This tenant is not a customer the caller can reach.");
export const regionNotServed = (region: string, tenantId: string) =>
  new PartnerGraphError("REGION_NOT_SERVED", `No partner-managed app is configured for region ${region}.`, { tenantId, region });

// The agent's own Graph token of one customer (x-customer-graph-token)
export const customerTokenFromAgentsOnly = () => withHttpStatus(new PartnerGraphError("FORBIDDEN", "A customer token is accepted from agents only."), 403);
export const customerTokenNotTheCallers = () =>
  withHttpStatus(new PartnerGraphError("FORBIDDEN", "The customer token does not belong to the calling agent."), 403);
export const customerTokenNotACustomer = () =>
  withHttpStatus(new PartnerGraphError("FORBIDDEN", "The customer token is for a tenant that is not one of the caller's customers."), 403);
export const customerTokenUncheckable = () =>
  withHttpStatus(
    new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The caller's customers could not be read to check the customer token; retry shortly.", { retryAfter: 5 }),
    503,
  );
export const customerTokenForAnotherTenant = (tenantId: string) =>
  new PartnerGraphError("FORBIDDEN", "This request carries a customer token for another tenant only.", { tenantId });

// The identity platform's answers (MSAL token requests, OpenID discovery)
export const signInAgain = (tenantId: string, claims?: string) =>
  new PartnerGraphError("UNAUTHENTICATED", "The agent must sign in again to satisfy a policy of the customer tenant.", { tenantId, claims });
export const callerTokenNoLongerAccepted = (tenantId: string, aadsts: number) =>
  new PartnerGraphError("UNAUTHENTICATED", "The caller's token is no longer accepted by the identity platform; sign in again for a new one.", {
    tenantId,
    aadsts,
  });
export const noPartnerRelationship = (tenantId: string, aadsts: number) =>
  new PartnerGraphError("FORBIDDEN", "The agent has no access to this customer tenant: no partner relationship (DAP or GDAP) with it is in force.", {
    tenantId,
    reason: "NO_RELATIONSHIP",
    aadsts,
  });
export const noSuchTenant = (tenantId?: string) => new PartnerGraphError("NOT_FOUND", "No such tenant.", { tenantId });
/** The tenant's token endpoint failed (or its circuit is open: then with when to retry). */
export const identityPlatformUnavailable = (tenantId: string, retryAfter?: number) =>
  new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform is unavailable for this tenant.", { tenantId, retryAfter });
export const appNotConsented = (tenantId: string, aadsts: number) =>
  new PartnerGraphError("CONSENT_MISSING", "The partner app is not consented in this customer tenant.", { tenantId, aadsts });
export const notATenantIdOrDomain = () => badInput("Not a tenant id or domain name.");
export const notASignInName = () => badInput("Expected a sign-in name such as alex@contoso.com.", { argument: "userName" });
export const tenantLookupUnreachable = () =>
  new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform could not be reached to find the tenant's region.");
export const tenantLookupUnanswered = () => new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform did not answer the tenant lookup.");
export const tenantRegionMissing = () => new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The tenant's discovery document has no region.");

// ── Customers and Graph data (src/graph, src/loaders) ───────────────────────────────────────────

/**
 * Why a partner tenant's GDAP lists answer with a refusal that lasts (`extensions.reason`): the caller
 * lacks DelegatedAdminRelationship.Read.All (or the partner has DAP only), or the cloud has no GDAP API.
 */
export const GDAP_API_DENIED = "GDAP_API_DENIED";
export const GDAP_API_NOT_AVAILABLE = "GDAP_API_NOT_AVAILABLE";

/** What Graph's failed answer says about itself: the tenant, Graph's request-id and error code. */
type GraphAnswerDetails = { tenantId: string; requestId?: string; graphCode?: string };

export const intuneNotAvailable = (d: GraphAnswerDetails) =>
  new PartnerGraphError("FORBIDDEN", "Intune is not available in this customer tenant.", { ...d, reason: "INTUNE_NOT_AVAILABLE" });
export const searchRejected = (d: GraphAnswerDetails) =>
  new PartnerGraphError("BAD_USER_INPUT", "Microsoft Graph rejected the search text of these arguments.", d);
export const identityNotAccepted = (d: GraphAnswerDetails) =>
  new PartnerGraphError("CONSENT_MISSING", "Microsoft Graph did not accept the partner's identity in this customer tenant.", d);
export const graphDenied = (d: GraphAnswerDetails) =>
  new PartnerGraphError("FORBIDDEN", "Microsoft Graph denied access to this data of the customer tenant.", d);
export const objectNotFound = (d: GraphAnswerDetails) => new PartnerGraphError("NOT_FOUND", "The object was not found in the customer tenant.", d);
export const graphThrottled = (d: GraphAnswerDetails, retryAfter: number) =>
  new PartnerGraphError("THROTTLED", "Microsoft Graph is throttling requests for this customer tenant.", { ...d, retryAfter });
export const graphUnavailable = (d: GraphAnswerDetails, retryAfter?: number) =>
  new PartnerGraphError("UPSTREAM_UNAVAILABLE", "Microsoft Graph is unavailable for this customer tenant.", { ...d, retryAfter });
export const graphAnswered = (status: number, d: GraphAnswerDetails) => new PartnerGraphError("UPSTREAM_UNAVAILABLE", `Microsoft Graph answered ${status}.`, d);
export const graphUnreachable = (tenantId: string) => new PartnerGraphError("UPSTREAM_UNAVAILABLE", "Microsoft Graph could not be reached.", { tenantId });
export const customerTimedOut = (tenantId: string) =>
  new PartnerGraphError("TIMEOUT", "This customer tenant did not answer within the operation's deadline.", { tenantId });

/** Denials (401/403) of a customer tenant, as src/auth explains them. */
export const customerNotReady = (tenantId: string, retryAfter: number, requestId?: string) =>
  new PartnerGraphError("CUSTOMER_NOT_READY", "The partner relationship has not reached this new customer yet (Microsoft: up to 3 minutes).", {
    tenantId,
    retryAfter,
    requestId,
  });
export const roleMissing = (tenantId: string, requiredRoles: string[], retryAfter?: number, requestId?: string) =>
  new PartnerGraphError("ROLE_MISSING", "The agent's delegated admin roles in this customer do not cover this data.", {
    tenantId,
    requiredRoles,
    retryAfter,
    requestId,
  });
export const consentMissing = (requiredPermissions: string[], d: GraphAnswerDetails & { retryAfter?: number }) =>
  new PartnerGraphError(
    "CONSENT_MISSING",
    `The partner-managed app is not granted what this call needs in this customer tenant (application permission, any of: ${requiredPermissions.join(", ")}).`,
    { tenantId: d.tenantId, requiredPermissions, retryAfter: d.retryAfter, requestId: d.requestId, graphCode: d.graphCode },
  );

/** A partner tenant's GDAP lists refused for good. */
export const gdapListsDenied = (requiredPermissions: string[], d: GraphAnswerDetails) =>
  new PartnerGraphError(
    "CONSENT_MISSING",
    `The partner tenant's GDAP relationships cannot be read with the caller's permissions (needs ${requiredPermissions.join(", ")}).`,
    {
      ...d,
      reason: GDAP_API_DENIED,
      requiredPermissions,
    },
  );
export const gdapApiNotAvailable = (d: GraphAnswerDetails) =>
  new PartnerGraphError("NOT_FOUND", "The GDAP API is not available to this partner tenant (its cloud may not offer it).", {
    ...d,
    reason: GDAP_API_NOT_AVAILABLE,
  });

export function isGdapApiRefusal(err: PartnerGraphError): boolean {
  const reason = err.extensions.reason;
  return reason === GDAP_API_DENIED || reason === GDAP_API_NOT_AVAILABLE;
}

/** The customer directory. */
export const customerListIncomplete = () =>
  new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The partner's customer list could not be read completely; try again.", { retryAfter: 5 });

/** A partner tenant's list that could not be read, reported beside the customers listed (at the list's path). */
export function customerListingFailed(
  cause: PartnerGraphError,
  failure: { part: "customers" | "gdap"; region: string; partnerTenantId: string },
  path: ReadonlyArray<string | number>,
) {
  const { code: _code, ...details } = cause.extensions as Record<string, unknown>;
  const message =
    failure.part === "gdap"
      ? `The GDAP customers of the ${failure.region} partner tenant could not be listed (${cause.message}); customers known only through GDAP are missing.`
      : `The customers of the ${failure.region} partner tenant could not be listed (${cause.message}); the list is incomplete.`;
  return new PartnerGraphError(cause.code, message, { ...details, tenantId: failure.partnerTenantId }, path);
}

/** The same failure as a new error, so that each place it is reported at gets its own (with its own path). */
export function sameFailure(err: PartnerGraphError): PartnerGraphError {
  return new PartnerGraphError(err.code, err.message, { ...err.extensions, code: undefined });
}

/**
 * The code of an error that is an answer (ours, or a GraphQL error with a code), as opposed to a defect:
 * lets a caller tell "this data is denied" from a bug without reading `extensions.code` strings.
 */
export function answerCodeOf(err: unknown): string | undefined {
  return err instanceof GraphQLError && typeof err.extensions.code === "string" ? err.extensions.code : undefined;
}

// ── The HTTP front and operation limits (src/http, src/operationLimits, src/loadShedding) ──────

/** Seconds a refused client is told to wait: operations in flight finish (or pass their deadline) in that order of time. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/** The answer when the server is at capacity, before the operation is read (no cost) or after (its cost and the budget). */
export const busy = (cost?: number, maxCostInFlight?: number) =>
  withHttpStatus(
    new PartnerGraphError("THROTTLED", "The server is busy; retry shortly.", { retryAfter: BUSY_RETRY_AFTER_SECONDS, cost, maxCostInFlight }),
    503,
  );
export const deadlinePassed = (timeoutMs: number) =>
  withHttpStatus(new PartnerGraphError("TIMEOUT", `The operation did not complete within its deadline of ${timeoutMs} ms.`, { timeoutMs }), 504);
export const routeNotFound = () => withHttpStatus(new PartnerGraphError("NOT_FOUND", "Not found. GraphQL is served at /graphql."), 404);
export const bodyTooLarge = (maxBodyBytes: number) =>
  withHttpStatus(new PartnerGraphError("BAD_REQUEST", `The request body is larger than ${maxBodyBytes} bytes.`, { maxBodyBytes }), 413);
export const headersTooLarge = (maxHeaderBytes: number) =>
  withHttpStatus(new PartnerGraphError("BAD_REQUEST", `The request headers are larger than ${maxHeaderBytes} bytes.`, { maxHeaderBytes }), 431);
export const requestTooSlow = () => withHttpStatus(new PartnerGraphError("BAD_REQUEST", "The request took too long to arrive."), 408);
export const malformedRequest = () => withHttpStatus(new PartnerGraphError("BAD_REQUEST", "Malformed HTTP request."), 400);

export const queriesOnly = (operation: string) =>
  withHttpStatus(new PartnerGraphError("BAD_REQUEST", `This API serves queries only; ${operation} operations are not supported.`, { operation }), 400);
export const operationTooDeep = (depth: number, maxDepth: number) =>
  withHttpStatus(badInput(`The operation nests ${depth} levels deep; at most ${maxDepth} are allowed.`, { depth, maxDepth }), 400);
export const introspectionTooDeep = (introspectionLists: number, maxIntrospectionLists: number) =>
  withHttpStatus(
    badInput(`The introspection nests ${introspectionLists} lists; at most ${maxIntrospectionLists} are allowed.`, {
      introspectionLists,
      maxIntrospectionLists,
    }),
    400,
  );
export const tooManyRootFields = (rootFields: number, maxRootFields: number) =>
  withHttpStatus(badInput(`The operation asks for ${rootFields} root fields; at most ${maxRootFields} are allowed.`, { rootFields, maxRootFields }), 400);
export const operationTooCostly = (cost: number, maxCost: number) =>
  withHttpStatus(badInput(`The operation could fetch about ${cost} objects; at most ${maxCost} are allowed. Ask for smaller pages.`, { cost, maxCost }), 400);

/** What a client sees of anything that is not one of ours (formatError's mask): a defect, logged, never described. */
export const internalError = () => withHttpStatus(new PartnerGraphError("INTERNAL_SERVER_ERROR", "Internal server error."), 500);

function stripUndefined(d: ErrorDetails): ErrorDetails {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));
}
