import { customerNotReachable } from "../errors";
import type { RegionalApps } from "./regionalApps";
import type { RegionResolver } from "./regions";
import type { TokenSource } from "../graph/credentials";
import type { TenantAccess } from "./tenantAccess";

/**
 * App-only access: the caller is trusted (demo mode or an app token) and the API acts as the
 * partner-managed app of each customer's region. An app caller reaches only its regions (the one of
 * the partner tenant that issued its token, plus any configured for it); demo mode reaches all.
 */
export class AppOnlyAccess implements TenantAccess {
  private readonly regionsReached?: ReadonlySet<string>;

  constructor(
    private readonly apps: RegionalApps,
    private readonly regions: RegionResolver,
    regionsReached?: string[],
  ) {
    this.regionsReached = regionsReached ? new Set(regionsReached.map((r) => r.toUpperCase())) : undefined;
  }

  async forCustomer(tenantId: string, regionHint?: string): Promise<TokenSource> {
    const region = regionHint ?? (await this.regions.resolve(tenantId)).region;
    // Same answer as an unlisted tenant: the API does not tell which region a tenant it may not reach is in.
    if (!this.reaches(region)) throw customerNotReachable();
    return this.apps.appOnly(region, tenantId);
  }

  async partnerTenants(): Promise<Array<{ region: string; tokens: TokenSource }>> {
    return this.apps
      .regions()
      .filter((region) => this.reaches(region))
      .map((region) => ({ region, tokens: this.apps.appOnly(region, this.apps.partnerFor(region)!.tenantId) }));
  }

  private reaches(region: string): boolean {
    return !this.regionsReached || this.regionsReached.has(region.toUpperCase());
  }
}
