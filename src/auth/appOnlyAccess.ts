import type { ConfidentialClientApplication } from "@azure/msal-node";
import type { Agent } from "undici";
import type { Config, PartnerTenantConfig } from "../config";
import { PartnerGraphError } from "../errors";
import { AppOnlyTokenSource } from "./appOnlyTokens";
import { createConfidentialClient } from "./msalApps";
import type { RegionResolver } from "./regions";
import type { TenantAccess, TokenSource } from "./tokenSource";

/**
 * The partner-managed apps, one per region. An app only ever asks for tokens of its own partner
 * tenant or of customers of its region: a customer's region decides the app, and a region without an
 * app is REGION_NOT_SERVED — another region's app is never tried.
 */
export class RegionalApps {
  private readonly byRegion = new Map<string, { partner: PartnerTenantConfig; app: ConfidentialClientApplication }>();
  /** App-only tokens belong to the app, not to a caller, so their sources are shared by all requests. */
  private readonly sources = new Map<string, AppOnlyTokenSource>();
  private readonly graphScope: string;

  constructor(private readonly config: Config, dispatcher: Agent) {
    this.graphScope = `${config.graphEndpoint}/.default`;
    for (const partner of config.partnerTenants) {
      this.byRegion.set(partner.region.toUpperCase(), { partner, app: createConfidentialClient(partner, config.authorityHost, dispatcher) });
    }
  }

  regions(): string[] {
    return [...this.byRegion.keys()];
  }

  partnerFor(region: string): PartnerTenantConfig | undefined {
    return this.byRegion.get(region.toUpperCase())?.partner;
  }

  /** Token source of the region's app for a tenant (customer or the region's partner tenant). */
  tokenSource(region: string, tenantId: string): TokenSource {
    const entry = this.byRegion.get(region.toUpperCase());
    if (!entry) throw new PartnerGraphError("REGION_NOT_SERVED", `No partner-managed app is configured for region ${region}.`, { tenantId, region });
    const key = `${entry.partner.app.clientId}:${tenantId.toLowerCase()}`;
    let source = this.sources.get(key);
    if (!source) {
      source = new AppOnlyTokenSource(tenantId.toLowerCase(), entry.app, this.config.authorityHost, this.graphScope);
      this.sources.set(key, source);
    }
    return source;
  }
}

/** App-only access: the caller is trusted (demo mode or an app token) and the API acts as itself. */
export class AppOnlyAccess implements TenantAccess {
  constructor(private readonly apps: RegionalApps, private readonly regions: RegionResolver) {}

  async forCustomer(tenantId: string, regionHint?: string): Promise<TokenSource> {
    const region = regionHint ?? (await this.regions.resolve(tenantId)).region;
    return this.apps.tokenSource(region, tenantId);
  }

  async partnerTenants(): Promise<Array<{ region: string; tokens: TokenSource }>> {
    return this.apps.regions().map((region) => ({ region, tokens: this.apps.tokenSource(region, this.apps.partnerFor(region)!.tenantId) }));
  }
}
