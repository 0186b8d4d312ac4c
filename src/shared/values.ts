import type { Logger } from "../log";
import type { SharedRedis } from "./redisConnection";
import type { Sealer } from "./sealing";

/** Strings with a lifetime, kept by one process or shared by every replica. */
export interface SharedValues {
  get(key: string): Promise<string | undefined>;
  /** Keeps `value` for `ttlMs` (nothing when `ttlMs` ≤ 0). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** One process: a Map with expiry, bounded so a flood of distinct keys (agents) cannot grow it without end. */
export class MemoryValues implements SharedValues {
  private readonly entries = new Map<string, { value: string; until: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 20_000,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    // Map order is insertion order: dropping the first entry drops the oldest.
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: this.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** What `orElse` answers when Redis could not: the value is memory's business then. */
const FROM_MEMORY = Symbol("from memory");

/**
 * Shared by every replica through Redis, sealed (AES-GCM, bound to the key: see Sealer), under
 * `{prefix}{namespace}:{key}`, expiring in Redis after `ttlMs`. While Redis is unavailable, the
 * process's own memory stands in (`fallback`), so callers never see Redis fail. A value that does not
 * open (another key, altered) is a miss, logged once per reason: the caller fetches it again and
 * overwrites it with what this replica can read.
 */
export class RedisValues implements SharedValues {
  private readonly unopened = new Set<string>();

  constructor(
    private readonly redis: SharedRedis,
    private readonly sealer: Sealer,
    private readonly namespace: string,
    private readonly log: Logger,
    private readonly fallback = new MemoryValues(),
  ) {}

  async get(key: string): Promise<string | undefined> {
    const k = this.redis.key(this.namespace, key);
    const raw = await this.redis.orElse<string | null | typeof FROM_MEMORY>(
      (c) => c.get(k),
      () => FROM_MEMORY,
    );
    if (raw === FROM_MEMORY) return this.fallback.get(key);
    if (raw === null) return undefined;
    const opened = this.sealer.open(raw, k);
    if (opened.ok) return opened.plaintext;
    if (!this.unopened.has(opened.reason)) {
      this.unopened.add(opened.reason);
      this.log.warn(
        { reason: opened.reason, namespace: this.namespace },
        opened.reason === "unknown-key"
          ? "a value in Redis is sealed with a key this process does not have (REDIS_ENCRYPTION_KEY / REDIS_ENCRYPTION_KEYS_OLD): treated as missing"
          : "a value in Redis does not open (altered, moved or not sealed): treated as missing",
      );
    }
    return undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    const k = this.redis.key(this.namespace, key);
    const sealed = this.sealer.seal(value, k);
    await this.redis.orElse(
      async (c) => void (await c.set(k, sealed, { PX: Math.ceil(ttlMs) })),
      () => this.fallback.set(key, value, ttlMs),
    );
  }

  async delete(key: string): Promise<void> {
    // Memory too: what it held during an outage must not come back in the next one.
    await this.fallback.delete(key);
    const k = this.redis.key(this.namespace, key);
    await this.redis.orElse(
      async (c) => void (await c.del(k)),
      () => undefined,
    );
  }
}
