import type { ConfidentialClientApplication } from "@azure/msal-node";
import type { Agent } from "undici";
import type { Config, PartnerTenantConfig } from "../config";
import { PartnerGraphError } from "../errors";
import { AppOnlyTokenSource, OnBehalfOfTokenSource } from "./appOnlyTokens";
import { createConfidentialClient } from "./msalApps";
import type { RegionResolver } from "./regions";
import type { TokenCache } from "./tokenCache";
import { TokenRenewals } from "./renewals";
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
  readonly renewals = new TokenRenewals();

  constructor(private readonly config: Config, dispatcher: Agent, private readonly tokens: TokenCache) {
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

  regionOfPartnerTenant(tenantId: string): string | undefined {
    for (const [region, { partner }] of this.byRegion) if (partner.tenantId.toLowerCase() === tenantId.toLowerCase()) return region;
    return undefined;
  }

  /** Token source of the region's app for a tenant (customer or the region's partner tenant). */
  appOnly(region: string, tenantId: string): TokenSource {
    const { partner, app } = this.entry(region, tenantId);
    const key = `${partner.app.clientId}:${tenantId.toLowerCase()}`;
    let source = this.sources.get(key);
    if (!source) {
      source = new AppOnlyTokenSource(tenantId.toLowerCase(), app, this.authority(tenantId), this.graphScope, this.renewals, this.tokens, partner.app.clientId);
      this.sources.set(key, source);
    }
    return source;
  }

  /** On-behalf-of token source of the region's app for one agent's assertion in one tenant. */
  onBehalfOf(region: string, tenantId: string, assertion: string, partition: string): TokenSource {
    const { app } = this.entry(region, tenantId);
    return new OnBehalfOfTokenSource(tenantId.toLowerCase(), app, this.authority(tenantId), this.graphScope, assertion, partition, this.renewals, this.tokens);
  }

  private entry(region: string, tenantId: string) {
    const entry = this.byRegion.get(region.toUpperCase());
    if (!entry) throw new PartnerGraphError("REGION_NOT_SERVED", `No partner-managed app is configured for region ${region}.`, { tenantId, region });
    return entry;
  }

  private authority(tenantId: string): string {
    return `${this.config.authorityHost}/${tenantId.toLowerCase()}`;
  }
}

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
    if (!region) throw new PartnerGraphError("FORBIDDEN", "This token does not grant access to this API.");
    this.region = region;
  }

  async forCustomer(tenantId: string, regionHint?: string): Promise<TokenSource> {
    // An agent's customers are its partner tenant's, hence of its region; anything else is not reachable.
    if (regionHint && regionHint.toUpperCase() !== this.region) throw new PartnerGraphError("FORBIDDEN", "This tenant is not a customer the caller can reach.");
    return this.apps.onBehalfOf(this.region, tenantId, this.assertion, this.agent.partition);
  }

  async partnerTenants(): Promise<Array<{ region: string; tokens: TokenSource }>> {
    return [{ region: this.region, tokens: this.apps.onBehalfOf(this.region, this.agent.partnerTenantId, this.assertion, this.agent.partition) }];
  }
}
