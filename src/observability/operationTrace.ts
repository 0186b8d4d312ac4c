import { SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from "@opentelemetry/api";
import { createHash } from "node:crypto";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { BreakerDecision, GraphCallReport, GraphObserver, GraphRetryReport, TokenReport } from "../graph/observer";
import type { Logger } from "../log";
import { circuitKind, type Metrics } from "./metrics";
import { Tracing } from "./tracing";

/** Who called, as far as a log line may say: the mode and a hash, never the token or the agent's name. */
export interface CallerFacts {
  mode: string;
  agentId?: string;
  partnerTenantId?: string;
  appId?: string;
}

/** An error of the answer, as the client saw it (formatted: ours, or Apollo's request errors). */
interface ErrorFact {
  code: string;
  tenantId?: string;
  requestId?: string;
  graphCode?: string;
  path?: string;
  /** A THROTTLED of the cost budget (load shedding once the operation's cost is known). */
  costShed?: boolean;
}

export type Outcome = "ok" | "partial" | "failed" | "refused" | "aborted";
type Level = "error" | "warn" | "info";

/**
 * How loud an error code is in the log. An operator acts on `error` (Graph or the identity platform
 * unavailable, our defects) and watches `warn` (throttling, deadlines, a region without its app); the
 * rest are answers about the caller's own rights or input, logged at `info`.
 */
const LEVEL_OF: Readonly<Record<string, Level>> = {
  INTERNAL_SERVER_ERROR: "error",
  UPSTREAM_UNAVAILABLE: "error",
  THROTTLED: "warn",
  TIMEOUT: "warn",
  REGION_NOT_SERVED: "warn",
};
const RANK: Readonly<Record<Level, number>> = { info: 0, warn: 1, error: 2 };
/** Which code names an operation with several: the loudest, then this order. */
const SEVERITY = ["INTERNAL_SERVER_ERROR", "UPSTREAM_UNAVAILABLE", "TIMEOUT", "THROTTLED", "REGION_NOT_SERVED"];

export const levelOf = (code: string): Level => LEVEL_OF[code] ?? "info";

/** Request-ids kept per tenant for a log line: enough to open a case with Microsoft, bounded. */
const REQUEST_IDS_KEPT = 5;
/** Tenant ids named in an operation's log line (their count is always there). */
const TENANT_IDS_LOGGED = 20;

/** What one operation did with one tenant: counters always, the events themselves when a sink wants them. */
class TenantRecord {
  requests = 0;
  batches = 0;
  items = 0;
  retries = 0;
  throttled = 0;
  retryWaitMs = 0;
  budgetWaitMs = 0;
  failedRequestIds: string[] = [];
  readonly tokens = { cache: 0, endpoint: 0, shared: 0, request: 0, failed: 0, waitMs: 0, mode: undefined as string | undefined };
  readonly calls: GraphCallReport[] = [];
  readonly retryReports: Array<GraphRetryReport & { at: number }> = [];
  readonly budgetWaits: Array<{ waitMs: number; items: number; sent: boolean; at: number }> = [];
  readonly breakers: Array<BreakerDecision & { at: number }> = [];
  readonly tokenReports: TokenReport[] = [];
  span?: Span;
  spanContext?: Context;
}

export interface OperationTraceOptions {
  requestId: string;
  /** The caller asked for `extensions.graph` (and it is allowed). */
  humanTrace: boolean;
  /** The incoming trace context (`traceparent`), when tracing. */
  parent?: Context;
  /** The trace id of the incoming `traceparent`, for log lines when not tracing. */
  traceId?: string;
}

/**
 * The recorder of one GraphQL operation: the Graph transport and the token sources report to it (it is
 * the GraphObserver of the operation's CallPolicy), the Apollo plugin tells it the operation's name and
 * errors, the HTTP front its start and end. Four sinks read it: metrics (at once, as reports come),
 * spans and the log lines (when the operation ends), and `extensions.graph` (when asked). Resolvers
 * never see it. Holds no token and no response body.
 */
export class OperationTrace implements GraphObserver {
  readonly startedAt = Date.now();
  readonly requestId: string;
  readonly humanTrace: boolean;
  private readonly tenants = new Map<string, TenantRecord>();
  /** Keep each event (not only counters): spans or extensions.graph will read them. */
  private readonly detailed: boolean;
  private readonly span?: Span;
  private readonly spanContext?: Context;
  private readonly incomingTraceId?: string;
  /** Apollo saw the operation (its name, if any, is known). */
  private identified = false;
  private name?: string;
  private type?: string;
  private callerFacts?: CallerFacts;
  private readonly errors: ErrorFact[] = [];
  private hasData = false;
  private shedReason?: "concurrency" | "cost";
  private endedAt?: number;
  private outcome?: Outcome;
  private status?: number;

  constructor(
    private readonly metrics: Metrics,
    private readonly tracing: Tracing | undefined,
    private readonly log: Logger,
    options: OperationTraceOptions,
  ) {
    this.requestId = options.requestId;
    this.humanTrace = options.humanTrace;
    this.incomingTraceId = options.traceId;
    this.detailed = options.humanTrace || tracing !== undefined;
    if (tracing) {
      this.span = tracing.tracer.startSpan(
        "graphql.operation",
        { kind: SpanKind.SERVER, startTime: this.startedAt, attributes: { "partner_graph.request_id": this.requestId } },
        options.parent,
      );
      this.spanContext = Tracing.within(this.span, options.parent);
    }
  }

  /** The trace id log lines carry: this operation's span's, or the incoming `traceparent`'s. */
  get traceId(): string | undefined {
    return this.span?.spanContext().traceId ?? this.incomingTraceId;
  }

  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  // ── What the Graph layer reports (GraphObserver) ─────────────────────────────────────────────

  call(tenantId: string, call: GraphCallReport): void {
    this.metrics.graphCall(call);
    const t = this.tenant(tenantId);
    if (call.kind === "batch") t.batches++;
    else t.requests++;
    t.items += call.items.length;
    let failed = call.status === undefined || call.status >= 400;
    for (const item of call.items) {
      if (item.status === 429) t.throttled++;
      if (item.status !== undefined && item.status >= 400) failed = true;
    }
    if (failed && call.requestId && t.failedRequestIds.length < REQUEST_IDS_KEPT) t.failedRequestIds.push(call.requestId);
    if (this.detailed) {
      t.calls.push(call);
      if (this.ended && this.tracing) this.callSpan(tenantId, t, call);
    }
  }

  retry(tenantId: string, retry: GraphRetryReport): void {
    this.metrics.graphRetry(retry);
    const t = this.tenant(tenantId);
    t.retries += retry.statuses.length;
    t.retryWaitMs += retry.waitMs;
    if (this.detailed) t.retryReports.push({ ...retry, at: Date.now() });
  }

  budgetWait(tenantId: string, wait: { waitMs: number; items: number; sent: boolean }): void {
    this.metrics.graphBudgetWait(wait.waitMs, wait.sent);
    const t = this.tenant(tenantId);
    if (wait.sent) t.budgetWaitMs += wait.waitMs;
    if (this.detailed) t.budgetWaits.push({ ...wait, at: Date.now() });
  }

  breaker(tenantId: string, decision: BreakerDecision): void {
    this.metrics.breaker(decision);
    if (this.detailed)
      this.tenant(tenantId).breakers.push({ ...decision, circuit: circuitKind(decision.circuit) as BreakerDecision["circuit"], at: Date.now() });
  }

  token(tenantId: string, token: TokenReport): void {
    this.metrics.token(token);
    const t = this.tenant(tenantId);
    t.tokens.mode = token.mode;
    if (!token.ok) t.tokens.failed++;
    else t.tokens[token.source]++;
    if (token.source !== "cache") t.tokens.waitMs += token.endedAt - token.startedAt;
    if (this.detailed && token.source !== "cache") {
      t.tokenReports.push(token);
      if (this.ended && this.tracing) this.tokenSpan(tenantId, t, token);
    }
  }

  // ── What the Apollo plugin and the HTTP front tell ───────────────────────────────────────────

  named(name: string | undefined | null, type: string | undefined): void {
    this.identified = true;
    this.name = name ?? undefined;
    this.type = type;
    this.span?.updateName(`${type ?? "operation"}${name ? ` ${name}` : ""}`);
  }

  identify(caller: CallerFacts): void {
    this.callerFacts = caller;
  }

  /** The errors of the answer (formatted, as sent) and whether it carried data. */
  answered(errors: readonly GraphQLFormattedError[] | undefined, hasData: boolean): void {
    if (this.ended) return;
    this.hasData = hasData;
    for (const e of errors ?? []) this.errors.push(errorFact(e));
  }

  /** An error the front answered itself, or one before execution (the caller's token, the context): ours carry a code, anything else is a defect. */
  failed(error: unknown): void {
    if (this.ended) return;
    const extensions = error instanceof GraphQLError ? error.extensions : { code: "INTERNAL_SERVER_ERROR" };
    this.errors.push(errorFact({ message: "", extensions }));
  }

  /** Refused at once by load shedding. */
  shed(reason: "concurrency" | "cost"): void {
    this.shedReason = reason;
    this.metrics.loadShed(reason);
  }

  /** The answer is complete (the response finished or the connection closed): every sink but late spans is written now. */
  finish(status: number, aborted = false): void {
    if (this.ended) return;
    this.endedAt = Date.now();
    this.status = status;
    // An answer that failed where nothing told the recorder why (a defect after the answer began): masked.
    if (!aborted && status >= 500 && this.errors.length === 0) this.errors.push({ code: "INTERNAL_SERVER_ERROR" });
    const codes = new Map<string, number>();
    for (const e of this.errors) codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    // Refused by the cost budget (operationLimits admits the cost once the operation is known).
    if (this.shedReason === undefined && this.errors.some((e) => e.costShed)) this.shed("cost");
    const outcome: Outcome = aborted
      ? "aborted"
      : this.shedReason
        ? "refused"
        : this.errors.length === 0
          ? "ok"
          : this.hasData && status < 400
            ? "partial"
            : "failed";
    this.outcome = outcome;
    const worst = worstCode(codes.keys());
    const label = this.identified ? this.metrics.operationLabel(this.name) : "unknown";
    this.metrics.operation(label, outcome, worst ?? "none", (this.endedAt - this.startedAt) / 1000, codes);
    if (this.tracing) this.endSpans(outcome, worst);
    this.logErrors();
  }

  // ── What the sinks read ──────────────────────────────────────────────────────────────────────

  /** The log level of the operation's line: that of its loudest error. */
  get level(): Level {
    let level: Level = this.shedReason ? "warn" : "info";
    for (const e of this.errors) if (RANK[levelOf(e.code)] > RANK[level]) level = levelOf(e.code);
    return level;
  }

  /** The operation's fields of its log line (pino-http's one line per request). */
  summary(): Record<string, unknown> {
    const codes: Record<string, number> = {};
    for (const e of this.errors) codes[e.code] = (codes[e.code] ?? 0) + 1;
    const totals = { requests: 0, batches: 0, items: 0, retries: 0, throttled: 0, waitMs: 0, tokenRequests: 0, tokenFailures: 0 };
    for (const t of this.tenants.values()) {
      totals.requests += t.requests;
      totals.batches += t.batches;
      totals.items += t.items;
      totals.retries += t.retries;
      totals.throttled += t.throttled;
      totals.waitMs += t.retryWaitMs + t.budgetWaitMs;
      totals.tokenRequests += t.tokens.endpoint;
      totals.tokenFailures += t.tokens.failed;
    }
    const ids = [...this.tenants.keys()];
    return {
      operation: {
        name: this.name ?? null,
        type: this.type ?? null,
        outcome: this.outcome ?? null,
        durationMs: (this.endedAt ?? Date.now()) - this.startedAt,
        ...(this.errors.length ? { codes } : {}),
      },
      caller: this.callerFacts ? { mode: this.callerFacts.mode, hash: callerHash(this.callerFacts) } : null,
      tenants: { count: ids.length, ids: ids.slice(0, TENANT_IDS_LOGGED) },
      graph: totals,
      ...(this.traceId ? { traceId: this.traceId } : {}),
    };
  }

  /**
   * `extensions.graph`: per tenant of this operation (the caller's own: only tenants its credentials
   * were used for appear), the Graph calls made with their Microsoft request-ids, batches and their
   * items, retries, throttle and budget waits, breaker decisions and how tokens were had. No token, no
   * body; `$skiptoken` values are left out (Graph's paging state, not the caller's).
   */
  graphExtension(): Record<string, unknown> {
    const at = (ms: number) => ms - this.startedAt;
    return {
      requestId: this.requestId,
      ...(this.traceId ? { traceId: this.traceId } : {}),
      durationMs: Date.now() - this.startedAt,
      tenants: [...this.tenants].map(([tenantId, t]) => ({
        tenantId,
        requests: t.requests,
        batches: t.batches,
        items: t.items,
        retries: t.retries,
        throttled: t.throttled,
        retryWaitMs: t.retryWaitMs,
        budgetWaitMs: t.budgetWaitMs,
        tokens: {
          mode: t.tokens.mode ?? null,
          fromCache: t.tokens.cache,
          requested: t.tokens.endpoint,
          joined: t.tokens.shared,
          failed: t.tokens.failed,
          waitMs: t.tokens.waitMs,
        },
        calls: t.calls.map((c) => ({
          kind: c.kind,
          method: c.method,
          url: shownUrl(c.url),
          attempt: c.attempt,
          status: c.status ?? null,
          ...(c.failure ? { failure: c.failure } : {}),
          requestId: c.requestId ?? null,
          clientRequestId: c.clientRequestId ?? null,
          startMs: at(c.sentAt),
          queuedMs: c.sentAt - c.queuedAt,
          durationMs: c.endedAt - c.sentAt,
          ...(c.kind === "batch" ? { items: c.items.map((i) => ({ method: i.method, url: shownUrl(i.url), status: i.status ?? null })) } : {}),
        })),
        retryWaits: t.retryReports.map((r) => ({
          attempt: r.attempt,
          items: r.statuses.length,
          statuses: r.statuses,
          waitMs: r.waitMs,
          retryAfterMs: r.retryAfterMs ?? null,
        })),
        budgetWaits: t.budgetWaits.map((b) => ({ items: b.items, waitMs: b.waitMs, sent: b.sent })),
        breaker: t.breakers.map((b) => ({ circuit: b.circuit, decision: b.decision, retryAfterMs: b.retryAfterMs ?? null, waitedMs: b.waitedMs ?? null })),
      })),
    };
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────

  private tenant(tenantId: string): TenantRecord {
    const key = tenantId.toLowerCase();
    let t = this.tenants.get(key);
    if (!t) this.tenants.set(key, (t = new TenantRecord()));
    return t;
  }

  /** One line per (code, tenant) of the answer's errors, at the code's level, with Graph's request-ids. */
  private logErrors(): void {
    const groups = new Map<string, { fact: ErrorFact; count: number; requestIds: Set<string>; graphCodes: Set<string> }>();
    for (const e of this.errors) {
      const key = `${e.code}|${e.tenantId ?? ""}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { fact: e, count: 0, requestIds: new Set(), graphCodes: new Set() }));
      g.count++;
      if (e.requestId && g.requestIds.size < REQUEST_IDS_KEPT) g.requestIds.add(e.requestId);
      if (e.graphCode) g.graphCodes.add(e.graphCode);
    }
    for (const { fact, count, requestIds, graphCodes } of groups.values()) {
      const level = levelOf(fact.code);
      if (!this.log.isLevelEnabled(level)) continue;
      const t = fact.tenantId ? this.tenants.get(fact.tenantId.toLowerCase()) : undefined;
      // The request-ids of the tenant's failed Graph answers too: a circuit's refusals carry none of their own.
      for (const id of t?.failedRequestIds ?? []) if (requestIds.size < REQUEST_IDS_KEPT) requestIds.add(id);
      this.log[level](
        {
          reqId: this.requestId,
          operation: this.name ?? null,
          code: fact.code,
          count,
          ...(fact.tenantId ? { tenantId: fact.tenantId } : {}),
          ...(graphCodes.size ? { graphCodes: [...graphCodes] } : {}),
          requestIds: [...requestIds],
          ...(fact.path ? { path: fact.path } : {}),
          ...(this.traceId ? { traceId: this.traceId } : {}),
        },
        "operation error",
      );
    }
  }

  private endSpans(outcome: Outcome, worst: string | undefined): void {
    for (const [tenantId, t] of this.tenants) {
      for (const call of t.calls) this.callSpan(tenantId, t, call);
      for (const token of t.tokenReports) this.tokenSpan(tenantId, t, token);
      const span = t.span;
      if (!span) continue;
      for (const r of t.retryReports) span.addEvent("retry", { attempt: r.attempt, items: r.statuses.length, wait_ms: r.waitMs }, r.at);
      for (const b of t.budgetWaits) span.addEvent("budget wait", { items: b.items, wait_ms: b.waitMs, sent: b.sent }, b.at);
      for (const b of t.breakers) span.addEvent(`breaker ${b.decision}`, { circuit: b.circuit }, b.at);
      span.setAttributes({
        "partner_graph.graph.requests": t.requests + t.batches,
        "partner_graph.graph.retries": t.retries,
        "partner_graph.graph.throttled": t.throttled,
      });
      span.end(Math.max(...t.calls.map((c) => c.endedAt), ...t.tokenReports.map((k) => k.endedAt), this.startedAt));
    }
    const span = this.span!;
    const attributes: Attributes = {
      "partner_graph.outcome": outcome,
      "http.response.status_code": this.status ?? 0,
      "partner_graph.tenants": this.tenants.size,
    };
    if (this.name) attributes["graphql.operation.name"] = this.name;
    if (this.type) attributes["graphql.operation.type"] = this.type;
    if (worst) attributes["error.type"] = worst;
    span.setAttributes(attributes);
    if (outcome === "failed" || outcome === "refused") span.setStatus({ code: SpanStatusCode.ERROR, message: worst });
    span.end(this.endedAt);
  }

  /** The tenant's span, made when its first child is (its start is that of the earliest event known). */
  private tenantSpan(tenantId: string, t: TenantRecord): Context {
    if (!t.spanContext) {
      const start = Math.min(...t.calls.map((c) => c.queuedAt), ...t.tokenReports.map((k) => k.startedAt), this.endedAt ?? Date.now());
      t.span = this.tracing!.tracer.startSpan(
        "partner_graph.tenant",
        { startTime: start, attributes: { "partner_graph.tenant_id": tenantId } },
        this.spanContext,
      );
      t.spanContext = Tracing.within(t.span, this.spanContext);
      if (this.ended) t.span.end(start);
    }
    return t.spanContext;
  }

  private callSpan(tenantId: string, t: TenantRecord, c: GraphCallReport): void {
    const attributes: Attributes = {
      "http.request.method": c.method,
      "url.path": c.url.split("?")[0],
      "partner_graph.tenant_id": tenantId,
      "partner_graph.workload": c.items[0]?.workload ?? "directory",
      "partner_graph.attempt": c.attempt,
      "partner_graph.queue_ms": c.sentAt - c.queuedAt,
    };
    if (c.status !== undefined) attributes["http.response.status_code"] = c.status;
    if (c.requestId) attributes["msgraph.request_id"] = c.requestId;
    if (c.clientRequestId) attributes["msgraph.client_request_id"] = c.clientRequestId;
    if (c.kind === "batch") {
      attributes["partner_graph.batch.size"] = c.items.length;
      attributes["partner_graph.batch.statuses"] = c.items.map((i) => i.status ?? 0);
    }
    const failed = c.failure ?? (c.status !== undefined && c.status >= 400 ? String(c.status) : undefined);
    if (failed) attributes["error.type"] = failed;
    const span = this.tracing!.tracer.startSpan(
      c.kind === "batch" ? "graph.batch" : "graph.request",
      { kind: SpanKind.CLIENT, startTime: c.sentAt, attributes },
      this.tenantSpan(tenantId, t),
    );
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: failed });
    span.end(c.endedAt);
  }

  private tokenSpan(tenantId: string, t: TenantRecord, k: TokenReport): void {
    const attributes: Attributes = { "partner_graph.tenant_id": tenantId, "partner_graph.token.mode": k.mode, "partner_graph.token.source": k.source };
    if (k.code) attributes["error.type"] = k.code;
    const span = this.tracing!.tracer.startSpan("token.acquire", { kind: SpanKind.CLIENT, startTime: k.startedAt, attributes }, this.tenantSpan(tenantId, t));
    if (!k.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: k.code });
    span.end(k.endedAt);
  }
}

function errorFact(e: GraphQLFormattedError): ErrorFact {
  const ext = (e.extensions ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    code: str(ext.code) ?? "INTERNAL_SERVER_ERROR",
    tenantId: str(ext.tenantId),
    requestId: str(ext.requestId),
    graphCode: str(ext.graphCode),
    path: e.path?.join("."),
    costShed: ext.code === "THROTTLED" && typeof ext.maxCostInFlight === "number",
  };
}

function worstCode(codes: Iterable<string>): string | undefined {
  let worst: string | undefined;
  const rank = (c: string) => {
    const i = SEVERITY.indexOf(c);
    return i === -1 ? SEVERITY.length : i;
  };
  for (const c of codes) if (worst === undefined || rank(c) < rank(worst)) worst = c;
  return worst;
}

/** A stable pseudonym of the caller: the same agent or app gives the same hash, and the hash gives nothing back. */
export function callerHash(c: CallerFacts): string {
  const who = c.mode === "agent" ? `agent:${c.partnerTenantId ?? ""}:${c.agentId ?? ""}` : `app:${c.appId ?? "demo"}`;
  return createHash("sha256").update(who).digest("base64url").slice(0, 16);
}

/** A Graph URL as extensions.graph shows it: the caller's own query, without Graph's paging state. */
export function shownUrl(url: string): string {
  return url.replace(/([?&]\$skiptoken=)[^&]*/gi, "$1…");
}
