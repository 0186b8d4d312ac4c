import type { Workload } from "./resilience";
import type { GraphRequest } from "./types";

/**
 * Graph's documented limits per app and tenant (docs/graph-facts.md §2): directory reads cost resource units
 * (3,500 per 10 s for the smallest tenants; we do not know a tenant's size, so we assume the smallest),
 * Intune allows 2,000 requests per 20 s. We plan to spend at most this share of them, leaving room for
 * estimation error.
 */
const DIRECTORY_RU_PER_10S = 3500;
const INTUNE_PER_20S = 2000;
const HEADROOM = 0.9;

/** Estimated resource units of a directory read, after Graph's published cost table and adjustments. */
export function resourceUnits(req: GraphRequest): number {
  const [path, query = ""] = req.url.split("?");
  const p = path.toLowerCase();
  let cost = 1;
  if (req.method === "POST" && p === "/directoryobjects/getbyids") cost = 5;
  else if (/^\/groups\/[^/]+\/transitivemembers/.test(p)) cost = 5;
  else if (/^\/groups\/[^/]+\/members/.test(p)) cost = 3;
  else if (p === "/contracts") cost = 3;
  else if (/^\/users(\/[^/]+\/(memberof|transitivememberof))?$/.test(p) || p === "/users") cost = 2;
  const params = new URLSearchParams(query);
  if (params.has("$select")) cost -= 1;
  if (params.has("$expand")) cost += 1;
  const top = Number(params.get("$top") ?? NaN);
  if (Number.isFinite(top) && top < 20) cost -= 1;
  return Math.max(1, cost);
}

/** What the requests cost per workload: resource units for the directory, one per request for Intune. */
function costs(requests: ReadonlyArray<{ req: GraphRequest; workload: Workload }>): Map<Workload, number> {
  const out = new Map<Workload, number>();
  for (const r of requests) out.set(r.workload, (out.get(r.workload) ?? 0) + (r.workload === "intune" ? 1 : resourceUnits(r.req)));
  return out;
}

class Bucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /**
   * Reserves `cost` and answers how long to wait before spending it (0: now). Reservations may run
   * the bucket below zero, so requests queue in arrival order instead of starving.
   */
  reserve(cost: number, now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    this.tokens -= cost;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.perMs);
  }

  refund(cost: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + cost);
  }
}

/**
 * A client-side budget per tenant and workload, so steady load stays under Graph's limits instead of
 * running into 429s. Every customer tenant is reached by exactly one of our apps (its region's), so a
 * per-tenant budget is a per (app, tenant) budget. Process-wide; replicas each keep their own.
 */
export class GraphBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly scale = 1,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the budget plans at all (GRAPH_BUDGET_SCALE above 0); off, every request may go at once. */
  get enabled(): boolean {
    return this.scale > 0;
  }

  /** Milliseconds to wait before sending these requests of one tenant (0: send now); reserved already. */
  reserve(tenantId: string, requests: ReadonlyArray<{ req: GraphRequest; workload: Workload }>): number {
    if (this.scale <= 0) return 0;
    let wait = 0;
    for (const [workload, cost] of costs(requests)) wait = Math.max(wait, this.bucket(tenantId, workload).reserve(cost, this.now()));
    return wait;
  }

  /** Gives back what reserve() took, for requests that will not be sent after all. */
  refund(tenantId: string, requests: ReadonlyArray<{ req: GraphRequest; workload: Workload }>): void {
    if (this.scale <= 0) return;
    for (const [workload, cost] of costs(requests)) this.bucket(tenantId, workload).refund(cost);
  }

  private bucket(tenantId: string, workload: Workload): Bucket {
    const key = `${tenantId.toLowerCase()}|${workload}`;
    let b = this.buckets.get(key);
    if (!b) {
      const [limit, windowMs] = workload === "intune" ? [INTUNE_PER_20S, 20_000] : [DIRECTORY_RU_PER_10S, 10_000];
      const capacity = limit * HEADROOM * this.scale;
      b = new Bucket(capacity, capacity / windowMs, this.now());
      this.buckets.set(key, b);
    }
    return b;
  }
}
