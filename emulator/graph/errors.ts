import { randomUUID } from "node:crypto";
import type { EmuRequest, EmuResponse } from "../http";

/**
 * Response envelopes of Microsoft Graph (docs/graph-facts.md §6): the error body with a camelCase
 * `innerError` (graph-client reads `innerError["request-id"]` and `innerError.date`), and the
 * headers every Graph answer carries (`request-id`, echoed `client-request-id`, `Date`,
 * `x-ms-ags-diagnostic`).
 */

/** Identity of one Graph request (a plain HTTP request, or one item of a `$batch`). */
export interface RequestInfo {
  requestId: string;
  clientRequestId: string;
  /** Epoch ms of the emulator clock when the request arrived. */
  now: number;
}

export function requestInfo(req: EmuRequest, now: number): RequestInfo {
  const requestId = randomUUID();
  // Graph echoes the caller's client-request-id; without one it reuses its own request id.
  return { requestId, clientRequestId: req.headers["client-request-id"] ?? requestId, now };
}

/** Graph's ags diagnostic header (observed shape; the values only say "this is the emulator"). */
const AGS_DIAGNOSTIC = JSON.stringify({
  ServerInfo: { DataCenter: "Emulator", Slice: "E", Ring: "1", ScaleUnit: "000", RoleInstance: "EMU-GRAPH-01" },
});

export const ODATA_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** Headers on every Graph response, success or error. Names lower-cased like EmuResponse's. */
export function baseHeaders(info: RequestInfo): Record<string, string> {
  return {
    "request-id": info.requestId,
    "client-request-id": info.clientRequestId,
    date: new Date(info.now).toUTCString(),
    "x-ms-ags-diagnostic": AGS_DIAGNOSTIC,
    "cache-control": "no-cache",
  };
}

export function okJson(info: RequestInfo, body: unknown, extra: Record<string, string> = {}): EmuResponse {
  return {
    status: 200,
    headers: { ...baseHeaders(info), "content-type": ODATA_JSON, "odata-version": "4.0", ...extra },
    body,
  };
}

export function okText(info: RequestInfo, body: string, extra: Record<string, string> = {}): EmuResponse {
  return {
    status: 200,
    headers: { ...baseHeaders(info), "content-type": "text/plain", "odata-version": "4.0", ...extra },
    body,
  };
}

/** `innerError.date`: ISO 8601 without fraction or zone suffix, as Graph sends it. */
export function innerDate(now: number): string {
  return new Date(now).toISOString().slice(0, 19);
}

export interface ErrorOptions {
  headers?: Record<string, string>;
  /** Intune errors carry `"details": []` (docs/graph-facts.md §2, §6). */
  intune?: boolean;
}

export function graphError(info: RequestInfo, status: number, code: string, message: string, opts: ErrorOptions = {}): EmuResponse {
  const error: Record<string, unknown> = { code, message };
  if (opts.intune) error.details = [];
  error.innerError = {
    date: innerDate(info.now),
    "request-id": info.requestId,
    "client-request-id": info.clientRequestId,
  };
  return {
    status,
    headers: { ...baseHeaders(info), "content-type": "application/json", ...(opts.headers ?? {}) },
    body: { error },
  };
}

/**
 * Error texts, in two groups, so nobody mistakes our words for Microsoft's (issue 9):
 *
 * - `Quoted`: texts Microsoft's documentation shows or that were observed from the service (source
 *   next to each; docs/graph-facts.md holds the references). Clients may meet these exact strings.
 * - `Invented`: texts the emulator makes up where Microsoft documents no message (or only a status).
 *   Code against the status and `code`, never against these strings: Graph's own words differ.
 *
 * The router, pipeline, batch and fault texts come from here. Still inline elsewhere: authorize.ts's
 * 401 texts (quoted, docs/graph-facts.md §6 error table) and resources.ts's invalid getByIds body (invented).
 */
