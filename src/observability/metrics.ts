import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { BreakerDecision, GraphCallReport, GraphRetryReport, TokenReport } from "../graph/observer";

/** Gauges read when Prometheus scrapes (nothing is updated on the request path for them). */
export interface InFlightSources {
  operations(): number;
  cost(): number;
  graph(): { inFlight: number; waiting: number };
  breakers(): ReadonlyArray<{ tenantId: string; circuit: string; state: "open" | "half_open" | "failing"; since: number }>;
  /** What replicas share through Redis (src/shared): absent without REDIS_URL, so no series. */
  shared?(): { available: boolean; fallbacks: number };
}

/**
 * Per-tenant breaker series exported at most: the circuits that are not closed, most recently opened
 * first. A healthy tenant has no series, so 1,000 customers cost nothing until some fail; during a
 * regional outage the count by state (`partner_graph_breakers`) still says how many, without 1,000 series.
 */
export const BREAKER_TENANT_SERIES = 50;

/** Distinct operation names labelled; beyond, `other` (clients choose names: the label must stay bounded). */
export const OPERATION_NAMES = 200;

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 30];
const GRAPH_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25];
const WAIT_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 20];

/**
 * The Prometheus metrics of one app instance, in its own registry (not prom-client's global one, so
 * several apps in one process — tests — do not collide). Counters and histograms move as the
 * operation's recorder reports; gauges are read at scrape time.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly names = new Set<string>();

  private readonly operations = new Counter({
    name: "partner_graph_operations_total",
    help: "GraphQL operations answered, by operation name, outcome (ok, partial, failed, refused, aborted) and the most severe error code (none when no error)",
    labelNames: ["operation", "outcome", "code"] as const,
    registers: [this.registry],
  });
  private readonly operationSeconds = new Histogram({
    name: "partner_graph_operation_duration_seconds",
    help: "Time from the request's arrival to its answer, by operation name and outcome",
    labelNames: ["operation", "outcome"] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: "partner_graph_operation_errors_total",
    help: "Errors in answers, by extensions.code",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });
  private readonly shed = new Counter({
    name: "partner_graph_load_shed_total",
    help: "Operations refused at once with THROTTLED because the server was at capacity: by operations in progress (concurrency) or estimated cost in flight (cost)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly graphRequests = new Counter({
    name: "partner_graph_graph_requests_total",
    help: "HTTP requests to Microsoft Graph, by workload (directory, intune, mixed), kind (plain, batch) and HTTP status (or the error code when no answer came)",
    labelNames: ["workload", "kind", "status"] as const,
    registers: [this.registry],
  });
  private readonly graphSeconds = new Histogram({
    name: "partner_graph_graph_request_duration_seconds",
    help: "Time of one HTTP request to Microsoft Graph, from leaving to its answer",
    labelNames: ["workload", "kind"] as const,
    buckets: GRAPH_SECONDS,
    registers: [this.registry],
  });
  private readonly graphQueueSeconds = new Histogram({
    name: "partner_graph_graph_queue_seconds",
    help: "Time a Graph request waited for an in-flight slot (GRAPH_MAX_IN_FLIGHT, GRAPH_MAX_IN_FLIGHT_PER_TENANT) before leaving",
    buckets: WAIT_SECONDS,
    registers: [this.registry],
  });
  private readonly batchSize = new Histogram({
    name: "partner_graph_graph_batch_size",
    help: "Items per $batch request",
    buckets: [1, 2, 5, 10, 15, 20],
    registers: [this.registry],
  });
  private readonly items = new Counter({
    name: "partner_graph_graph_items_total",
    help: "Graph requests answered, counting each $batch item as one, by workload and status",
    labelNames: ["workload", "status"] as const,
    registers: [this.registry],
  });
  private readonly throttled = new Counter({
    name: "partner_graph_graph_throttled_total",
    help: "Graph answers 429 (plain requests and $batch items), by workload",
    labelNames: ["workload"] as const,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: "partner_graph_graph_retries_total",
    help: "Graph requests (items) re-sent after a transient answer, by the status that caused it",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  private readonly retryWait = new Histogram({
    name: "partner_graph_graph_retry_wait_seconds",
    help: "Waits before re-sending (the longest Retry-After, or backoff)",
    buckets: WAIT_SECONDS,
    registers: [this.registry],
  });
  private readonly budgetWait = new Histogram({
    name: "partner_graph_graph_budget_wait_seconds",
    help: "Waits the client-side budget (GRAPH_BUDGET_SCALE) imposed before sending; outcome refused: the wait would pass the deadline, nothing was sent",
    labelNames: ["outcome"] as const,
    buckets: WAIT_SECONDS,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: "partner_graph_tokens_total",
    help: "Bearer tokens asked for a Graph request, by mode (app, delegated, customer), source (cache, endpoint, shared, request) and outcome (ok, failed)",
    labelNames: ["mode", "source", "outcome"] as const,
    registers: [this.registry],
  });
  private readonly tokenSeconds = new Histogram({
    name: "partner_graph_token_request_duration_seconds",
    help: "Time of token requests to the identity platform (source endpoint), by mode",
    labelNames: ["mode"] as const,
    buckets: GRAPH_SECONDS,
    registers: [this.registry],
  });
  private readonly breakerDecisions = new Counter({
    name: "partner_graph_breaker_decisions_total",
    help: "Circuit breaker decisions that did not simply let a call go: refused (open), probe (half-open probe let through), waited (for another call's probe)",
    labelNames: ["circuit", "decision"] as const,
    registers: [this.registry],
  });

  constructor(sources?: InFlightSources) {
    collectDefaultMetrics({ register: this.registry });
    if (sources) this.gauges(sources);
  }

  /** Text exposition for a scrape. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The label of an operation name: bounded (see OPERATION_NAMES). */
  operationLabel(name: string | undefined | null): string {
    if (!name) return "anonymous";
    if (this.names.has(name)) return name;
    if (this.names.size >= OPERATION_NAMES || !/^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)) return "other";
    this.names.add(name);
    return name;
  }

  operation(label: string, outcome: string, code: string, seconds: number, errorCodes: ReadonlyMap<string, number>): void {
    this.operations.inc({ operation: label, outcome, code });
    this.operationSeconds.observe({ operation: label, outcome }, seconds);
    for (const [c, n] of errorCodes) this.errors.inc({ code: c }, n);
  }

  loadShed(reason: "concurrency" | "cost"): void {
    this.shed.inc({ reason });
  }

  graphCall(call: GraphCallReport): void {
    const workload = workloadOf(call.items);
    this.graphRequests.inc({ workload, kind: call.kind, status: call.status === undefined ? (call.failure ?? "none") : String(call.status) });
    this.graphSeconds.observe({ workload, kind: call.kind }, (call.endedAt - call.sentAt) / 1000);
    if (call.sentAt > call.queuedAt) this.graphQueueSeconds.observe((call.sentAt - call.queuedAt) / 1000);
    if (call.kind === "batch") this.batchSize.observe(call.items.length);
    for (const item of call.items) {
      if (item.status === undefined) continue;
      this.items.inc({ workload: item.workload, status: String(item.status) });
      if (item.status === 429) this.throttled.inc({ workload: item.workload });
    }
  }

  graphRetry(retry: GraphRetryReport): void {
    for (const status of retry.statuses) this.retries.inc({ status: String(status) });
    this.retryWait.observe(retry.waitMs / 1000);
  }

  graphBudgetWait(waitMs: number, sent: boolean): void {
    this.budgetWait.observe({ outcome: sent ? "waited" : "refused" }, waitMs / 1000);
  }

  token(t: TokenReport): void {
    this.tokens.inc({ mode: t.mode, source: t.source, outcome: t.ok ? "ok" : "failed" });
    if (t.source === "endpoint") this.tokenSeconds.observe({ mode: t.mode }, (t.endedAt - t.startedAt) / 1000);
  }

  breaker(d: BreakerDecision): void {
    this.breakerDecisions.inc({ circuit: d.circuit, decision: d.decision });
  }

  private gauges(sources: InFlightSources): void {
    const registers = [this.registry];
    new Gauge({
      name: "partner_graph_operations_in_flight",
      help: "GraphQL operations in progress (MAX_CONCURRENT_OPERATIONS caps them)",
      registers,
      collect() {
        this.set(sources.operations());
      },
    });
    new Gauge({
      name: "partner_graph_cost_in_flight",
      help: "Sum of the estimated costs of the operations in progress (MAX_COST_IN_FLIGHT caps it)",
      registers,
      collect() {
        this.set(sources.cost());
      },
    });
    new Gauge({
      name: "partner_graph_graph_in_flight",
      help: "Graph requests in flight (GRAPH_MAX_IN_FLIGHT caps them)",
      registers,
      collect() {
        this.set(sources.graph().inFlight);
      },
    });
    new Gauge({
      name: "partner_graph_graph_waiting",
      help: "Graph requests waiting for a global in-flight slot",
      registers,
      collect() {
        this.set(sources.graph().waiting);
      },
    });
    new Gauge({
      name: "partner_graph_breakers",
      help: "Circuits not simply healthy, by circuit (directory, intune, identity) and state (open, half_open, failing: closed with failures in the window)",
      labelNames: ["circuit", "state"] as const,
      registers,
      collect() {
        this.reset();
        for (const c of sources.breakers()) this.inc({ circuit: circuitKind(c.circuit), state: c.state });
      },
    });
    new Gauge({
      name: "partner_graph_breaker_open",
      help: `Open and half-open circuits per tenant (1 per caller partition of the token endpoint), the ${BREAKER_TENANT_SERIES} most recently opened at most; healthy tenants have no series`,
      labelNames: ["tenant_id", "circuit", "state"] as const,
      registers,
      collect() {
        this.reset();
        const open = sources
          .breakers()
          .filter((c) => c.state !== "failing")
          .sort((a, b) => b.since - a.since)
          .slice(0, BREAKER_TENANT_SERIES);
        for (const c of open) this.inc({ tenant_id: c.tenantId, circuit: circuitKind(c.circuit), state: c.state });
      },
    });
    const shared = sources.shared;
    if (!shared) return;
    // A Redis outage is no caller's error (each use falls back to memory): these say it is happening.
    new Gauge({
      name: "partner_graph_redis_available",
      help: "1 while the budget, Retry-After holds and token cache are shared through Redis; 0 while this replica uses its own memory",
      registers,
      collect() {
        this.set(shared().available ? 1 : 0);
      },
    });
    new Counter({
      name: "partner_graph_redis_fallbacks_total",
      help: "Uses of Redis that fell back to this replica's memory (Redis unreachable, slow or refusing)",
      registers,
      collect() {
        this.reset();
        this.inc(shared().fallbacks);
      },
    });
  }
}

/** `identity:{partition}` is one circuit per caller partition (one per agent): never a label value. */
export function circuitKind(circuit: string): string {
  return circuit.startsWith("identity") ? "identity" : circuit;
}

function workloadOf(items: GraphCallReport["items"]): string {
  const first = items[0]?.workload ?? "directory";
  return items.every((i) => i.workload === first) ? first : "mixed";
}
