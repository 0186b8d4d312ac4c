import { Writable } from "node:stream";
import type { GraphCallReport } from "../../../src/graph/observer";
import { createLogger } from "../../../src/log";
import { Metrics } from "../../../src/observability/metrics";
import { callerHash, levelOf, OperationTrace, shownUrl } from "../../../src/observability/operationTrace";
import { PartnerGraphError } from "../../../src/errors";

const T1 = "11111111-1111-1111-1111-111111111111";
const T2 = "22222222-2222-2222-2222-222222222222";

function setup(options: { humanTrace?: boolean } = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write: (c, _e, done) => (
      c
        .toString()
        .split("\n")
        .filter(Boolean)
        .forEach((l: string) => lines.push(JSON.parse(l))),
      done()
    ),
  });
  const metrics = new Metrics();
  const trace = new OperationTrace(metrics, undefined, createLogger("info", sink), { requestId: "req-1", humanTrace: options.humanTrace ?? false });
  return { trace, metrics, lines };
}

const call = (over: Partial<GraphCallReport> = {}): GraphCallReport => ({
  kind: "plain",
  method: "GET",
  url: "/users?$select=id",
  attempt: 1,
  items: [{ method: "GET", url: "/users?$select=id", workload: "directory", status: over.status ?? 200 }],
  status: 200,
  requestId: "graph-1",
  clientRequestId: "client-1",
  queuedAt: 1_000,
  sentAt: 1_002,
  endedAt: 1_050,
  ...over,
});

const error = (code: string, extensions: Record<string, unknown> = {}, path = ["customer", "users"]) => ({
  message: "m",
  path,
  extensions: { code, ...extensions },
});

describe("OperationTrace", () => {
  it("logs one line per code and tenant, at the code's level, with Graph's request-ids (the answers' and the failed calls')", () => {
    const { trace, lines } = setup();
    for (let i = 0; i < 7; i++)
      trace.call(T1, call({ status: 503, requestId: `failed-${i}`, items: [{ method: "GET", url: "/users", workload: "directory", status: 503 }] }));
    trace.named("Screen", "query");
    trace.answered(
      [
        error("UPSTREAM_UNAVAILABLE", { tenantId: T1, requestId: "answer-1", graphCode: "ServiceUnavailable" }),
        error("UPSTREAM_UNAVAILABLE", { tenantId: T1, requestId: "answer-2", graphCode: "ServiceUnavailable" }, ["customer", "groups"]),
        error("THROTTLED", { tenantId: T2, requestId: "answer-3" }),
        error("ROLE_MISSING", { tenantId: T2 }),
      ],
      true,
    );
    trace.finish(200);
    const byCode = Object.fromEntries(lines.map((l) => [l.code, l]));
    expect(lines).toHaveLength(3);
    expect(byCode.UPSTREAM_UNAVAILABLE).toMatchObject({
      level: 50,
      reqId: "req-1",
      operation: "Screen",
      count: 2,
      tenantId: T1,
      graphCodes: ["ServiceUnavailable"],
      path: "customer.users",
    });
    // Bounded: the two of the answers, then the first failed calls', five in all.
    expect(byCode.UPSTREAM_UNAVAILABLE!.requestIds).toEqual(["answer-1", "answer-2", "failed-0", "failed-1", "failed-2"]);
    expect(byCode.THROTTLED).toMatchObject({ level: 40, tenantId: T2, requestIds: ["answer-3"] });
    expect(byCode.ROLE_MISSING).toMatchObject({ level: 30, tenantId: T2, requestIds: [] });
    expect(trace.level).toBe("error");
    expect(trace.summary()).toMatchObject({
      operation: { name: "Screen", type: "query", outcome: "partial", codes: { UPSTREAM_UNAVAILABLE: 2, THROTTLED: 1, ROLE_MISSING: 1 } },
      tenants: { count: 1, ids: [T1] },
      graph: { requests: 7, batches: 0, items: 7 },
    });
  });

  it("names the outcome: ok, partial (errors beside data), failed (no data, or an HTTP error), refused (shed)", () => {
    const outcomes = (answer: (t: OperationTrace) => void, status = 200) => {
      const { trace } = setup();
      answer(trace);
      trace.finish(status);
      return trace.summary().operation;
    };
    expect(outcomes((t) => t.answered([], true))).toMatchObject({ outcome: "ok" });
    const gone = setup().trace;
    gone.finish(200, true);
    expect(gone.summary().operation).toMatchObject({ outcome: "aborted" });
    expect(outcomes((t) => t.answered([error("FORBIDDEN", { tenantId: T1 })], true))).toMatchObject({ outcome: "partial" });
    expect(outcomes((t) => t.answered([error("FORBIDDEN", { tenantId: T1 })], false))).toMatchObject({ outcome: "failed" });
    expect(outcomes((t) => t.failed(new PartnerGraphError("UNAUTHENTICATED", "no")), 401)).toMatchObject({ outcome: "failed", codes: { UNAUTHENTICATED: 1 } });
    expect(outcomes((t) => t.failed(new Error("a defect")), 500)).toMatchObject({ outcome: "failed", codes: { INTERNAL_SERVER_ERROR: 1 } });
    expect(outcomes(() => undefined, 500)).toMatchObject({ outcome: "failed", codes: { INTERNAL_SERVER_ERROR: 1 } });
    expect(outcomes((t) => (t.shed("concurrency"), t.failed(new PartnerGraphError("THROTTLED", "busy"))), 503)).toMatchObject({ outcome: "refused" });
    // The cost budget's refusal is known by its extensions.
    expect(outcomes((t) => t.answered([error("THROTTLED", { cost: 10, maxCostInFlight: 5 }, [])], false), 503)).toMatchObject({ outcome: "refused" });
  });

  it("keeps no event list unless a sink wants them (no tracing, no extensions.graph asked): counters only", () => {
    const { trace } = setup();
    trace.call(T1, call());
    trace.retry(T1, { attempt: 1, waitMs: 20, statuses: [429] });
    trace.breaker(T1, { circuit: "directory", decision: "refused", retryAfterMs: 5 });
    const t = (trace.graphExtension().tenants as Array<Record<string, unknown>>)[0]!;
    expect(t).toMatchObject({ tenantId: T1, requests: 1, retries: 1, retryWaitMs: 20, calls: [], retryWaits: [], breaker: [] });
  });

  it("shows, in extensions.graph, the calls with their request-ids and the caller's own query, without Graph's paging state", () => {
    const { trace } = setup({ humanTrace: true });
    trace.call(T1, call({ url: "/users?$select=id&$filter=startsWith(displayName%2C'a')&$top=5&$skiptoken=RFNwdAIAAQAAAB" }));
    trace.token(T1, { mode: "app", source: "endpoint", ok: true, startedAt: 990, endedAt: 1_000 });
    trace.token(T1, { mode: "app", source: "cache", ok: true, startedAt: 1_001, endedAt: 1_001 });
    const [t] = trace.graphExtension().tenants as Array<{ calls: Array<Record<string, unknown>>; tokens: Record<string, unknown> }>;
    expect(t!.calls[0]).toMatchObject({
      url: "/users?$select=id&$filter=startsWith(displayName%2C'a')&$top=5&$skiptoken=…",
      requestId: "graph-1",
      clientRequestId: "client-1",
      queuedMs: 2,
      durationMs: 48,
    });
    expect(t!.tokens).toEqual({ mode: "app", fromCache: 1, requested: 1, joined: 0, failed: 0, waitMs: 10 });
  });

  it("ignores answers after it finished (an operation answered at its deadline goes on); metrics still count its Graph calls", async () => {
    const { trace, metrics, lines } = setup();
    trace.failed(new PartnerGraphError("TIMEOUT", "late"));
    trace.finish(504);
    trace.answered([error("UPSTREAM_UNAVAILABLE", { tenantId: T1 })], false);
    trace.call(T1, call());
    expect(lines.map((l) => l.code)).toEqual(["TIMEOUT"]);
    expect(trace.summary().operation).toMatchObject({ outcome: "failed", codes: { TIMEOUT: 1 } });
    expect(await metrics.scrape()).toMatch(/partner_graph_graph_requests_total\{workload="directory",kind="plain",status="200"\} 1/);
  });
});