export const Quoted = {
  /** docs/graph-facts.md §6, error table (Authorization_RequestDenied). */
  insufficientPrivileges: "Insufficient privileges to complete the operation.",
  /** docs/graph-facts.md §6 (401 without an identity of the calling app). */
  identityNotFound: "The identity of the calling application could not be established.",
  /** docs/graph-facts.md §6 (405). */
  methodNotAllowed: "Specified HTTP method is not allowed for the request target.",
  /** docs/graph-facts.md §6 (Request_ResourceNotFound). */
  resourceNotFound: (id: string) => `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  /** docs/graph-facts.md §2 (Graph's 429 body). */
  throttled: "Please retry again later.",
  /** Intune's 429 body (observed, docs/graph-facts.md §2). */
  intuneThrottled: "An error has occurred.",
  /** Intune on a tenant without an Intune licence (observed in Microsoft365DSC and CIPP error handling). */
  intuneNotApplicable: "Request not applicable to target tenant.",
  /** docs/graph-facts.md §1: reported, not documented (microsoftgraph-postman-collections#9). */
  batchTooLarge: "Number of requests inside batch exceeds the limit.",
  /** docs/graph-facts.md §6 (InvalidAuthenticationToken). */
  tokenValidationFailure: "Access token validation failure.",
} as const;

export const Invented = {
  /** The wording of OData's unknown-segment error is not documented for Graph. */
  segmentNotFound: (segment: string) => `Resource not found for the segment '${segment}'.`,
  invalidBatch: "Invalid batch payload format.",
  duplicateBatchId: (id: string) => `Batch request ids must be unique. Duplicate id: '${id}'.`,
  batchItemWithoutContentType: (id: string) => `Write request id : ${id} does not contain Content-Type header or body.`,
  unknownDependency: (id: string, dep: string) => `Request id '${id}' depends on '${dep}', which is not a request of this batch.`,
  dependencyCycle: "The dependsOn relations of the batch form a cycle.",
  /** The body of a 424 item is not documented (docs/graph-facts.md "Not confirmed"). */
  failedDependency: "The request could not be processed because a request it depends on failed.",
  /** Bodies of injected faults: Graph documents the statuses, not these texts. */
  internalServerError: "An internal server error occurred.",
  badGateway: "The gateway received an invalid response.",
  serviceUnavailable: "The service is temporarily unavailable. Please retry later.",
  gatewayTimeout: "The request timed out.",
  genericFault: "An error has occurred.",
} as const;

/** Both groups, under the names the router and resources use. */
export const Messages = { ...Quoted, ...Invented } as const;

/** Codes and messages for statuses injected by the fault injector (texts: `Invented`, but 429's). */
export function faultError(status: number): { code: string; message: string } {
  switch (status) {
    case 429:
      return { code: "TooManyRequests", message: Quoted.throttled };
    case 500:
      return { code: "InternalServerError", message: Invented.internalServerError };
    case 502:
      return { code: "BadGateway", message: Invented.badGateway };
    case 503:
      return { code: "ServiceUnavailable", message: Invented.serviceUnavailable };
    case 504:
      return { code: "GatewayTimeout", message: Invented.gatewayTimeout };
    default:
      return { code: status >= 500 ? "UnknownError" : "BadRequest", message: Invented.genericFault };
  }
}

/**
 * Header names as Graph spells them inside `$batch` answers (`Retry-After`, `Content-Type`, …);
 * EmuResponse keeps them lower-cased, batch items show them the way the service sends them.
 */
const CANONICAL: Record<string, string> = {
  "retry-after": "Retry-After",
  "content-type": "Content-Type",
  "cache-control": "Cache-Control",
  "odata-version": "OData-Version",
  "request-id": "request-id",
  "client-request-id": "client-request-id",
  date: "Date",
  "www-authenticate": "WWW-Authenticate",
};

export function canonicalHeaderName(name: string): string {
  return CANONICAL[name] ?? name;
}
