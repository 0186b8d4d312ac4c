import type { ConfidentialClientApplication } from "@azure/msal-node";
import { toAuthError } from "./authErrors";
import type { TokenSource } from "./tokenSource";

/**
 * App-only tokens of one regional partner-managed app for one tenant (a customer of its region,
 * or its own partner tenant), acquired at that tenant's authority.
 */
export class AppOnlyTokenSource implements TokenSource {
  private inFlight?: Promise<string>;
  private skipCacheOnce = false;

  constructor(
    readonly tenantId: string,
    private readonly app: ConfidentialClientApplication,
    private readonly authorityHost: string,
    private readonly graphScope: string,
  ) {}

  getToken(): Promise<string> {
    // Concurrent callers of one tenant share one acquisition instead of racing to the token endpoint.
    this.inFlight ??= this.acquire().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  renew(): void {
    this.skipCacheOnce = true;
  }

  private async acquire(): Promise<string> {
    const skipCache = this.skipCacheOnce;
    this.skipCacheOnce = false;
    try {
      const result = await this.app.acquireTokenByClientCredential({
        scopes: [this.graphScope],
        authority: `${this.authorityHost}/${this.tenantId}`,
        skipCache,
      });
      if (!result?.accessToken) throw new Error("MSAL returned no access token");
      return result.accessToken;
    } catch (err) {
      throw toAuthError(err, this.tenantId);
    }
  }
}
