import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";

/** The one vocabulary of `extensions.code` (DESIGN §3). */
export type ErrorCode =
  | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "BAD_USER_INPUT" | "CUSTOMER_NOT_READY"
  | "ROLE_MISSING" | "CONSENT_MISSING" | "REGION_NOT_SERVED" | "THROTTLED" | "UPSTREAM_UNAVAILABLE"
  | "TIMEOUT" | "INTERNAL_SERVER_ERROR"
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
 */
export class PartnerGraphError extends GraphQLError {
  constructor(readonly code: ErrorCode, message: string, details: ErrorDetails = {}, path?: ReadonlyArray<string | number>) {
    super(message, { extensions: { code, ...stripUndefined(details) }, path });
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

// ── Customers and Graph data (src/graph, src/loaders) ───────────────────────────────────────────

/**
 * Why a partner tenant's GDAP lists answer with a refusal that lasts (`extensions.reason`): the caller
 * lacks DelegatedAdminRelationship.Read.All (or the partner has DAP only), or the cloud has no GDAP API.
 */
export const GDAP_API_DENIED = "GDAP_API_DENIED";
export const GDAP_API_NOT_AVAILABLE = "GDAP_API_NOT_AVAILABLE";

/** What Graph's failed answer says about itself: the tenant, Graph's request-id and error code. */
type GraphAnswerDetails = { tenantId: string; requestId?: string; graphCode?: string };

export const intuneNotAvailable = (d: GraphAnswerDetails) => new PartnerGraphError("FORBIDDEN", "Intune is not available in this customer tenant.", { ...d, reason: "INTUNE_NOT_AVAILABLE" });
export const searchRejected = (d: GraphAnswerDetails) => new PartnerGraphError("BAD_USER_INPUT", "Microsoft Graph rejected the search text of these arguments.", d);
export const identityNotAccepted = (d: GraphAnswerDetails) => new PartnerGraphError("CONSENT_MISSING", "Microsoft Graph did not accept the partner's identity in this customer tenant.", d);
export const graphDenied = (d: GraphAnswerDetails) => new PartnerGraphError("FORBIDDEN", "Microsoft Graph denied access to this data of the customer tenant.", d);
export const objectNotFound = (d: GraphAnswerDetails) => new PartnerGraphError("NOT_FOUND", "The object was not found in the customer tenant.", d);
export const graphThrottled = (d: GraphAnswerDetails, retryAfter: number) => new PartnerGraphError("THROTTLED", "Microsoft Graph is throttling requests for this customer tenant.", { ...d, retryAfter });
export const graphUnavailable = (d: GraphAnswerDetails, retryAfter?: number) => new PartnerGraphError("UPSTREAM_UNAVAILABLE", "Microsoft Graph is unavailable for this customer tenant.", { ...d, retryAfter });
export const graphAnswered = (status: number, d: GraphAnswerDetails) => new PartnerGraphError("UPSTREAM_UNAVAILABLE", `Microsoft Graph answered ${status}.`, d);
export const graphUnreachable = (tenantId: string) => new PartnerGraphError("UPSTREAM_UNAVAILABLE", "Microsoft Graph could not be reached.", { tenantId });
export const identityPlatformUnavailable = (tenantId: string, retryAfter: number) =>
  new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform is unavailable for this tenant.", { tenantId, retryAfter });
export const customerTimedOut = (tenantId: string) => new PartnerGraphError("TIMEOUT", "This customer tenant did not answer within the operation's deadline.", { tenantId });

/** Denials (401/403) of a customer tenant, as src/auth explains them. */
export const customerNotReady = (tenantId: string, retryAfter: number, requestId?: string) =>
  new PartnerGraphError("CUSTOMER_NOT_READY", "The partner relationship has not reached this new customer yet (Microsoft: up to 3 minutes).", { tenantId, retryAfter, requestId });
export const roleMissing = (tenantId: string, requiredRoles: string[], retryAfter?: number, requestId?: string) =>
  new PartnerGraphError("ROLE_MISSING", "The agent's delegated admin roles in this customer do not cover this data.", { tenantId, requiredRoles, retryAfter, requestId });
export const consentMissing = (requiredPermissions: string[], d: GraphAnswerDetails & { retryAfter?: number }) =>
  new PartnerGraphError(
    "CONSENT_MISSING",
    `The partner-managed app is not granted what this call needs in this customer tenant (application permission, any of: ${requiredPermissions.join(", ")}).`,
    { tenantId: d.tenantId, requiredPermissions, retryAfter: d.retryAfter, requestId: d.requestId, graphCode: d.graphCode },
  );

/** A partner tenant's GDAP lists refused for good. */
export const gdapListsDenied = (requiredPermissions: string[], d: GraphAnswerDetails) =>
  new PartnerGraphError("CONSENT_MISSING", `The partner tenant's GDAP relationships cannot be read with the caller's permissions (needs ${requiredPermissions.join(", ")}).`, {
    ...d,
    reason: GDAP_API_DENIED,
    requiredPermissions,
  });
export const gdapApiNotAvailable = (d: GraphAnswerDetails) =>
  new PartnerGraphError("NOT_FOUND", "The GDAP API is not available to this partner tenant (its cloud may not offer it).", { ...d, reason: GDAP_API_NOT_AVAILABLE });

export function isGdapApiRefusal(err: PartnerGraphError): boolean {
  const reason = err.extensions.reason;
  return reason === GDAP_API_DENIED || reason === GDAP_API_NOT_AVAILABLE;
}

/** The customer directory. */
export const customerListIncomplete = () => new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The partner's customer list could not be read completely; try again.", { retryAfter: 5 });
export const notACustomer = () => new PartnerGraphError("FORBIDDEN", "This tenant is not a customer the caller can reach.");

/** A partner tenant's list that could not be read, reported beside the customers listed (at the list's path). */
export function customerListingFailed(cause: PartnerGraphError, failure: { part: "customers" | "gdap"; region: string; partnerTenantId: string }, path: ReadonlyArray<string | number>) {
  const { code: _code, ...details } = cause.extensions as Record<string, unknown>;
  const message = failure.part === "gdap"
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

function stripUndefined(d: ErrorDetails): ErrorDetails {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));
}
