import { PartnerGraphError } from "../errors";
import type { GraphRequest, GraphResponse } from "./types";

/**
 * Graph rejected (400) a request our own code built: a defect of this server, not of the client's
 * arguments. Deliberately not a PartnerGraphError: formatError masks it as INTERNAL_SERVER_ERROR and
 * logs its message, which carries what support needs (Graph's code and request-id, the tenant, the
 * path) and nothing of the query string, where the client's values are.
 */
export class GraphRejectedOurRequest extends Error {
  override readonly name = "GraphRejectedOurRequest";

  constructor(readonly tenantId: string, readonly graphCode: string, readonly requestId: string | undefined, method: string, path: string) {
    super(`Microsoft Graph answered 400 ${graphCode || "(no code)"} (request-id ${requestId ?? "none"}) to ${method} ${path} in tenant ${tenantId}, a request this server built`);
  }
}

/**
 * The single mapping from a failed Graph answer to our error vocabulary. Graph's message is not passed
 * on (it may name objects of the tenant); its code decides, and its request-id travels for support.
 * A 400 is BAD_USER_INPUT only for a request that carries the client's own text (`req.clientInput`).
 */
export function toGraphError(res: GraphResponse, tenantId: string, req?: GraphRequest): PartnerGraphError | GraphRejectedOurRequest {
  const err = res.body?.error ?? {};
  const code: string = typeof err.code === "string" ? err.code : "";
  const requestId: string | undefined = err.innerError?.["request-id"] ?? res.headers["request-id"];
  const retryAfter = parseRetryAfter(res.headers["retry-after"]);
  const details = { tenantId, requestId, graphCode: code || undefined };
  switch (res.status) {
    case 400:
      // Intune's answer in a tenant without Intune licences (observed in public partner tooling).
      if (/not applicable to target tenant/i.test(String(err.message ?? ""))) {
        return new PartnerGraphError("FORBIDDEN", "Intune is not available in this customer tenant.", { ...details, reason: "INTUNE_NOT_AVAILABLE" });
      }
      if (req?.clientInput) return new PartnerGraphError("BAD_USER_INPUT", "Microsoft Graph rejected the search text of these arguments.", details);
      return new GraphRejectedOurRequest(tenantId, code, requestId, req?.method ?? "GET", (req?.url ?? "").split("?")[0] || "(unknown)");
    case 401:
      return new PartnerGraphError("CONSENT_MISSING", "Microsoft Graph did not accept the partner's identity in this customer tenant.", details);
    case 403:
      return new PartnerGraphError("FORBIDDEN", "Microsoft Graph denied access to this data of the customer tenant.", details);
    case 404:
      return new PartnerGraphError("NOT_FOUND", "The object was not found in the customer tenant.", details);
    case 429:
      return new PartnerGraphError("THROTTLED", "Microsoft Graph is throttling requests for this customer tenant.", { ...details, retryAfter: retryAfter ?? 1 });
    case 500: case 502: case 503: case 504:
      return new PartnerGraphError("UPSTREAM_UNAVAILABLE", "Microsoft Graph is unavailable for this customer tenant.", { ...details, retryAfter });
    default:
      return new PartnerGraphError("UPSTREAM_UNAVAILABLE", `Microsoft Graph answered ${res.status}.`, details);
  }
}

/** Retry-After as seconds (fractional allowed) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
