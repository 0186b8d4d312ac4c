import { createHash } from "node:crypto";
import { MemoryValues, type SharedValues } from "../shared/values";

/** MSAL's renewal offset: a token within 5 minutes of expiry is not handed out. */
const RENEWAL_OFFSET_MS = 5 * 60_000;

/**
 * The one cache of Graph access tokens, for both flows, partitioned by key:
 * - app-only: `app:{clientId}:{tenantId}` (the msal-node docs' partition for multi-tenant daemons);
 * - on-behalf-of: `obo:{sha256 of the agent's token}:{tenantId}`: a hash, so no key carries a token.
 * In memory, or shared by every replica through Redis (RedisValues: `{REDIS_KEY_PREFIX}token:{key}`,
 * each value sealed with AES-GCM, expiring when the token enters its renewal offset).
 *
 * Why ours and not MSAL's: msal-node 7.2.3 looks OBO tokens up by client id, scopes and assertion
 * hash only, not by tenant (OnBehalfOfClient.readAccessTokenFromCacheForOBO), so an agent's token for
 * one tenant was served for another (measured here); and one ConfidentialClientApplication serving
 * every tenant serializes all of them into whichever partition a distributed cache plugin names. So
 * MSAL is called with skipCache, and this cache, keyed by tenant, answers first.
 */
export interface TokenCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, token: string, expiresOn: Date | null): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export const appTokenKey = (clientId: string, tenantId: string) => `app:${clientId.toLowerCase()}:${tenantId.toLowerCase()}`;
export const oboTokenKey = (assertion: string, tenantId: string) =>
  `obo:${createHash("sha256").update(assertion).digest("base64url")}:${tenantId.toLowerCase()}`;

/** Lifetime left worth caching, or 0 when the token is already inside the renewal offset. */
function usableMs(expiresOn: Date | null, now: number): number {
  return expiresOn ? Math.max(0, expiresOn.getTime() - RENEWAL_OFFSET_MS - now) : 0;
}

/** Tokens kept in SharedValues, each until it enters MSAL's renewal offset. */
export class SharedTokenCache implements TokenCache {
  constructor(
    private readonly values: SharedValues,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  set(key: string, token: string, expiresOn: Date | null): Promise<void> {
    return this.values.set(key, token, usableMs(expiresOn, this.now()));
  }

  delete(key: string): Promise<void> {
    return this.values.delete(key);
  }

  /** The values' store (its connection, for Redis) is closed by whoever opened it. */
  async close(): Promise<void> {}
}

/** One process: a Map with expiry, bounded so a flood of distinct agents cannot grow it without end. */
export class MemoryTokenCache extends SharedTokenCache {
  private readonly memory: MemoryValues;

  constructor(now: () => number = Date.now, maxEntries = 20_000) {
    const memory = new MemoryValues(now, maxEntries);
    super(memory, now);
    this.memory = memory;
  }

  override async close(): Promise<void> {
    this.memory.clear();
  }
}
