import type { EmulatorContext } from "../context";

/**
 * Graph's throttling (docs/graph-facts.md §2) as token buckets.
 *
 * - Directory ("identity and access") calls cost resource units (RU); the bucket per app + tenant
 *   holds 3,500 / 5,000 / 8,000 RU per 10 s for a small / medium / large tenant, and one per app
 *   across tenants holds 150,000 RU per 20 s.
 * - Intune device calls: 2,000 requests per 20 s per app per tenant and 4,000 per tenant (all apps).
 *
 * Buckets refill continuously, so `Retry-After` is the exact time until the bucket holds the
 * request's cost again, in seconds with millisecond precision ("2.128", as the docs once showed).
 * Throttled requests do not drain the bucket: a client that waits `Retry-After` gets through.
 * Every limit is multiplied by `settings.throttleScale` so tests can provoke 429s quickly.
 */

export type TenantSize = "S" | "M" | "L";

/** S below 50 users, M 50–500, L above 500. */
export function tenantSize(users: number): TenantSize {
  return users < 50 ? "S" : users <= 500 ? "M" : "L";
}

const DIRECTORY_RU_PER_10S: Record<TenantSize, number> = { S: 3500, M: 5000, L: 8000 };
const DIRECTORY_APP_RU_PER_20S = 150_000;
const INTUNE_APP_TENANT_PER_20S = 2000;
const INTUNE_TENANT_PER_20S = 4000;

/** The documented adjustments: $select −1, $expand +1, $top below 20 −1; never below 1. */
export function resourceUnitCost(base: number, url: URL): number {
  const q = url.searchParams;
  let cost = base;
  if (q.has("$select")) cost -= 1;
  if (q.has("$expand")) cost += 1;
  const top = Number(q.get("$top"));
  if (q.has("$top") && Number.isFinite(top) && top < 20) cost -= 1;
  return Math.max(1, cost);
}

interface Bucket {
  tokens: number;
  capacity: number;
  windowMs: number;
  last: number;
}

interface BucketSpec {
  key: string;
  /** Value of `x-ms-throttle-scope` when this bucket is the one exhausted. */
  scope: string;
  limit: number;
  windowMs: number;
}

type TakeResult = { ok: true; usedFraction: number } | { ok: false; waitMs: number; scope: string };

export interface ThrottleOutcome {
  ok: boolean;
  /** Lower-cased response headers to add (RU cost, limit percentage, Retry-After, scope, information). */
  headers: Record<string, string>;
}

export class GraphThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private intune429s = 0;

  /** Forgets all usage (the control API calls this between tests). */
  reset(): void {
    this.buckets.clear();
    this.intune429s = 0;
  }

  /** Remaining tokens of a bucket, for tests and diagnostics (undefined until first used). */
  peek(key: string): number | undefined {
    return this.buckets.get(key)?.tokens;
  }

  directory(input: { appId: string; tenantId: string; size: TenantSize; cost: number; scale: number; now: number }): ThrottleOutcome {
    const { appId, tenantId, size, cost, scale, now } = input;
    const taken = this.take(
      [
        { key: `dir|${appId}|${tenantId}`, scope: `Tenant_Application/Read/${appId}/${tenantId}`, limit: DIRECTORY_RU_PER_10S[size], windowMs: 10_000 },
        { key: `dir|${appId}`, scope: `Application/Read/${appId}/${tenantId}`, limit: DIRECTORY_APP_RU_PER_20S, windowMs: 20_000 },
      ],
      cost,
      scale,
      now,
    );
    const headers: Record<string, string> = { "x-ms-resource-unit": String(cost) };
    if (taken.ok) {
      // Sent only once more than 80% of a limit is in use (documented range 0.8–1.8).
      if (taken.usedFraction > 0.8) headers["x-ms-throttle-limit-percentage"] = taken.usedFraction.toFixed(1);
      return { ok: true, headers };
    }
    headers["retry-after"] = formatSeconds(taken.waitMs);
    headers["x-ms-throttle-scope"] = taken.scope;
    headers["x-ms-throttle-information"] = "ResourceUnitLimitExceeded";
    return { ok: false, headers };
  }

  intune(input: { appId: string; tenantId: string; scale: number; now: number }): ThrottleOutcome {
    const { appId, tenantId, scale, now } = input;
    const taken = this.take(
      [
        { key: `intune|${appId}|${tenantId}`, scope: `Tenant_Application/Read/${appId}/${tenantId}`, limit: INTUNE_APP_TENANT_PER_20S, windowMs: 20_000 },
        { key: `intune|${tenantId}`, scope: `Tenant/Read/${appId}/${tenantId}`, limit: INTUNE_TENANT_PER_20S, windowMs: 20_000 },
      ],
      1,
      scale,
      now,
    );
    if (taken.ok) return { ok: true, headers: {} };
    // Intune often answers 429 without Retry-After (observed): every other 429 leaves it out,
    // so clients must also back off on their own.
    this.intune429s += 1;
    return { ok: false, headers: this.intune429s % 2 === 0 ? {} : { "retry-after": formatSeconds(taken.waitMs) } };
  }

  /** Takes `cost` from every bucket, or from none when any of them lacks it. */
  private take(specs: BucketSpec[], cost: number, scale: number, now: number): TakeResult {
    const buckets = specs.map((s) => this.bucket(s, scale, now));
    let waitMs = 0;
    let scope = "";
    // A cost above a (scaled-down) capacity is capped, or the request could never pass.
    const costIn = (b: Bucket) => Math.min(cost, b.capacity);
    buckets.forEach((b, i) => {
      if (b.tokens >= costIn(b)) return;
      const need = costIn(b) - b.tokens;
      const wait = (need * b.windowMs) / b.capacity;
      if (wait > waitMs) {
        waitMs = wait;
        scope = specs[i]!.scope;
      }
    });
    if (waitMs > 0) return { ok: false, waitMs, scope };
    let usedFraction = 0;
    for (const b of buckets) {
      b.tokens -= costIn(b);
      usedFraction = Math.max(usedFraction, 1 - b.tokens / b.capacity);
    }
    return { ok: true, usedFraction };
  }

  private bucket(spec: BucketSpec, scale: number, now: number): Bucket {
    const capacity = Math.max(1, Math.round(spec.limit * scale));
    let b = this.buckets.get(spec.key);
    if (!b) {
      b = { tokens: capacity, capacity, windowMs: spec.windowMs, last: now };
      this.buckets.set(spec.key, b);
    }
    if (b.capacity !== capacity) {
      // throttleScale changed: keep the used share, resize the bucket.
      b.tokens = (b.tokens / b.capacity) * capacity;
      b.capacity = capacity;
    }
    const elapsed = Math.max(0, now - b.last);
    b.tokens = Math.min(b.capacity, b.tokens + (elapsed * b.capacity) / b.windowMs);
    b.last = now;
    return b;
  }
}

/** Seconds with up to three decimals and never zero ("2.128", "0.001", "7"). */
function formatSeconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms)) / 1000;
  return String(Number(s.toFixed(3)));
}

const throttles = new WeakMap<EmulatorContext, GraphThrottle>();

/** The throttle state of an emulator (one per context; the control API resets it through here). */
export function graphThrottle(ctx: EmulatorContext): GraphThrottle {
  let t = throttles.get(ctx);
  if (!t) {
    t = new GraphThrottle();
    throttles.set(ctx, t);
  }
  return t;
}

/** Refills every bucket of this emulator (control API: POST /reset, POST /throttling/reset). */
export function resetThrottling(ctx: EmulatorContext): void {
  graphThrottle(ctx).reset();
}
