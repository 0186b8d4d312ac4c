import type { TokenSource } from "../graph/credentials";

// TokenSource is the Graph layer's port (src/graph/credentials.ts); msalTokenSources.ts implements it.

/** Chooses the token source for a tenant, according to the caller. One per request. */
export interface TenantAccess {
  /** Token source for a customer tenant; `regionHint` comes from trusted partner data, when known. */
  forCustomer(tenantId: string, regionHint?: string): Promise<TokenSource>;
  /** Token sources for the partner tenants (customer listings: contracts, GDAP relationships). */
  partnerTenants(): Promise<Array<{ region: string; tokens: TokenSource }>>;
}
