import { createHash } from "node:crypto";
import type { createClient } from "redis";

type RedisClient = ReturnType<typeof createClient>;

/** MSAL's renewal offset: a token within 5 minutes of expiry is not handed out. */
const RENEWAL_OFFSET_MS = 5 * 60_000;

/**
 * The one cache of Graph access tokens, for both flows, partitioned by key:
 * - app-only: `app:{clientId}:{tenantId}` (the msal-node docs' partition for multi-tenant daemons);
 * - on-behalf-of: `obo:{sha256 of the agent's token}:{tenantId}`.
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

/** One process: a Map with expiry, bounded so a flood of distinct agents cannot grow it without end. */
export class MemoryTokenCache implements TokenCache {
  private readonly entries = new Map<string, { token: string; usableUntil: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 20_000,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.usableUntil <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.token;
  }

  async set(key: string, token: string, expiresOn: Date | null): Promise<void> {
    const ms = usableMs(expiresOn, this.now());
    if (ms <= 0) return;
    // Map order is insertion order: dropping the first entry drops the oldest.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { token, usableUntil: this.now() + ms });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/**
 * Shared by every replica through Redis, so a token one replica acquired serves the others. Entries
 * expire in Redis when the token enters its renewal offset. Redis must be private to the service:
 * it holds bearer tokens, as MSAL's own distributed cache would.
 */
export class RedisTokenCache implements TokenCache {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix = "partner-graph:token:",
  ) {}

  static async connect(url: string, prefix?: string): Promise<RedisTokenCache> {
    const { createClient } = await import("redis");
    const client = createClient({ url, socket: { connectTimeout: 5_000, reconnectStrategy: (retries) => Math.min(retries * 200, 2_000) } });
    // Without a listener, a dropped connection would crash the process; failures surface on commands instead.
    client.on("error", () => undefined);
    await client.connect();
    return new RedisTokenCache(client as RedisClient, prefix);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, token: string, expiresOn: Date | null): Promise<void> {
    const ms = usableMs(expiresOn, Date.now());
    if (ms > 0) await this.client.set(this.prefix + key, token, { PX: ms });
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  async close(): Promise<void> {
    await this.client.quit();
  }
}