describe("log levels and pseudonyms", () => {
  it("puts outages and defects at error, throttling and deadlines at warn, the caller's own answers at info", () => {
    expect(["INTERNAL_SERVER_ERROR", "UPSTREAM_UNAVAILABLE"].map(levelOf)).toEqual(["error", "error"]);
    expect(["THROTTLED", "TIMEOUT", "REGION_NOT_SERVED"].map(levelOf)).toEqual(["warn", "warn", "warn"]);
    expect(["FORBIDDEN", "ROLE_MISSING", "CONSENT_MISSING", "BAD_USER_INPUT", "UNAUTHENTICATED", "GRAPHQL_PARSE_FAILED"].map(levelOf)).toEqual(
      Array(6).fill("info"),
    );
  });

  it("hashes a caller to the same pseudonym every time, which names neither the agent nor the tenant", () => {
    const agent = { mode: "agent", agentId: "40cace22-9fad-51f1-99d3-da6a08bf8d2d", partnerTenantId: T1 };
    expect(callerHash(agent)).toBe(callerHash({ ...agent }));
    expect(callerHash(agent)).not.toBe(callerHash({ ...agent, agentId: T2 }));
    expect(callerHash(agent)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(callerHash({ mode: "app", appId: T2 })).not.toBe(callerHash({ mode: "app" }));
  });

  it("leaves $skiptoken values out of shown URLs, wherever they are in the query", () => {
    expect(shownUrl("/users?$skiptoken=abc&$top=5")).toBe("/users?$skiptoken=…&$top=5");
    expect(shownUrl("/users?$top=5&$SkipToken=abc")).toBe("/users?$top=5&$SkipToken=…");
    expect(shownUrl("/users/x/memberOf")).toBe("/users/x/memberOf");
  });
});
