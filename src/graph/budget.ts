import { MemoryBudgetStore, type BucketTake, type BudgetStore } from "../shared/budgetStore";
import type { Workload } from "./resilience";
import { parseRetryAfter } from "./retryAfter";
import type { GraphRequest, GraphResponse } from "./types";

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

/**
 * Graph's Retry-After is honoured for at most this long by every replica: a value past it (a defect, a
 * misread date) must not keep a tenant out for hours. Graph's throttling windows are 10–20 s (§2).
 */
const MAX_HOLD_MS = 300_000;

/**
 * A client-side budget per tenant and workload, so steady load stays under Graph's limits instead of
 * running into 429s. Every customer tenant is reached by exactly one of our apps (its region's), so a
 * per-tenant budget is a per (app, tenant) budget. Its buckets live in a BudgetStore: this process's
 * memory, or Redis, where every replica reserves from the same buckets (src/shared/budgetStore.ts).
 *
 * It also keeps Graph's own word: a 429 or 503 with Retry-After for a tenant's workload holds that
 * workload of that tenant — for every operation, and with Redis for every replica — until then, so
 * nobody sends what Graph already said it would refuse. A hold is not the budget: it applies even
 * with the budget off (scale 0).
 */
export class GraphBudget {
  constructor(
    private readonly scale = 1,
    private readonly store: BudgetStore = new MemoryBudgetStore(),
  ) {}

  /** Whether the budget plans at all (GRAPH_BUDGET_SCALE above 0); off, every request may go at once. */
  get enabled(): boolean {
    return this.scale > 0;
  }

  /** Milliseconds to wait before sending these requests of one tenant (0: send now); reserved already. */
  reserve(tenantId: string, requests: ReadonlyArray<{ req: GraphRequest; workload: Workload }>): Promise<number> {
    const tenant = tenantId.toLowerCase();
    const workloads = new Set(requests.map((r) => r.workload));
    return this.store.reserve(
      this.takes(tenant, requests),
      [...workloads].map((w) => holdKey(tenant, w)),
    );
  }

  /** Gives back what reserve() took, for requests that will not be sent after all. */
  refund(tenantId: string, requests: ReadonlyArray<{ req: GraphRequest; workload: Workload }>): Promise<void> {
    return this.store.refund(this.takes(tenantId.toLowerCase(), requests));
  }

  /**
   * Holds each workload of these answers that Graph throttled (429) or could not serve (503) with a
   * Retry-After, for the longest Retry-After among them (seconds, fractional, or an HTTP date).
   */
  async heedRetryAfter(tenantId: string, requests: ReadonlyArray<{ workload: Workload }>, answers: readonly GraphResponse[]): Promise<void> {
    const longest = new Map<Workload, number>();
    answers.forEach((res, i) => {
      if (res.status !== 429 && res.status !== 503) return;
      const seconds = parseRetryAfter(res.headers["retry-after"]);
      const w = requests[i]?.workload;
      if (seconds !== undefined && seconds > 0 && w) longest.set(w, Math.max(longest.get(w) ?? 0, seconds));
    });
    const tenant = tenantId.toLowerCase();
    await Promise.all([...longest].map(([w, s]) => this.store.hold(holdKey(tenant, w), Math.min(MAX_HOLD_MS, Math.ceil(s * 1000)))));
  }

  private takes(tenant: string, requests: ReadonlyArray<{ req: GraphRequest; workload: Workload }>): BucketTake[] {
    if (this.scale <= 0) return [];
    return [...costs(requests)].map(([workload, cost]) => {
      const [limit, windowMs] = workload === "intune" ? [INTUNE_PER_20S, 20_000] : [DIRECTORY_RU_PER_10S, 10_000];
      const capacity = limit * HEADROOM * this.scale;
      return { key: `budget:${tenant}:${workload}`, cost, capacity, perMs: capacity / windowMs };
    });
  }
}

function holdKey(tenant: string, workload: Workload): string {
  return `hold:${tenant}:${workload}`;
}
