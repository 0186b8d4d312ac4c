import type { AuthenticationResult, ConfidentialClientApplication } from "@azure/msal-node";
import { toAuthError } from "./authErrors";
import type { TokenRenewals } from "./renewals";
import { appTokenKey, oboTokenKey, type TokenCache } from "./tokenCache";
import type { TokenSource } from "../graph/credentials";
import type { TokenReport, TokenReporter } from "../graph/observer";
import { answerCodeOf } from "../errors";

/**
 * A tenant's Graph tokens through our TokenCache: concurrent callers share one acquisition instead of
 * racing to the token endpoint; a renewal drops the cached token so the next one is new; MSAL is asked
 * with skipCache (see tokenCache.ts for why its own cache is not used).
 */
abstract class CachedTokenSource implements TokenSource {
  private inFlight?: Promise<Acquired>;

  protected constructor(
    private readonly mode: TokenReport["mode"],
    readonly tenantId: string,
    private readonly cacheKey: string,
    private readonly partition: string,
    private readonly cache: TokenCache,
    private readonly renewals: TokenRenewals,
  ) {}

  getToken(report?: TokenReporter): Promise<string> {
    const joined = this.inFlight !== undefined;
    this.inFlight ??= this.acquire().finally(() => (this.inFlight = undefined));
    if (!report) return this.inFlight.then((a) => a.token);
    // What the asking operation saw: a cache hit, its own token request, or one it joined.
    const startedAt = Date.now();
    const { mode } = this;
    return this.inFlight.then(
      ({ token, source }) => {
        report({ mode, source: joined && source === "endpoint" ? "shared" : source, ok: true, startedAt, endedAt: Date.now() });
        return token;
      },
      (err: unknown) => {
        report({ mode, source: joined ? "shared" : "endpoint", ok: false, code: answerCodeOf(err) ?? "INTERNAL_SERVER_ERROR", startedAt, endedAt: Date.now() });
        throw err;
      },
    );
  }

  renew(force = false): void {
    this.renewals.mark(this.partition, this.tenantId, force);
  }

  /** One call to MSAL, always with skipCache: true. */
  protected abstract request(): Promise<AuthenticationResult | null>;

  private async acquire(): Promise<Acquired> {
    if (this.renewals.consume(this.partition, this.tenantId)) await this.cache.delete(this.cacheKey);
    const cached = await this.cache.get(this.cacheKey);
    if (cached) return { token: cached, source: "cache" };
    try {
      const result = await this.request();
      if (!result?.accessToken) throw new Error("MSAL returned no access token");
      await this.cache.set(this.cacheKey, result.accessToken, result.expiresOn);
      return { token: result.accessToken, source: "endpoint" };
    } catch (err) {
      throw toAuthError(err, this.tenantId);
    }
  }
}

/** A token and where it came from. */
interface Acquired {
  token: string;
  source: "cache" | "endpoint";
}

/**
 * App-only tokens of one regional partner-managed app for one tenant (a customer of its region, or its
 * own partner tenant), acquired at that tenant's authority.
 */
export class AppOnlyTokenSource extends CachedTokenSource {
  constructor(
    tenantId: string,
    private readonly app: ConfidentialClientApplication,
    private readonly authority: string,
    private readonly graphScope: string,
    renewals: TokenRenewals,
    cache: TokenCache,
    clientId: string,
  ) {
    super("app", tenantId, appTokenKey(clientId, tenantId), "app", cache, renewals);
  }

  protected request(): Promise<AuthenticationResult | null> {
    return this.app.acquireTokenByClientCredential({ scopes: [this.graphScope], authority: this.authority, skipCache: true });
  }
}

/**
 * Delegated tokens for one agent in one tenant: the agent's token for this API exchanged on-behalf-of
 * at that tenant's authority, cached by (assertion hash, tenant).
 */
export class OnBehalfOfTokenSource extends CachedTokenSource {
  constructor(
    tenantId: string,
    private readonly app: ConfidentialClientApplication,
    private readonly authority: string,
    private readonly graphScope: string,
    private readonly assertion: string,
    partition: string,
    renewals: TokenRenewals,
    cache: TokenCache,
  ) {
    super("delegated", tenantId, oboTokenKey(assertion, tenantId), partition, cache, renewals);
  }

  protected request(): Promise<AuthenticationResult | null> {
    return this.app.acquireTokenOnBehalfOf({ oboAssertion: this.assertion, scopes: [this.graphScope], authority: this.authority, skipCache: true });
  }
}
