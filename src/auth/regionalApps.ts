import type { ConfidentialClientApplication } from "@azure/msal-node";
import type { Agent } from "undici";
import type { Config, PartnerTenantConfig } from "../config";
import { regionNotServed } from "../errors";
import { toAuthError } from "./authErrors";
import { AppOnlyTokenSource, OnBehalfOfTokenSource } from "./msalTokenSources";
import { createConfidentialClient } from "./msalApps";
import type { TokenCache } from "./tokenCache";
import { TokenRenewals } from "./renewals";
import type { TokenSource } from "../graph/credentials";

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
  readonly renewals: TokenRenewals;

  constructor(
    private readonly config: Config,
    dispatcher: Agent,
    private readonly tokens: TokenCache,
  ) {
    this.graphScope = `${config.graphEndpoint}/.default`;
    this.renewals = new TokenRenewals(Date.now, config.tokenRenewalIntervalMs);
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

  /**
   * Readiness: a new client-credentials token of the region's app at its own partner tenant, asked
   * with skipCache and kept out of our cache, so that a refused secret or a failing token endpoint
   * shows now, not when the cached token expires. The token itself is dropped.
   */
  async checkToken(region: string): Promise<void> {
    const { partner, app } = this.entry(region, "");
    try {
      const result = await app.acquireTokenByClientCredential({ scopes: [this.graphScope], authority: this.authority(partner.tenantId), skipCache: true });
      if (!result?.accessToken) throw new Error("MSAL returned no access token");
    } catch (err) {
      throw toAuthError(err, partner.tenantId);
    }
  }

  private entry(region: string, tenantId: string) {
    const entry = this.byRegion.get(region.toUpperCase());
    if (!entry) throw regionNotServed(region, tenantId);
    return entry;
  }

  private authority(tenantId: string): string {
    return `${this.config.authorityHost}/${tenantId.toLowerCase()}`;
  }
}
