import type { ConfidentialClientApplication } from "@azure/msal-node";
import { toAuthError } from "./authErrors";
import { OboTokenCache } from "./oboCache";
import type { TokenRenewals } from "./renewals";
import type { TokenSource } from "./tokenSource";

/**
 * App-only tokens of one regional partner-managed app for one tenant (a customer of its region,
 * or its own partner tenant), acquired at that tenant's authority.
 */
export class AppOnlyTokenSource implements TokenSource {
  private inFlight?: Promise<string>;

  constructor(
    readonly tenantId: string,
    private readonly app: ConfidentialClientApplication,
    private readonly authority: string,
    private readonly graphScope: string,
    private readonly renewals: TokenRenewals,
  ) {}

  getToken(): Promise<string> {
    // Concurrent callers of one tenant share one acquisition instead of racing to the token endpoint.
    this.inFlight ??= this.acquire().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  renew(): void {
    this.renewals.mark("app", this.tenantId);
  }

  private async acquire(): Promise<string> {
    try {
      const result = await this.app.acquireTokenByClientCredential({
        scopes: [this.graphScope],
        authority: this.authority,
        skipCache: this.renewals.consume("app", this.tenantId),
      });
      if (!result?.accessToken) throw new Error("MSAL returned no access token");
      return result.accessToken;
    } catch (err) {
      throw toAuthError(err, this.tenantId);
    }
  }
}

/**
 * Delegated tokens for one agent in one tenant: the agent's token for this API exchanged on-behalf-of
 * at that tenant's authority. Cached in OboTokenCache by (assertion hash, tenant), never in MSAL's
 * OBO cache, whose lookup ignores the tenant (see oboCache.ts).
 */
export class OnBehalfOfTokenSource implements TokenSource {
  private inFlight?: Promise<string>;

  constructor(
    readonly tenantId: string,
    private readonly app: ConfidentialClientApplication,
    private readonly authority: string,
    private readonly graphScope: string,
    private readonly assertion: string,
    private readonly partition: string,
    private readonly renewals: TokenRenewals,
    private readonly cache: OboTokenCache,
  ) {}

  getToken(): Promise<string> {
    this.inFlight ??= this.acquire().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  renew(): void {
    this.renewals.mark(this.partition, this.tenantId);
  }

  private async acquire(): Promise<string> {
    const key = OboTokenCache.key(this.assertion, this.tenantId);
    if (this.renewals.consume(this.partition, this.tenantId)) this.cache.delete(key);
    const cached = this.cache.get(key);
    if (cached) return cached;
    try {
      const result = await this.app.acquireTokenOnBehalfOf({
        oboAssertion: this.assertion,
        scopes: [this.graphScope],
        authority: this.authority,
        skipCache: true,
      });
      if (!result?.accessToken) throw new Error("MSAL returned no access token");
      this.cache.set(key, result.accessToken, result.expiresOn);
      return result.accessToken;
    } catch (err) {
      throw toAuthError(err, this.tenantId);
    }
  }
}
