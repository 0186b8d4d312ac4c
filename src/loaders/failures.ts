import type { Caller } from "../auth/caller";
import { permissionsFor, rolesFor } from "../auth/roles";
import { PartnerGraphError } from "../errors";
import { toGraphError } from "../graph/graphErrors";
import { dataKindOf, workloadOf } from "../graph/resilience";
import type { GraphRequest, GraphResponse } from "../graph/types";
import { GDAP_API_DENIED, GDAP_API_NOT_AVAILABLE, relationshipCreatedAt, type CustomerRecord } from "./customerDirectory";
import { isNewCustomer, nextCheckInSeconds, type DenialEpisodes } from "./readiness";

const requestIdOf = (res: GraphResponse): string | undefined => res.body?.error?.innerError?.["request-id"] ?? res.headers["request-id"];

/**
 * What a denial (401/403) from a customer tenant means for this caller. Whatever it means, the
 * tenant's next token is acquired anew (Microsoft: a token from before a new customer's relationship
 * propagated, or from before a permission was granted, never gains it) — for a customer known to be
 * propagating at every denial, otherwise at most once per Microsoft's 60 s retry step, so a caller that
 * lacks a role does not cost a token per customer on every operation.
 * - the customer is new (its relationship began within Microsoft's window, by its GDAP relationship
 *   or by when a listing first showed it): CUSTOMER_NOT_READY, retry on Microsoft's schedule;
 * - an agent lacks the GDAP role for this data: ROLE_MISSING, naming the roles that would do;
 * - the partner-managed app lacks the permission: CONSENT_MISSING, naming the permissions that would do.
 * When nothing tells the customer's age (DAP-only, listed since start), the last two also carry a
 * `retryAfter` on Microsoft's schedule counted from the first denial, until the horizon passes.
 * Everything else is the generic mapping.
 */
export function customerFailureMapper(customer: CustomerRecord, caller: Caller, renewToken: (force?: boolean) => void, episodes: DenialEpisodes, now: () => number) {
  return (res: GraphResponse, req: GraphRequest): Error => {
    if (res.status !== 401 && res.status !== 403) return toGraphError(res, customer.id, req);
    const requestId = requestIdOf(res);
    const at = now();
    const createdAt = relationshipCreatedAt(customer);
    const propagating = isNewCustomer(createdAt, at);
    // A customer still propagating gets a new token at every retry; others at most once per 60 s step.
    renewToken(propagating);
    if (propagating) {
      return new PartnerGraphError("CUSTOMER_NOT_READY", "The partner relationship has not reached this new customer yet (Microsoft: up to 3 minutes).", {
        tenantId: customer.id,
        retryAfter: nextCheckInSeconds(createdAt!, at),
        requestId,
      });
    }
    // Known to be older than the window: the denial is the answer. Unknown: it may be propagation yet.
    const since = createdAt === undefined ? episodes.record(caller.partition, customer.id, at) : undefined;
    const retryAfter = since !== undefined && isNewCustomer(since, at) ? nextCheckInSeconds(since, at) : undefined;
    if (caller.mode === "agent" && res.status === 403) {
      return new PartnerGraphError("ROLE_MISSING", "The agent's delegated admin roles in this customer do not cover this data.", {
        tenantId: customer.id,
        requiredRoles: rolesFor(workloadOf(req)),
        retryAfter,
        requestId,
      });
    }
    const requiredPermissions = permissionsFor(dataKindOf(req.url));
    return new PartnerGraphError(
      "CONSENT_MISSING",
      `The partner-managed app is not granted what this call needs in this customer tenant (application permission, any of: ${requiredPermissions.join(", ")}).`,
      { tenantId: customer.id, requiredPermissions, retryAfter, requestId, graphCode: res.body?.error?.code },
    );
  };
}

/**
 * Failures of a partner tenant's own lists. The GDAP lists refuse some partners for good: a caller
 * without DelegatedAdminRelationship.Read.All, a DAP-only partner (403), or a cloud without the API
 * (400/404). Those become typed errors naming why, which the directory reports at each customer's
 * GDAP part instead of failing the listing; anything else is the generic mapping.
 */
export function partnerFailureMapper(partnerTenantId: string) {
  return (res: GraphResponse, req: GraphRequest): Error => {
    if (dataKindOf(req.url) !== "delegatedAdmin" || ![400, 401, 403, 404].includes(res.status)) return toGraphError(res, partnerTenantId, req);
    const details = { tenantId: partnerTenantId, requestId: requestIdOf(res), graphCode: res.body?.error?.code };
    if (res.status === 401 || res.status === 403) {
      const requiredPermissions = permissionsFor("delegatedAdmin");
      return new PartnerGraphError("CONSENT_MISSING", `The partner tenant's GDAP relationships cannot be read with the caller's permissions (needs ${requiredPermissions.join(", ")}).`, {
        ...details,
        reason: GDAP_API_DENIED,
        requiredPermissions,
      });
    }
    return new PartnerGraphError("NOT_FOUND", "The GDAP API is not available to this partner tenant (its cloud may not offer it).", { ...details, reason: GDAP_API_NOT_AVAILABLE });
  };
}
