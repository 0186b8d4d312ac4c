import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fetch } from "undici";
import { startSubgraphProcess, type SubgraphProcess } from "../helpers/subgraphProcess";
import { sampleOf } from "../helpers/prometheus";

/**
 * The entry as a process, configured only by its environment: metrics on METRICS_PORT, spans exported
 * over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (a collector this test runs). The OTLP exporter loads
 * node:http with a dynamic import() that jest's VM refuses, so this is where export is proven.
 */
describe("observability of the running entry", () => {
  let proc: SubgraphProcess;
  let collector: Server;
  const received: Array<{ path: string; body: string }> = [];
  let metricsPort: number;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        received.push({ path: req.url ?? "", body });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
    metricsPort = await freePort();
    proc = await startSubgraphProcess({
      mode: "demo",
      env: {
        METRICS_PORT: String(metricsPort),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
        OTEL_SERVICE_NAME: "partner-graph-process-test",
        OTEL_BSP_SCHEDULE_DELAY: "100",
      },
    });
  });
  afterAll(async () => {
    await proc?.stop();
    await new Promise<void>((r) => collector.close(() => r()));
  });

  it("serves /metrics on METRICS_PORT and exports the operation's spans to the OTLP endpoint under the caller's traceparent", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const res = await fetch(proc.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      body: JSON.stringify({ query: "query TwoCustomers { customers(first: 2) { nodes { id } } }" }),
    });
    expect(res.status).toBe(200);
    for (let i = 0; i < 100 && !received.some((r) => r.body.includes("TwoCustomers")); i++) await new Promise((r) => setTimeout(r, 50));
    const exported = received.filter((r) => r.path === "/v1/traces").map((r) => r.body);
    const body = exported.join("\n");
    expect(body).toContain("partner-graph-process-test");
    expect(body).toContain("query TwoCustomers");
    expect(body).toContain("graph.batch");
    expect(body.toLowerCase()).toContain(traceId);
    expect(body).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);

    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(sampleOf(text, "partner_graph_operations_total", { operation: "TwoCustomers", outcome: "ok" })).toBe(1);
    expect(sampleOf(text, "partner_graph_graph_requests_total", { kind: "batch" })).toBeGreaterThan(0);
    expect((await fetch(proc.graphqlUrl.replace("/graphql", "/metrics"))).status).toBe(404);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
