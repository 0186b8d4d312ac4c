import { BulkheadPolicy, bulkhead } from "cockatiel";
import { parseRetryAfter } from "./graphErrors";
import type { GraphRequest, GraphResponse } from "./types";

/** Statuses Graph documents as transient: throttled, unavailable, gateway timeout. */
export const RETRYABLE = new Set([429, 503, 504]);
/** Six attempts: at a 20% transient failure rate, 1 request in 15,625 still fails (the deadline bounds the waits). */
export const MAX_ATTEMPTS = 6;

export type Workload = "directory" | "intune";
/** What a breaker guards: a Graph workload, or the tenant's token endpoint. */
export type Circuit = Workload | "identity";

/** Intune has its own limits and outages; everything else we read is the directory. */
export function workloadOf(req: GraphRequest): Workload {
  return /^\/(devicemanagement\/|users\/[^/?]+\/manageddevices)/i.test(req.url) ? "intune" : "directory";
}

/** Only reads are re-sent blindly; a POST is retried only when marked idempotent (e.g. getByIds). */
export function isIdempotent(req: GraphRequest): boolean {
  return req.method === "GET" || req.idempotent === true;
}

/**
 * How long to wait before re-sending these failed answers: the longest Retry-After among them (seconds,
 * fractional, or an HTTP date); without any, exponential backoff with full jitter.
 */
export function retryDelayMs(failed: readonly GraphResponse[], attempt: number, random: () => number = Math.random, now = Date.now()): number {
  let longest: number | undefined;
  for (const res of failed) {
    const s = parseRetryAfter(res.headers["retry-after"], now);
    if (s !== undefined) longest = Math.max(longest ?? 0, s);
  }
  if (longest !== undefined) return Math.ceil(longest * 1000);
  const cap = Math.min(8_000, 500 * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/**
 * A circuit breaker per (tenant, workload). Hand-written rather than cockatiel's because a `$batch`
 * answers items of several workloads at once: each item's outcome is recorded on its own workload's
 * breaker, and an open breaker keeps only its workload's items out of the next batch.
 */
export class TenantBreakers {
  private readonly state = new Map<string, { failures: number; openUntil: number; probing: boolean }>();

  constructor(private readonly threshold = 5, private readonly openMs = 10_000, private readonly now: () => number = Date.now) {}

  /** Milliseconds until the circuit may be tried again, or 0 when calls may go through. */
  blockedFor(tenantId: string, workload: Circuit): number {
    const s = this.state.get(key(tenantId, workload));
    if (!s || s.openUntil === 0) return 0;
    const wait = s.openUntil - this.now();
    if (wait > 0) return wait;
    // Half-open: one probe at a time.
    if (s.probing) return 1_000;
    s.probing = true;
    return 0;
  }

  record(tenantId: string, workload: Circuit, failed: boolean): void {
    const k = key(tenantId, workload);
    const s = this.state.get(k) ?? { failures: 0, openUntil: 0, probing: false };
    if (!failed) {
      this.state.delete(k);
      return;
    }
    s.failures += 1;
    s.probing = false;
    if (s.failures >= this.threshold || s.openUntil !== 0) s.openUntil = this.now() + this.openMs;
    this.state.set(k, s);
  }
}

function key(tenantId: string, workload: Circuit): string {
  return `${tenantId.toLowerCase()}|${workload}`;
}

/**
 * Caps on Graph requests in flight: one for the process, one per tenant, so one busy tenant cannot
 * take every connection. Queues are unbounded: the operation deadline bounds the wait.
 */
export class InFlightLimits {
  private readonly global: BulkheadPolicy;
  private readonly perTenant = new Map<string, BulkheadPolicy>();

  constructor(globalLimit: number, private readonly tenantLimit: number) {
    this.global = bulkhead(globalLimit, Number.MAX_SAFE_INTEGER);
  }

  run<T>(tenantId: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let tenant = this.perTenant.get(tenantId);
    if (!tenant) {
      tenant = bulkhead(this.tenantLimit, Number.MAX_SAFE_INTEGER);
      this.perTenant.set(tenantId, tenant);
    }
    return tenant.execute(() => this.global.execute(fn, signal), signal);
  }
}
