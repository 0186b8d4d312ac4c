import { consentMissing, customerNotReady, roleMissing } from "../errors";
import type { GraphDenial, TenantCredentials, TokenSource } from "../graph/credentials";
import { permissionsFor, rolesFor } from "../graph/permissions";
import { isNewCustomer, NEW_CUSTOMER_HORIZON_SECONDS, nextCheckInSeconds } from "../graph/propagation";
import type { Caller } from "./caller";
import type { TenantAccess } from "./tenantAccess";

/**
 * When the denials of a tenant began, per caller partition, for customers whose creation time nothing
 * tells (a DAP-only customer has no GDAP relationship to date it). Microsoft's schedule then runs from
 * the first denial seen: a retry 3 minutes later, then 60 s steps, each with a new token. A tenant
 * denying for longer than the horizon is denied, not propagating; an episode with no denial for that
 * long is over, and the next denial starts a new one. One per process; bounded.
 */
export class DenialEpisodes {
  private readonly episodes = new Map<string, { since: number; last: number }>();

  constructor(private readonly maxEntries = 20_000) {}

  /** Records a denial now; returns when its episode began. */
  record(partition: string, tenantId: string, now: number): number {
    const key = `${partition}|${tenantId.toLowerCase()}`;
    const seen = this.episodes.get(key);
    if (seen && now - seen.last < NEW_CUSTOMER_HORIZON_SECONDS * 1000) {
      seen.last = now;
      return seen.since;
    }
    this.episodes.delete(key);
    // Map order is insertion order: dropping the first entry drops the oldest episode.
    if (this.episodes.size >= this.maxEntries) this.episodes.delete(this.episodes.keys().next().value!);
    this.episodes.set(key, { since: now, last: now });
    return now;
  }
}

/** A customer tenant as the denial logic needs it: when the partner relationship began, if anything tells. */
export interface CustomerTenant {
  id: string;
  /** Region of the partner tenant that lists it, when known: which regional app's tokens to use. */
  region?: string;
  /** Epoch ms: the newest GDAP relationship's creation, or when a listing first showed the customer. */
  relationshipStart?: number;
}

/**
 * What a denial (401/403) from a customer tenant means for this caller. Whatever it means, the
 * tenant's next token is acquired anew (Microsoft: a token from before a new customer's relationship
 * propagated, or from before a permission was granted, never gains it) — for a customer known to be
 * propagating at every denial, otherwise at most once per Microsoft's 60 s retry step, so a caller that
 * lacks a role does not cost a token per customer on every operation.
 * - the customer is new (its relationship began within Microsoft's window): CUSTOMER_NOT_READY, retry
 *   on Microsoft's schedule;
 * - an agent lacks the GDAP role for this data: ROLE_MISSING, naming the roles that would do;
 * - the partner-managed app lacks the permission: CONSENT_MISSING, naming the permissions that would do.
 * When nothing tells the customer's age (DAP-only, listed since start), the last two also carry a
 * `retryAfter` on Microsoft's schedule counted from the first denial, until the horizon passes.
 */
export function explainCustomerDenial(
  customer: CustomerTenant,
  caller: Caller,
  renewToken: (force: boolean) => void,
  episodes: DenialEpisodes,
  now: () => number,
) {
  return (denial: GraphDenial): Error => {
    const at = now();
    const createdAt = customer.relationshipStart;
    const propagating = isNewCustomer(createdAt, at);
    // A customer still propagating gets a new token at every retry; others at most once per 60 s step.
    renewToken(propagating);
    if (propagating) return customerNotReady(customer.id, nextCheckInSeconds(createdAt!, at), denial.requestId);
    // Known to be older than the window: the denial is the answer. Unknown: it may be propagation yet.
    const since = createdAt === undefined ? episodes.record(caller.partition, customer.id, at) : undefined;
    const retryAfter = since !== undefined && isNewCustomer(since, at) ? nextCheckInSeconds(since, at) : undefined;
    if (caller.mode === "agent" && denial.status === 403) return roleMissing(customer.id, rolesFor(denial.workload), retryAfter, denial.requestId);
    return consentMissing(permissionsFor(denial.dataKind), { tenantId: customer.id, retryAfter, requestId: denial.requestId, graphCode: denial.graphCode });
  };
}

/** The credentials of a customer tenant for this caller: its token source (acquired once), and what its denials mean. */
export function customerCredentials(
  access: TenantAccess,
  caller: Caller,
  customer: CustomerTenant,
  episodes: DenialEpisodes,
  now: () => number = Date.now,
): TenantCredentials {
  let source: Promise<TokenSource> | undefined;
  const tokens = () => (source ??= access.forCustomer(customer.id, customer.region));
  const renew = (force: boolean) =>
    void tokens().then(
      (s) => s.renew(force),
      () => undefined,
    );
  return { tokens, explainDenial: explainCustomerDenial(customer, caller, renew, episodes, now) };
}
