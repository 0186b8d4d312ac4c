/**
 * Microsoft's retry step for a customer that denies access: 60 s (the default of
 * TOKEN_RENEWAL_INTERVAL_SECONDS). A token renewed because of a denial is not renewed again for a
 * denial within this time — the retry schedule says when to try again, and an agent that simply lacks
 * a role (helpdesk on Intune, across 1,000 customers) would otherwise cost a new token per customer on
 * every operation. A customer still propagating is renewed on every denial (`force`): there the new
 * token is what the retry is for, and such customers are few.
 */
export const RENEWAL_INTERVAL_MS = 60_000;
/** Bound on the renewals remembered, so a flood of distinct agents cannot grow the map without end. */
const MAX_REMEMBERED = 50_000;

/**
 * Tenants whose next token must be new. Microsoft: after a new customer's relationship propagates,
 * a token acquired before it never gains the pre-consented permissions — the retry must acquire a
 * new one. Marked when such a tenant denies access; consumed by the next acquisition for that
 * (caller partition, tenant), which then skips MSAL's cache. At most one renewal per interval for
 * each (partition, tenant), unless forced.
 */
export class TokenRenewals {
  private readonly pending = new Set<string>();
  /** When each (partition, tenant)'s token was last renewed, oldest first. */
  private readonly renewedAt = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly intervalMs = RENEWAL_INTERVAL_MS,
  ) {}

  mark(partition: string, tenantId: string, force = false): void {
    const k = key(partition, tenantId);
    // Forced: due at once, whenever the last renewal was.
    if (force) this.renewedAt.delete(k);
    this.pending.add(k);
  }

  /**
   * True once after mark(), when the renewal is due: the caller must bypass the cache. A mark within
   * the interval after the last renewal stays pending until the interval has passed.
   */
  consume(partition: string, tenantId: string): boolean {
    const k = key(partition, tenantId);
    if (!this.pending.has(k)) return false;
    const last = this.renewedAt.get(k);
    if (last !== undefined && this.now() - last < this.intervalMs) return false;
    this.pending.delete(k);
    this.renewedAt.delete(k);
    this.renewedAt.set(k, this.now());
    if (this.renewedAt.size > MAX_REMEMBERED) this.renewedAt.delete(this.renewedAt.keys().next().value!);
    return true;
  }
}

function key(partition: string, tenantId: string): string {
  return `${partition}|${tenantId.toLowerCase()}`;
}
