import { notASignInName, regionNotServed } from "../errors";
import type { RegionalApps } from "./regionalApps";
import type { RegionResolver } from "./regions";

export interface SignInRoute {
  userName: string;
  tenantId: string;
  region: string;
  regionSubScope: string | null;
  partnerTenantId: string;
  /** The partner-managed app (client id) of the customer's region: the one to sign the agent in with. */
  clientId: string;
  /** The customer tenant's authority, where Microsoft's partner flow signs the agent in. */
  authority: string;
}

/**
 * Microsoft advises partners that sell in several regions to pick the app identity from the customer's
 * sign-in name before sign-in; this does it: domain → tenant and region (OpenID discovery) → that
 * region's partner tenant and app.
 */
export class SignInRouter {
  constructor(
    private readonly apps: RegionalApps,
    private readonly regions: RegionResolver,
    private readonly authorityHost: string,
  ) {}

  async route(userName: string): Promise<SignInRoute> {
    const domain = /^[^@\s]{1,113}@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+)$/.exec(userName.trim())?.[1];
    if (!domain) throw notASignInName();
    const found = await this.regions.resolve(domain.toLowerCase());
    const partner = this.apps.partnerFor(found.region);
    if (!partner) throw regionNotServed(found.region, found.tenantId);
    return {
      userName: userName.trim(),
      tenantId: found.tenantId,
      region: found.region,
      regionSubScope: found.regionSubScope ?? null,
      partnerTenantId: partner.tenantId,
      clientId: partner.app.clientId,
      authority: `${this.authorityHost}/${found.tenantId}`,
    };
  }
}
