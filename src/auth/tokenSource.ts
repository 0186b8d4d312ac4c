/**
 * Where the Graph adapter gets a bearer token for one customer tenant. Implementations live in
 * src/auth; nothing else holds a token.
 */
export interface TokenSource {
  readonly tenantId: string;
  getToken(): Promise<string>;
  /**
   * Forget any cached token of this tenant so the next getToken acquires a new one (Microsoft: a
   * token acquired before a new customer's relationship propagated never gains the permissions).
   * At most once per renewal interval (60 s) unless `force` (a customer still propagating).
   */
  renew(force?: boolean): void;
}

/** Chooses the token source for a tenant, according to the caller. One per request. */
export interface TenantAccess {
  /** Token source for a customer tenant; `regionHint` comes from trusted partner data, when known. */
  forCustomer(tenantId: string, regionHint?: string): Promise<TokenSource>;
  /** Token sources for the partner tenants (customer listings: contracts, GDAP relationships). */
  partnerTenants(): Promise<Array<{ region: string; tokens: TokenSource }>>;
}
