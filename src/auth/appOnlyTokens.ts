import type { ConfidentialClientApplication } from "@azure/msal-node";
import { toAuthError } from "./authErrors";
import { appTokenKey, oboTokenKey, type TokenCache } from "./tokenCache";
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
    private readonly cache: TokenCache,
    private readonly clientId: string,
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
    const key = appTokenKey(this.clientId, this.tenantId);
    if (this.renewals.consume("app", this.tenantId)) await this.cache.delete(key);
    const cached = await this.cache.get(key);
    if (cached) return cached;
    try {
      const result = await this.app.acquireTokenByClientCredential({ scopes: [this.graphScope], authority: this.authority, skipCache: true });
      if (!result?.accessToken) throw new Error("MSAL returned no access token");
      await this.cache.set(key, result.accessToken, result.expiresOn);
      return result.accessToken;
    } catch (err) {
      throw toAuthError(err, this.tenantId);
    }
  }
}

/**
 * Delegated tokens for one agent in one tenant: the agent's token for this API exchanged on-behalf-of
 * at that tenant's authority. Cached by (assertion hash, tenant) in our TokenCache, never in MSAL's
 * OBO cache, whose lookup ignores the tenant (see tokenCache.ts).
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
    private readonly cache: TokenCache,
  ) {}

  getToken(): Promise<string> {
    this.inFlight ??= this.acquire().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  renew(): void {
    this.renewals.mark(this.partition, this.tenantId);
  }

  private async acquire(): Promise<string> {
    const key = oboTokenKey(this.assertion, this.tenantId);
    if (this.renewals.consume(this.partition, this.tenantId)) await this.cache.delete(key);
    const cached = await this.cache.get(key);
    if (cached) return cached;
    try {
      const result = await this.app.acquireTokenOnBehalfOf({
        oboAssertion: this.assertion,
        scopes: [this.graphScope],
        authority: this.authority,
        skipCache: true,
      });
      if (!result?.accessToken) throw new Error("MSAL returned no access token");
      await this.cache.set(key, result.accessToken, result.expiresOn);
      return result.accessToken;
    } catch (err) {
      throw toAuthError(err, this.tenantId);
    }
  }
}
