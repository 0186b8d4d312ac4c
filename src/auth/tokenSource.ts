import type { TokenSource } from "../graph/credentials";

/** The port is the Graph layer's (src/graph/credentials.ts); the token sources of src/auth implement it. */
export type { TokenSource };

/** Chooses the token source for a tenant, according to the caller. One per request. */
export interface TenantAccess {
  /** Token source for a customer tenant; `regionHint` comes from trusted partner data, when known. */
  forCustomer(tenantId: string, regionHint?: string): Promise<TokenSource>;
  /** Token sources for the partner tenants (customer listings: contracts, GDAP relationships). */
  partnerTenants(): Promise<Array<{ region: string; tokens: TokenSource }>>;
}
