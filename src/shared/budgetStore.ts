import { LuaScript, type SharedRedis } from "./redisConnection";

/** One bucket's part of a reservation: `cost` from the bucket at `key`, which holds `capacity` and refills `perMs` per millisecond. */
export interface BucketTake {
  key: string;
  cost: number;
  capacity: number;
  perMs: number;
}

/**
 * What the client-side budget keeps: token buckets, and holds (until when Graph asked us to wait). In
 * one process's memory, or in Redis for every replica — with the same arithmetic, spelled twice below
 * (TypeScript and Lua) and checked by one test suite run against both:
 *
 * - A bucket starts full. Before each use it refills by the time since its last use, up to its capacity.
 * - A reservation takes its cost even below zero, and waits until the bucket would be back at zero:
 *   requests queue in arrival order instead of starving. A refund gives the cost back (up to capacity).
 * - A missing bucket is a full one: each bucket is forgotten once it would be full again, so idle
 *   tenants take no room (in Redis: the key's TTL).
 */
export interface BudgetStore {
  /**
   * Takes each cost from its bucket, and answers how long to wait before spending them (ms; 0: now):
   * the longest of the buckets' waits and of the `holds` still running.
   */
  reserve(takes: readonly BucketTake[], holds: readonly string[]): Promise<number>;
  /** Gives back what reserve() took, for requests that will not be sent after all. */
  refund(takes: readonly BucketTake[]): Promise<void>;
  /** Holds `key` for `ms` from now; a longer hold already there stays. */
  hold(key: string, ms: number): Promise<void>;
}

/** How long past "full again" a bucket is kept (so a bucket in use is never forgotten between two calls). */
const KEEP_MS = 1_000;
/** Reservations between two sweeps of forgotten buckets and ended holds. */
const SWEEP_EVERY = 1_000;

interface Bucket {
  tokens: number;
  last: number;
  forgetAt: number;
}

/** One process's buckets and holds (no REDIS_URL, or while Redis is unavailable). */
export class MemoryBudgetStore implements BudgetStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly holds = new Map<string, number>();
  private reservations = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async reserve(takes: readonly BucketTake[], holds: readonly string[]): Promise<number> {
    const now = this.now();
    if (++this.reservations % SWEEP_EVERY === 0) this.sweep(now);
    let wait = 0;
    for (const t of takes) {
      const level = this.level(t, now) - t.cost;
      this.store(t, level, now);
      if (level < 0) wait = Math.max(wait, Math.ceil(-level / t.perMs));
    }
    for (const key of holds) {
      const until = this.holds.get(key);
      if (until !== undefined && until > now) wait = Math.max(wait, Math.ceil(until - now));
    }
    return wait;
  }

  async refund(takes: readonly BucketTake[]): Promise<void> {
    const now = this.now();
    for (const t of takes) if (this.buckets.has(t.key)) this.store(t, Math.min(t.capacity, this.level(t, now) + t.cost), now);
  }

  async hold(key: string, ms: number): Promise<void> {
    const until = this.now() + ms;
    if ((this.holds.get(key) ?? -Infinity) < until) this.holds.set(key, until);
  }

  /** The bucket's level now: refilled since its last use, at most its capacity; full when unknown. */
  private level(t: BucketTake, now: number): number {
    const b = this.buckets.get(t.key);
    return b ? Math.min(t.capacity, b.tokens + Math.max(0, now - b.last) * t.perMs) : t.capacity;
  }

  private store(t: BucketTake, tokens: number, now: number): void {
    this.buckets.set(t.key, { tokens, last: now, forgetAt: now + Math.ceil((t.capacity - tokens) / t.perMs) + KEEP_MS });
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) if (b.forgetAt <= now) this.buckets.delete(k);
    for (const [k, until] of this.holds) if (until <= now) this.holds.delete(k);
  }
}

/** Now, in ms: the clock passed in (ARGV[1], tests), or Redis' own, so that every replica counts time on one clock. */
const NOW = `
if redis.replicate_commands then redis.replicate_commands() end
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
`;

