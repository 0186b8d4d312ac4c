import type { Caller } from "../auth/caller";
import { rolesFor } from "../auth/roles";
import { PartnerGraphError } from "../errors";
import { toGraphError } from "../graph/graphErrors";
import { workloadOf } from "../graph/resilience";
import type { GraphRequest, GraphResponse } from "../graph/types";
import { relationshipCreatedAt, type CustomerRecord } from "./customerDirectory";
import { isNewCustomer, nextCheckInSeconds } from "./readiness";

/**
 * What a denial from a customer tenant means for this caller:
 * - the customer is new and its relationship has not propagated: CUSTOMER_NOT_READY, and the tenant's
 *   next token is acquired anew (an old one never gains the permissions);
 * - an agent lacks the GDAP role for this data: ROLE_MISSING, naming the roles that would do;
 * - the partner app is not consented there: CONSENT_MISSING.
 * Everything else is the generic mapping.
 */
export function customerFailureMapper(customer: CustomerRecord, caller: Caller, renewToken: () => void, now: () => number) {
  return (res: GraphResponse, req: GraphRequest): Error => {
    if (res.status !== 401 && res.status !== 403) return toGraphError(res, customer.id);
    const requestId: string | undefined = res.body?.error?.innerError?.["request-id"] ?? res.headers["request-id"];
    const createdAt = relationshipCreatedAt(customer);
    if (isNewCustomer(createdAt, now())) {
      renewToken();
      return new PartnerGraphError("CUSTOMER_NOT_READY", "The partner relationship has not reached this new customer yet (Microsoft: up to 3 minutes).", {
        tenantId: customer.id,
        retryAfter: nextCheckInSeconds(createdAt!, now()),
        requestId,
      });
    }
    if (caller.mode === "agent" && res.status === 403) {
      return new PartnerGraphError("ROLE_MISSING", "The agent's delegated admin roles in this customer do not cover this data.", {
        tenantId: customer.id,
        requiredRoles: rolesFor(workloadOf(req)),
        requestId,
      });
    }
    return new PartnerGraphError("CONSENT_MISSING", "The partner-managed app has no permission in this customer tenant.", { tenantId: customer.id, requestId });
  };
}
