import type { RegionalApps } from "./regionalApps";
import type { RegionResolver } from "./regions";
import type { TenantAccess, TokenSource } from "./tokenSource";

/** App-only access: the caller is trusted (demo mode or an app token) and the API acts as itself. */
export class AppOnlyAccess implements TenantAccess {
  constructor(private readonly apps: RegionalApps, private readonly regions: RegionResolver) {}

  async forCustomer(tenantId: string, regionHint?: string): Promise<TokenSource> {
    const region = regionHint ?? (await this.regions.resolve(tenantId)).region;
    return this.apps.appOnly(region, tenantId);
  }

  async partnerTenants(): Promise<Array<{ region: string; tokens: TokenSource }>> {
    return this.apps.regions().map((region) => ({ region, tokens: this.apps.appOnly(region, this.apps.partnerFor(region)!.tenantId) }));
  }
}
