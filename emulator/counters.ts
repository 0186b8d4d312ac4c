/**
 * Request counters of the emulator, read by tests and benchmarks through the control API.
 *
 * A "wave" is a round trip of the client as seen from the server: the number of times the count of
 * requests in flight rose from zero. Sequential dependent calls make one wave each; calls issued
 * together overlap and make one (when the latency profile makes them overlap, as benchmarks set).
 */
export type CounterKind = "token" | "discovery" | "jwks" | "authorize" | "graph" | "batch" | "batchItem" | "throttled";
export type FlightKind = "graph" | "token";

type KindCounts = Partial<Record<CounterKind, number>>;

/** One Graph request as the emulator saw it (plain requests and batch items), for tests to inspect. */
export interface LoggedRequest {
  kind: CounterKind;
  tenantId?: string;
  method: string;
  /** Path and query relative to the host, e.g. /v1.0/users?$select=id. */
  url: string;
  /** Header names the request carried that change Graph's behaviour (e.g. consistencylevel). */
  consistencyLevel?: string;
  /** The `request-id` Graph answered the HTTP request with: a plain request's own, a batch item's envelope's. */
  requestId?: string;
}

/** The log keeps the most recent requests only, so a benchmark cannot grow it without bound. */
const LOG_LIMIT = 5000;

export interface CountersSnapshot {
  total: KindCounts;
  byTenant: Record<string, KindCounts>;
  byApp: Record<string, KindCounts>;
  /** Upstream bytes sent in response bodies by kind. */
  bytes: KindCounts;
  concurrency: Record<FlightKind, { current: number; max: number; maxByTenant: Record<string, number> }>;
  waves: Record<FlightKind, number>;
  /** Most recent Graph requests, oldest first (at most 5,000). */
  requests: LoggedRequest[];
}

export class Counters {
  private s!: CountersSnapshot;
  private readonly inFlightByTenant: Record<FlightKind, Map<string, number>> = { graph: new Map(), token: new Map() };

  constructor() {
    this.reset();
  }

  reset(): void {
    const flight = () => ({ current: 0, max: 0, maxByTenant: {} as Record<string, number> });
    const current = this.s?.concurrency;
    this.s = {
      total: {},
      byTenant: {},
      byApp: {},
      bytes: {},
      concurrency: { graph: flight(), token: flight() },
      waves: { graph: 0, token: 0 },
      requests: [],
    };
    // Requests still in flight stay counted as in flight, so a reset mid-request cannot go negative.
    if (current) {
      this.s.concurrency.graph.current = current.graph.current;
      this.s.concurrency.token.current = current.token.current;
    }
  }

  count(kind: CounterKind, scope: { tenantId?: string; appId?: string } = {}, request?: Omit<LoggedRequest, "kind" | "tenantId">): void {
    bump(this.s.total, kind);
    if (request) {
      if (this.s.requests.length >= LOG_LIMIT) this.s.requests.shift();
      this.s.requests.push({ kind, tenantId: scope.tenantId, ...request });
    }
    if (scope.tenantId) bump((this.s.byTenant[scope.tenantId] ??= {}), kind);
    if (scope.appId) bump((this.s.byApp[scope.appId] ??= {}), kind);
  }

  bytes(kind: CounterKind, n: number): void {
    this.s.bytes[kind] = (this.s.bytes[kind] ?? 0) + n;
  }

  /** Marks a request in flight; call the returned function when its response is sent. */
  begin(kind: FlightKind, tenantId = "-"): () => void {
    const c = this.s.concurrency[kind];
    if (c.current === 0) this.s.waves[kind] += 1;
    c.current += 1;
    c.max = Math.max(c.max, c.current);
    const perTenant = this.inFlightByTenant[kind];
    const n = (perTenant.get(tenantId) ?? 0) + 1;
    perTenant.set(tenantId, n);
    c.maxByTenant[tenantId] = Math.max(c.maxByTenant[tenantId] ?? 0, n);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const cc = this.s.concurrency[kind];
      cc.current = Math.max(0, cc.current - 1);
      perTenant.set(tenantId, (perTenant.get(tenantId) ?? 1) - 1);
    };
  }

  snapshot(): CountersSnapshot {
    return structuredClone(this.s);
  }
}

function bump(counts: KindCounts, kind: CounterKind): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}
