import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { Trace } from "@apollo/usage-reporting-protobuf";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { fetch } from "undici";
import type { CountersSnapshot } from "../../emulator/counters";
import { createLogger } from "../../src/log";
import { CustomersFirstUserGroupDeviceDocument, CustomerUserNamesDocument } from "../__generated__/operations";
import { startHarness, type Harness } from "../helpers/harness";
import { deltaOf, sampleOf } from "../helpers/prometheus";
import { ForeignIdentifierScanner, viewOfRegions, type SeededTenants, type TenantView } from "../helpers/tenantScan";

/**
 * Issue 13's observability, end to end through real MSAL and the real Graph client against the
 * built-in cloud: metrics scraped over HTTP from the metrics listener, spans exported to an in-memory
 * exporter, `extensions.graph` against the emulator's own counters, log lines through a destination
 * stream during a Graph outage and throttling, request ids, ftv1. An NA agent calls (delegated, cold
 * token cache at first), so tokens are acquired on-behalf-of per tenant and every tenant it touches is
 * its own.
 */

const AGENT = "helpdesk@fabrikampartnersna.onmicrosoft.com";
const JWT = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./;

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  [key: string]: unknown;
}

describe("observability", () => {
  let h: Harness;
  let logs = "";
  const spans = new InMemorySpanExporter();
  let token: string;
  let view: TenantView;
  let scanner: ForeignIdentifierScanner;
  let customers: string[];
  let secrets: string[];

  const auth = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });
  const logLines = (): LogLine[] =>
    logs
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);
  const scrape = async () => {
    const res = await fetch(h.metricsUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    return res.text();
  };
  /** The request's own log lines, once the operation's line (written when the answer completed) is there. */
  const linesOf = async (reqId: string): Promise<LogLine[]> => {
    for (let i = 0; i < 50 && !logLines().some((l) => l.reqId === reqId && l.msg.startsWith("operation ") && "operation" in l); i++) await tick();
    return logLines().filter((l) => l.reqId === reqId);
  };
  /** Graph traffic per tenant as the emulator counted it. */
  const trafficOf = (c: CountersSnapshot) =>
    Object.fromEntries(
      Object.entries(c.byTenant)
        .filter(([, k]) => (k.graph ?? 0) + (k.batch ?? 0) > 0)
        .map(([t, k]) => [t, { requests: k.graph ?? 0, batches: k.batch ?? 0, batchItems: k.batchItem ?? 0, tokens: k.token ?? 0 }]),
    );
  const requestIdsOf = (c: CountersSnapshot, tenantId: string) => new Set(c.requests.filter((r) => r.tenantId === tenantId).map((r) => r.requestId));

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _enc, done) => ((logs += chunk.toString()), done()) });
    h = await startHarness({
      demoMode: false,
      log: createLogger("info", sink),
      observability: { spanExporter: spans },
      // Quick retries; a breaker that opens after two failed outcomes and stays open for the test.
      // The agent's customer listing is read once (the first test) and reused throughout.
      env: { GRAPH_BUDGET_SCALE: "0", BREAKER_MIN_VOLUME: "2", BREAKER_OPEN_MS: "120000", CUSTOMER_LIST_TTL_SECONDS: "3600" },
    });
    const seeded = await h.control<SeededTenants>("GET", "/tenants");
    view = viewOfRegions(seeded, ["NA"]);
    scanner = new ForeignIdentifierScanner(view);
    token = (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: AGENT })).access_token;
    secrets = [token, ...h.config.partnerTenants.map((p) => p.app.clientSecret!).filter(Boolean)];
    // The NA customers in listing order, as an app caller of NA sees them (its caches are not the agent's).
    const listed = await h.query("{ customers(first: 50) { nodes { id } } }", {}, { authorization: `Bearer ${await h.appToken("NA")}` });
    customers = (listed.body.data.customers.nodes as Array<{ id: string }>).map((n) => n.id.toLowerCase());
    // 0–3: healthy (the scripted operation reads the first four); 4: cold for the span tree; 5–7: outages.
    expect(customers.length).toBeGreaterThanOrEqual(8);
  });
  afterEach(async () => void (await h.control("POST", "/reset")));
  afterAll(async () => h?.close());

  describe("extensions.graph", () => {
    it("lists, per tenant, exactly the Graph calls, batches, items, tokens and request-ids the cloud counted, for the caller's own tenants only", async () => {
      await h.resetCounters();
      const r = await h.run(CustomersFirstUserGroupDeviceDocument, { first: 3 }, auth({ "x-partner-graph-trace": "1" }));
      expect(r.body.errors).toBeUndefined();
      const c = await h.counters();
      const graph = r.body.extensions?.graph as GraphExtension;
      expect(graph.requestId).toMatch(/^[0-9a-f-]{36}$/);

      const traffic = trafficOf(c);
      // The partner tenant's listing and three customers, each with one $batch of users, groups, devices.
      expect(Object.keys(traffic)).toHaveLength(4);
      expect(Object.fromEntries(graph.tenants.map((t) => [t.tenantId, shapeOf(t)]))).toEqual(traffic);
      for (const t of graph.tenants) {
        expect(view.customerIds.has(t.tenantId) || view.partnerIds.has(t.tenantId)).toBe(true);
        // Every Microsoft request-id shown is one the cloud answered that tenant's requests with, and all of them are shown.
        expect(new Set(t.calls.map((call) => call.requestId))).toEqual(requestIdsOf(c, t.tenantId));
        for (const call of t.calls) {
          expect(call.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
          expect(call.status).toBe(200);
        }
      }
      const text = JSON.stringify(graph);
      expect(scanner.find(text)).toEqual([]);
      expect(text).not.toMatch(JWT);
      for (const s of secrets) expect(text).not.toContain(s);
    });

    it("shows retries and throttle waits, and is absent unless asked for", async () => {
      const tenant = customers[1]!;
      await h.run(CustomerUserNamesDocument, { id: tenant, first: 5 }, auth()); // tokens cached
      await h.control("PUT", "/faults", { graphErrorRates: { "429": 0.5 }, retryAfter: "0.02", seed: 8 });
      await h.resetCounters();
      const r = await h.run(CustomerUserNamesDocument, { id: tenant, first: 5 }, auth({ "x-partner-graph-trace": "1" }));
      expect(r.body.errors).toBeUndefined();
      const c = await h.counters();
      const t = (r.body.extensions?.graph as GraphExtension).tenants.find((x) => x.tenantId === tenant)!;
      expect(t.requests).toBe(c.byTenant[tenant]!.graph);
      expect(t.calls.map((call) => [call.attempt, call.status])).toEqual([
        [1, 429],
        [2, 200],
      ]);
      expect(t.retryWaits).toEqual([{ attempt: 1, items: 1, statuses: [429], waitMs: 20, retryAfterMs: 20 }]);
      expect(t.throttled).toBe(1);
      expect(t.tokens).toMatchObject({ mode: "delegated", requested: 0, failed: 0 });
      expect(t.tokens.fromCache).toBe(2);

      const plain = await h.run(CustomerUserNamesDocument, { id: tenant, first: 5 }, auth());
      expect(plain.body.extensions?.graph).toBeUndefined();
    });

    it("shows an open breaker's refusals, with when to retry", async () => {
      const tenant = customers[7]!;
      await h.control("PUT", "/faults", { outageTenants: [tenant], retryAfter: "0.01" });
      for (let i = 0; i < 2; i++) await h.run(CustomerUserNamesDocument, { id: tenant, first: 1 }, auth());
      await h.resetCounters();
      const r = await h.run(CustomerUserNamesDocument, { id: tenant, first: 1 }, auth({ "x-partner-graph-trace": "1" }));
      expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", graphCode: "CircuitOpen", tenantId: tenant });
      expect(graphCallsOf(await h.counters(), tenant)).toBe(0);
      const t = (r.body.extensions?.graph as GraphExtension).tenants.find((x) => x.tenantId === tenant)!;
      expect(t.calls).toEqual([]);
      expect(t.breaker).toEqual([{ circuit: "directory", decision: "refused", retryAfterMs: expect.any(Number), waitedMs: null }]);
      expect(t.breaker[0]!.retryAfterMs).toBeGreaterThan(100_000);
    });
  });

  describe("logs", () => {
    it("write the operation's line and a line per failing tenant with codes and Microsoft request-ids during a Graph outage", async () => {
      const tenant = customers[5]!;
      await h.run(CustomerUserNamesDocument, { id: tenant, first: 1 }, auth()); // tokens cached
      await h.control("PUT", "/faults", { outageTenants: [tenant], retryAfter: "0.01" });
      await h.resetCounters();
      const res = await post(h, { query: CUSTOMER_USERS, variables: { id: tenant } }, auth({ "x-request-id": "outage-check-1" }));
      expect(res.headers.get("x-request-id")).toBe("outage-check-1");
      const body = (await res.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.errors[0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", tenantId: tenant });
      const answered = requestIdsOf(await h.counters(), tenant);
      expect(answered.size).toBe(6); // six attempts, every one a 503

      const lines = await linesOf("outage-check-1");
      const errorLine = lines.find((l) => l.msg === "operation error")!;
      expect(errorLine).toMatchObject({
        level: 50,
        code: "UPSTREAM_UNAVAILABLE",
        tenantId: tenant,
        count: 1,
        operation: "OutageUsers",
        path: "customer.users",
      });
      expect((errorLine.requestIds as string[]).length).toBeGreaterThan(0);
      for (const id of errorLine.requestIds as string[]) expect(answered.has(id)).toBe(true);
      const opLine = lines.find((l) => l.msg === "operation completed")!;
      expect(opLine).toMatchObject({
        level: 50,
        req: { method: "POST", path: "/graphql" },
        res: { statusCode: 200 },
        operation: { name: "OutageUsers", type: "query", outcome: "partial", codes: { UPSTREAM_UNAVAILABLE: 1 } },
        caller: { mode: "agent", hash: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) },
        tenants: { count: 1, ids: [tenant] },
        graph: { requests: 6, batches: 0, items: 6, retries: 5, throttled: 0 },
      });
      assertNoSecrets("outage-check-1");
    });

    it("log THROTTLED at warn with the request-ids of the 429s", async () => {
      const tenant = customers[2]!;
      await h.run(CustomerUserNamesDocument, { id: tenant, first: 1 }, auth());
      await h.control("PUT", "/faults", { graphErrorRates: { "429": 1 }, retryAfter: "0.01" });
      await h.resetCounters();
      const res = await post(h, { query: CUSTOMER_USERS, variables: { id: tenant } }, auth({ "x-request-id": "throttle-check-1" }));
      const body = (await res.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.errors[0]!.extensions).toMatchObject({ code: "THROTTLED", tenantId: tenant });
      const answered = requestIdsOf(await h.counters(), tenant);
      const lines = await linesOf("throttle-check-1");
      const errorLine = lines.find((l) => l.msg === "operation error")!;
      expect(errorLine).toMatchObject({ level: 40, code: "THROTTLED", tenantId: tenant });
      expect((errorLine.requestIds as string[]).length).toBeGreaterThan(0);
      for (const id of errorLine.requestIds as string[]) expect(answered.has(id)).toBe(true);
      expect(lines.find((l) => l.msg === "operation completed")).toMatchObject({ level: 40, graph: { throttled: 6, retries: 5 } });
      assertNoSecrets("throttle-check-1");
    });

    it("accept a sane x-request-id, replace any other, and answer it on every path", async () => {
      const sane = await post(h, { query: "{ me { mode } }" }, auth({ "x-request-id": "router-7f3a:span/42" }));
      expect(sane.headers.get("x-request-id")).toBe("router-7f3a:span/42");
      const insane = await post(h, { query: "{ me { mode } }" }, auth({ "x-request-id": 'two words "quoted"' }));
      expect(insane.headers.get("x-request-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const long = await post(h, { query: "{ me { mode } }" }, auth({ "x-request-id": "x".repeat(129) }));
      expect(long.headers.get("x-request-id")).not.toBe("x".repeat(129));
      const health = await fetch(h.graphqlUrl.replace("/graphql", "/health"));
      expect(health.headers.get("x-request-id")).toBeTruthy();
      const missing = await fetch(h.graphqlUrl.replace("/graphql", "/nowhere"));
      expect(missing.status).toBe(404);
      expect(missing.headers.get("x-request-id")).toBeTruthy();
      const lines = await linesOf("router-7f3a:span/42");
      expect(lines.find((l) => l.msg === "operation completed")).toMatchObject({ level: 30, operation: { outcome: "ok" } });
    });

    it("log a refused caller's operation with its code and no token", async () => {
      const forged = `${token.slice(0, -4)}AAAA`;
      const headers = { authorization: `Bearer ${forged}`, "x-customer-graph-token": forged, "x-request-id": "bad-token-1" };
      const res = await post(h, { query: "query Me { me { mode } }" }, headers);
      expect(res.status).toBe(401);
      const lines = await linesOf("bad-token-1");
      expect(lines.find((l) => l.msg === "operation completed")).toMatchObject({
        operation: { outcome: "failed", codes: { UNAUTHENTICATED: 1 } },
        caller: null,
      });
      assertNoSecrets("bad-token-1");
      expect(logs).not.toContain(forged.slice(0, 40));
    });
  });

  describe("spans", () => {
    it("make one tree per operation under the router's traceparent: operation → tenant → Graph request, token acquisition; with Graph's request-ids", async () => {
      const tenant = customers[4]!;
      const traceId = randomBytes(16).toString("hex");
      const parentId = randomBytes(8).toString("hex");
      spans.reset();
      await h.resetCounters();
      const r = await h.run(CustomerUserNamesDocument, { id: tenant, first: 2 }, auth({ traceparent: `00-${traceId}-${parentId}-01` }));
      expect(r.body.errors).toBeUndefined();
      const c = await h.counters();
      let finished: ReadableSpan[] = [];
      for (let i = 0; i < 50 && !(finished = spans.getFinishedSpans()).some((s) => s.kind === SpanKind.SERVER); i++) await tick();

      const operation = finished.find((s) => s.kind === SpanKind.SERVER)!;
      expect(operation.name).toBe("query CustomerUserNames");
      expect(operation.spanContext().traceId).toBe(traceId);
      expect(operation.parentSpanContext?.spanId).toBe(parentId);
      expect(operation.attributes).toMatchObject({
        "graphql.operation.name": "CustomerUserNames",
        "partner_graph.outcome": "ok",
        "http.response.status_code": 200,
      });
      expect(finished.every((s) => s.spanContext().traceId === traceId)).toBe(true);

      const tenants = finished.filter((s) => s.name === "partner_graph.tenant");
      expect(tenants.map((s) => s.attributes["partner_graph.tenant_id"]).sort()).toEqual(Object.keys(trafficOf(c)).sort());
      for (const t of tenants) expect(t.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
      const tenantSpan = tenants.find((s) => s.attributes["partner_graph.tenant_id"] === tenant)!;

      const calls = finished.filter((s) => s.name === "graph.request" || s.name === "graph.batch");
      expect(calls).toHaveLength(c.total.graph! + (c.total.batch ?? 0));
      for (const call of calls) {
        expect(call.kind).toBe(SpanKind.CLIENT);
        expect(tenants.map((t) => t.spanContext().spanId)).toContain(call.parentSpanContext?.spanId);
        expect(call.attributes["msgraph.client_request_id"]).toMatch(/^[0-9a-f-]{36}$/);
      }
      const ofTenant = calls.filter((s) => s.parentSpanContext?.spanId === tenantSpan.spanContext().spanId);
      expect(new Set(ofTenant.map((s) => s.attributes["msgraph.request_id"]))).toEqual(requestIdsOf(c, tenant));
      expect(ofTenant[0]!.attributes).toMatchObject({ "http.request.method": "GET", "url.path": "/users", "http.response.status_code": 200 });

      // A cold agent: one on-behalf-of exchange per tenant, each its own span under its tenant.
      const tokens = finished.filter((s) => s.name === "token.acquire");
      expect(tokens).toHaveLength(c.total.token!);
      expect(tokens.find((s) => s.parentSpanContext?.spanId === tenantSpan.spanContext().spanId)?.attributes).toMatchObject({
        "partner_graph.token.mode": "delegated",
        "partner_graph.token.source": "endpoint",
      });
      const text = JSON.stringify(finished.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
      expect(text).not.toMatch(JWT);
      expect(text).not.toContain("?$"); // no query string (the caller's filter values) leaves in a span
    });
  });

  describe("ftv1", () => {
    it("is inline for a router that asks, with errors masked to their code", async () => {
      const foreign = [...view.foreignIds][0]!;
      const asked = await post(h, { query: `{ me { mode } customer(id: "${foreign}") { id } }` }, auth({ "apollo-federation-include-trace": "ftv1" }));
      const body = (await asked.json()) as { errors?: Array<{ extensions: { code: string } }>; extensions?: { ftv1?: string } };
      expect(body.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
      expect(typeof body.extensions?.ftv1).toBe("string");
      const trace = Trace.decode(Buffer.from(body.extensions!.ftv1!, "base64"));
      const errors = collectErrors(trace.root);
      expect(errors.map((e) => JSON.parse(e.json ?? "{}").extensions)).toEqual([{ code: "FORBIDDEN" }]);
      expect(errors.map((e) => e.message)).toEqual(["<masked>"]);
      expect(JSON.stringify(errors)).not.toContain(foreign);

      const unasked = await post(h, { query: "{ me { mode } }" }, auth());
      expect(((await unasked.json()) as { extensions?: unknown }).extensions).toBeUndefined();
    });
  });

  describe("metrics", () => {
    it("move as a scripted operation goes, as the cloud counted it", async () => {
      const before = await scrape();
      await h.resetCounters();
      const r = await h.run(CustomersFirstUserGroupDeviceDocument, { first: 4 }, auth());
      expect(r.body.errors).toBeUndefined();
      const c = await h.counters();
      await tick();
      const after = await scrape();
      const delta = deltaOf(before, after);
      const op = { operation: "CustomersFirstUserGroupDevice" };
      expect(delta("partner_graph_operations_total", { ...op, outcome: "ok", code: "none" })).toBe(1);
      expect(delta("partner_graph_operation_duration_seconds_count", { ...op, outcome: "ok" })).toBe(1);
      expect(delta("partner_graph_graph_requests_total", { kind: "plain" })).toBe(c.total.graph ?? 0);
      expect(delta("partner_graph_graph_requests_total", { kind: "batch", status: "200" })).toBe(c.total.batch);
      expect(delta("partner_graph_graph_batch_size_count")).toBe(c.total.batch);
      expect(delta("partner_graph_graph_batch_size_sum")).toBe(c.total.batchItem);
      expect(delta("partner_graph_graph_items_total")).toBe((c.total.graph ?? 0) + c.total.batchItem!);
      expect(delta("partner_graph_graph_request_duration_seconds_count")).toBe((c.total.graph ?? 0) + c.total.batch!);
      // Customers read before have their tokens cached: only the others need an exchange.
      expect(delta("partner_graph_tokens_total", { mode: "delegated", source: "endpoint", outcome: "ok" })).toBe(c.total.token);
      expect(delta("partner_graph_token_request_duration_seconds_count", { mode: "delegated" })).toBe(c.total.token);
      expect(sampleOf(after, "partner_graph_operations_in_flight")).toBe(0);
      expect(sampleOf(after, "partner_graph_graph_in_flight")).toBe(0);
      expect(sampleOf(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
      expect(after).toContain("nodejs_eventloop_lag_seconds");

      // The same again: every token now from the cache, none asked of the identity platform.
      await h.resetCounters();
      await h.run(CustomersFirstUserGroupDeviceDocument, { first: 4 }, auth());
      const c2 = await h.counters();
      const again = deltaOf(after, await scrape());
      expect(c2.total.token ?? 0).toBe(0);
      expect(again("partner_graph_tokens_total", { source: "endpoint" })).toBe(0);
      expect(again("partner_graph_tokens_total", { mode: "delegated", source: "cache", outcome: "ok" })).toBe((c2.total.graph ?? 0) + c2.total.batch!);
    });

    it("count 429s, retries and their waits", async () => {
      const tenant = customers[3]!;
      await h.run(CustomerUserNamesDocument, { id: tenant, first: 5 }, auth());
      await h.control("PUT", "/faults", { graphErrorRates: { "429": 0.5 }, retryAfter: "0.02", seed: 8 });
      const before = await scrape();
      await h.run(CustomerUserNamesDocument, { id: tenant, first: 5 }, auth());
      const delta = deltaOf(before, await scrape());
      expect(delta("partner_graph_graph_throttled_total", { workload: "directory" })).toBe(1);
      expect(delta("partner_graph_graph_items_total", { status: "429" })).toBe(1);
      expect(delta("partner_graph_graph_retries_total", { status: "429" })).toBe(1);
      expect(delta("partner_graph_graph_retry_wait_seconds_count")).toBe(1);
      expect(delta("partner_graph_graph_retry_wait_seconds_sum")).toBeCloseTo(0.02, 5);
      expect(delta("partner_graph_graph_requests_total", { kind: "plain", status: "429" })).toBe(1);
      expect(delta("partner_graph_graph_requests_total", { kind: "plain", status: "200" })).toBe(1);
    });

    it("export an open breaker per tenant, its state counts, and its refusals", async () => {
      const tenant = customers[6]!;
      await h.control("PUT", "/faults", { outageTenants: [tenant], retryAfter: "0.01" });
      const before = await scrape();
      for (let i = 0; i < 3; i++) await h.run(CustomerUserNamesDocument, { id: tenant, first: 1 }, auth());
      const after = await scrape();
      const delta = deltaOf(before, after);
      expect(sampleOf(after, "partner_graph_breaker_open", { tenant_id: tenant, circuit: "directory", state: "open" })).toBe(1);
      expect(sampleOf(after, "partner_graph_breakers", { circuit: "directory", state: "open" })).toBeGreaterThanOrEqual(1);
      expect(delta("partner_graph_breaker_decisions_total", { circuit: "directory", decision: "refused" })).toBe(1);
      expect(delta("partner_graph_operations_total", { operation: "CustomerUserNames", outcome: "partial", code: "UPSTREAM_UNAVAILABLE" })).toBe(3);
      expect(delta("partner_graph_operation_errors_total", { code: "UPSTREAM_UNAVAILABLE" })).toBe(3);
      expect(delta("partner_graph_graph_requests_total", { kind: "plain", status: "503" })).toBe(12); // 2 × 6 attempts, then refused
      // Healthy tenants have no series.
      expect(after).not.toContain(`tenant_id="${customers[3]}"`);
    });

    it("are not served on the API's port", async () => {
      const res = await fetch(h.graphqlUrl.replace("/graphql", "/metrics"));
      expect(res.status).toBe(404);
    });
  });

  /** The request's lines as written (not re-serialised: a key written twice would hide in a parsed object). */
  function assertNoSecrets(reqId: string) {
    const raw = logs.split("\n").filter((l) => l.includes(`"reqId":${JSON.stringify(reqId)}`));
    expect(raw.length).toBeGreaterThan(0);
    for (const line of raw) {
      expect(line).not.toMatch(JWT);
      for (const s of secrets) expect(line).not.toContain(s);
      expect(scanner.find(line)).toEqual([]);
      // Nothing of the request but its method and path: no header, no query string.
      expect(line).not.toMatch(/"headers"|authorization|x-customer-graph-token/i);
    }
  }
});

describe("observability in demo mode (load shedding, CORS)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { MAX_CONCURRENT_OPERATIONS: "1", GRAPH_BUDGET_SCALE: "0" } });
  });
  afterAll(async () => h?.close());

  it("lets a browser frontend send its request id, trace context and the trace header, and read x-request-id", async () => {
    const origin = "https://sandbox.embed.apollographql.com";
    const preflight = await fetch(h.graphqlUrl, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
    const allowed = preflight.headers.get("access-control-allow-headers")!.split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(["x-request-id", "x-partner-graph-trace", "traceparent", "tracestate"]));
    const answer = await fetch(h.graphqlUrl, {
      method: "POST",
      headers: { origin, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ me { mode } }" }),
    });
    expect(answer.headers.get("access-control-expose-headers")).toBe("x-request-id");
    expect(answer.headers.get("x-request-id")).toBeTruthy();
  });

  it("counts the operations refused at once", async () => {
    await h.run(CustomersFirstUserGroupDeviceDocument, { first: 1 });
    await h.control("PUT", "/latency", { graph: { kind: "fixed", ms: 300 } });
    const before = await (await fetch(h.metricsUrl!)).text();
    const [slow, refused] = await Promise.all([
      h.run(CustomersFirstUserGroupDeviceDocument, { first: 1 }),
      delay(50).then(() => h.run(CustomersFirstUserGroupDeviceDocument, { first: 1 })),
    ]);
    expect(slow.status).toBe(200);
    expect(refused.status).toBe(503);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("THROTTLED");
    await tick();
    const delta = deltaOf(before, await (await fetch(h.metricsUrl!)).text());
    expect(delta("partner_graph_load_shed_total", { reason: "concurrency" })).toBe(1);
    // Refused before its body was read: its name is unknown.
    expect(delta("partner_graph_operations_total", { operation: "unknown", outcome: "refused", code: "THROTTLED" })).toBe(1);
    expect(delta("partner_graph_operations_total", { operation: "CustomersFirstUserGroupDevice", outcome: "ok" })).toBe(1);
  });
});

const CUSTOMER_USERS = "query OutageUsers($id: ID!) { customer(id: $id) { users(first: 1) { nodes { id } } } }";

interface GraphExtension {
  requestId: string;
  tenants: Array<{
    tenantId: string;
    requests: number;
    batches: number;
    items: number;
    throttled: number;
    tokens: { mode: string; fromCache: number; requested: number; joined: number; failed: number };
    calls: Array<{ kind: string; attempt: number; status: number | null; requestId: string | null; clientRequestId: string | null; items?: unknown[] }>;
    retryWaits: unknown[];
    breaker: Array<{ circuit: string; decision: string; retryAfterMs: number | null; waitedMs: number | null }>;
  }>;
}

/** A tenant of extensions.graph in the emulator counters' terms. */
function shapeOf(t: GraphExtension["tenants"][number]) {
  return {
    requests: t.requests,
    batches: t.batches,
    batchItems: t.calls.filter((c) => c.kind === "batch").reduce((n, c) => n + (c.items?.length ?? 0), 0),
    tokens: t.tokens.requested,
  };
}

function graphCallsOf(c: CountersSnapshot, tenantId: string): number {
  return (c.byTenant[tenantId]?.graph ?? 0) + (c.byTenant[tenantId]?.batch ?? 0);
}

function post(h: Harness, body: unknown, headers: Record<string, string>) {
  return fetch(h.graphqlUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

function collectErrors(node: Trace.INode | null | undefined): Trace.IError[] {
  if (!node) return [];
  return [...(node.error ?? []), ...(node.child ?? []).flatMap((c) => collectErrors(c))];
}

const tick = () => new Promise((r) => setTimeout(r, 10));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