/** Refills a bucket and answers its level (the arithmetic of MemoryBudgetStore.level). */
const LEVEL = `
local function level(key, cap, rate)
  local s = redis.call('HMGET', key, 'tokens', 'last')
  if not s[1] then return cap end
  return math.min(cap, tonumber(s[1]) + math.max(0, now - tonumber(s[2])) * rate)
end
local function store(key, cap, rate, tokens)
  redis.call('HSET', key, 'tokens', string.format('%.17g', tokens), 'last', string.format('%.17g', now))
  redis.call('PEXPIRE', key, math.ceil((cap - tokens) / rate) + ${KEEP_MS})
end
`;

/** KEYS: the buckets, then the holds. ARGV: now (or ""), the number of buckets, then cost, capacity, rate per bucket. */
const RESERVE = new LuaScript(`${NOW}${LEVEL}
local n = tonumber(ARGV[2])
local wait = 0
for i = 1, n do
  local cost, cap, rate = tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2])
  local tokens = level(KEYS[i], cap, rate) - cost
  store(KEYS[i], cap, rate, tokens)
  if tokens < 0 then wait = math.max(wait, math.ceil(-tokens / rate)) end
end
for i = n + 1, #KEYS do
  local untilMs = tonumber(redis.call('GET', KEYS[i]))
  if untilMs and untilMs > now then wait = math.max(wait, math.ceil(untilMs - now)) end
end
return wait
`);

/** KEYS: the buckets. ARGV: now (or ""), then cost, capacity, rate per bucket. */
const REFUND = new LuaScript(`${NOW}${LEVEL}
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    local cost, cap, rate = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1])
    store(KEYS[i], cap, rate, math.min(cap, level(KEYS[i], cap, rate) + cost))
  end
end
return 0
`);

/** KEYS: the hold. ARGV: now (or ""), its length in ms. */
const HOLD = new LuaScript(`${NOW}
local ms = tonumber(ARGV[2])
local untilMs = now + ms
local current = tonumber(redis.call('GET', KEYS[1]))
if not current or current < untilMs then redis.call('SET', KEYS[1], string.format('%.17g', untilMs), 'PX', math.ceil(ms)) end
return 0
`);

/**
 * Every replica's buckets and holds in Redis, one atomic script per call (one round trip per
 * reservation), under `{prefix}{key}`. Time is Redis' own clock (TIME), so replicas on hosts whose
 * clocks differ still share one bucket correctly; tests may pass a clock instead, used for every call.
 * While Redis is unavailable, `fallback` (this process's memory) stands in.
 */
export class RedisBudgetStore implements BudgetStore {
  constructor(
    private readonly redis: SharedRedis,
    private readonly fallback: BudgetStore = new MemoryBudgetStore(),
    private readonly now?: () => number,
  ) {}

  reserve(takes: readonly BucketTake[], holds: readonly string[]): Promise<number> {
    const keys = [...takes.map((t) => this.redis.key(t.key)), ...holds.map((h) => this.redis.key(h))];
    const args = [this.clock(), String(takes.length), ...takes.flatMap(numbers)];
    return this.redis.orElse(
      async (c) => Number(await this.redis.script(c, RESERVE, keys, args)),
      () => this.fallback.reserve(takes, holds),
    );
  }

  refund(takes: readonly BucketTake[]): Promise<void> {
    if (takes.length === 0) return Promise.resolve();
    const keys = takes.map((t) => this.redis.key(t.key));
    return this.redis.orElse(
      async (c) => void (await this.redis.script(c, REFUND, keys, [this.clock(), ...takes.flatMap(numbers)])),
      () => this.fallback.refund(takes),
    );
  }

  hold(key: string, ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return this.redis.orElse(
      async (c) => void (await this.redis.script(c, HOLD, [this.redis.key(key)], [this.clock(), String(ms)])),
      () => this.fallback.hold(key, ms),
    );
  }

  private clock(): string {
    return this.now ? String(this.now()) : "";
  }
}

function numbers(t: BucketTake): string[] {
  return [String(t.cost), String(t.capacity), String(t.perMs)];
}
