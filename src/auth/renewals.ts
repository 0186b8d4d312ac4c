/**
 * Tenants whose next token must be new. Microsoft: after a new customer's relationship propagates,
 * a token acquired before it never gains the pre-consented permissions — the retry must acquire a
 * new one. Marked when such a tenant denies access; consumed by the next acquisition for that
 * (caller partition, tenant), which then skips MSAL's cache.
 */
export class TokenRenewals {
  private readonly pending = new Set<string>();

  mark(partition: string, tenantId: string): void {
    this.pending.add(`${partition}|${tenantId.toLowerCase()}`);
  }

  /** True once after mark(): the caller must bypass the cache. */
  consume(partition: string, tenantId: string): boolean {
    return this.pending.delete(`${partition}|${tenantId.toLowerCase()}`);
  }
}
