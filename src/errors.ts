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

// ── Callers and tokens (src/auth) ────────────────────────────────────────────────────────────────

// ── Customers and Graph data (src/graph, src/loaders) ───────────────────────────────────────────

// ── The HTTP front and operation limits (src/http, src/operationLimits, src/loadShedding) ──────

function stripUndefined(d: ErrorDetails): ErrorDetails {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));
}
