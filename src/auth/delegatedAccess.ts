import { customerNotReachable, tokenNotForThisApi } from "../errors";
import type { RegionalApps } from "./regionalApps";
import type { TokenSource } from "../graph/credentials";
import type { TenantAccess } from "./tenantAccess";

/**
 * Delegated access: an agent of one regional partner tenant, acting through its GDAP or DAP rights.
 * Every token is the agent's, exchanged on-behalf-of by its region's app; there is never a fallback
 * to app-only.
 */
export class DelegatedAccess implements TenantAccess {
  private readonly region: string;

  constructor(
    private readonly apps: RegionalApps,
    private readonly agent: { partnerTenantId: string; partition: string },
    private readonly assertion: string,
  ) {
    const region = apps.regionOfPartnerTenant(agent.partnerTenantId);
    if (!region) throw tokenNotForThisApi();
    this.region = region;
  }

  async forCustomer(tenantId: string, regionHint?: string): Promise<TokenSource> {
    // An agent's customers are its partner tenant's, hence of its region; anything else is not reachable.
    if (regionHint && regionHint.toUpperCase() !== this.region) throw customerNotReachable();
    return this.apps.onBehalfOf(this.region, tenantId, this.assertion, this.agent.partition);
  }

  async partnerTenants(): Promise<Array<{ region: string; tokens: TokenSource }>> {
    return [{ region: this.region, tokens: this.apps.onBehalfOf(this.region, this.agent.partnerTenantId, this.assertion, this.agent.partition) }];
  }
}
