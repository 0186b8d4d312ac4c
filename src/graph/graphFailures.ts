import {
  gdapApiNotAvailable,
  gdapListsDenied,
  graphAnswered,
  graphDenied,
  graphUnavailable,
  identityNotAccepted,
  intuneNotAvailable,
  objectNotFound,
  searchRejected,
  graphThrottled,
} from "../errors";
import type { GraphDenial } from "./credentials";
import { permissionsFor } from "./permissions";
import { dataKindOf, workloadOf } from "./resilience";
import { parseRetryAfter } from "./retryAfter";
import { graphErrorOf, type GraphRequest, type GraphResponse } from "./types";

/**
 * Graph rejected (400) a request our own code built: a defect of this server, not of the client's
 * arguments. Deliberately not a PartnerGraphError: formatError masks it as INTERNAL_SERVER_ERROR and
 * logs its message, which carries what support needs (Graph's code and request-id, the tenant, the
 * path) and nothing of the query string, where the client's values are.
 */
export class GraphRejectedOurRequest extends Error {
  override readonly name = "GraphRejectedOurRequest";

  constructor(
    readonly tenantId: string,
    readonly graphCode: string,
    readonly requestId: string | undefined,
    method: string,
    path: string,
  ) {
    super(
      `Microsoft Graph answered 400 ${graphCode || "(no code)"} (request-id ${requestId ?? "none"}) to ${method} ${path} in tenant ${tenantId}, a request this server built`,
    );
  }
}

/**
 * The one translation of a failed Graph answer into our error vocabulary. Graph's message is not passed
 * on (it may name objects of the tenant); its code decides, and its request-id travels for support.
 * - a partner tenant's GDAP lists refused for good (no permission, a DAP-only partner: 401/403; a cloud
 *   without the API: 400/404) become typed refusals the customer directory reports per customer;
 * - a denial (401/403) of a tenant whose credentials explain denials is theirs to explain (src/auth:
 *   new customer, missing role, missing consent);
 * - a 400 is BAD_USER_INPUT only for a request that carries the client's own text (`req.clientInput`);
 * - everything else by status.
 */
export function translateGraphFailure(res: GraphResponse, req: GraphRequest, tenantId: string, explainDenial?: (denial: GraphDenial) => Error): Error {
  const err = graphErrorOf(res);
  const code: string = typeof err.code === "string" ? err.code : "";
  const innerId = err.innerError?.["request-id"];
  const requestId: string | undefined = typeof innerId === "string" ? innerId : res.headers["request-id"];
  const details = { tenantId, requestId, graphCode: code || undefined };
  const dataKind = dataKindOf(req.url);
  if (dataKind === "delegatedAdmin" && [400, 401, 403, 404].includes(res.status)) {
    return res.status === 401 || res.status === 403 ? gdapListsDenied(permissionsFor("delegatedAdmin"), details) : gdapApiNotAvailable(details);
  }
  if ((res.status === 401 || res.status === 403) && explainDenial) {
    return explainDenial({ tenantId, status: res.status, workload: workloadOf(req), dataKind, requestId, graphCode: details.graphCode });
  }
  switch (res.status) {
    case 400:
      // Intune's answer in a tenant without Intune licences (observed in public partner tooling).
      if (/not applicable to target tenant/i.test(String(err.message ?? ""))) return intuneNotAvailable(details);
      if (req.clientInput) return searchRejected(details);
      return new GraphRejectedOurRequest(tenantId, code, requestId, req.method, req.url.split("?")[0] || "(unknown)");
    case 401:
      return identityNotAccepted(details);
    case 403:
      return graphDenied(details);
    case 404:
      return objectNotFound(details);
    case 429:
      return graphThrottled(details, parseRetryAfter(res.headers["retry-after"]) ?? 1);
    case 500:
    case 502:
    case 503:
    case 504:
      return graphUnavailable(details, parseRetryAfter(res.headers["retry-after"]));
    default:
      return graphAnswered(res.status, details);
  }
}
