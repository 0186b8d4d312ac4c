import { PartnerGraphError } from "../errors";
import type { GraphResponse } from "./types";

/**
 * The single mapping from a failed Graph answer to our error vocabulary. Graph's message is not passed
 * on (it may name objects of the tenant); its code decides, and its request-id travels for support.
 */
export function toGraphError(res: GraphResponse, tenantId: string): PartnerGraphError {
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
      return new PartnerGraphError("BAD_USER_INPUT", "Microsoft Graph rejected the query built from these arguments.", details);
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
