import { BREAKER_TENANT_SERIES, Metrics, OPERATION_NAMES, type InFlightSources } from "../../../src/observability/metrics";
import { samplesOf, sampleOf } from "../../helpers/prometheus";

const sources = (breakers: ReturnType<InFlightSources["breakers"]>): InFlightSources => ({
  operations: () => 3,
  cost: () => 1234,
  graph: () => ({ inFlight: 7, waiting: 2 }),
  breakers: () => breakers,
});
const guid = (i: number) => `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`;

describe("Metrics", () => {
  it("bound the operation label: clients choose names, the label keeps at most OPERATION_NAMES of them", () => {
    const m = new Metrics();
    expect(m.operationLabel(undefined)).toBe("anonymous");
    expect(m.operationLabel("bad name{}")).toBe("other");
    for (let i = 0; i < OPERATION_NAMES; i++) expect(m.operationLabel(`Op${i}`)).toBe(`Op${i}`);
    expect(m.operationLabel("OneTooMany")).toBe("other");
    expect(m.operationLabel("Op0")).toBe("Op0");
  });

  it("export breakers per tenant only while open, the most recent BREAKER_TENANT_SERIES of 1,000, and all of them by state", async () => {
    const breakers = [
      ...Array.from({ length: 1_000 }, (_, i) => ({ tenantId: guid(i), circuit: "directory", state: "open" as const, since: i })),
      { tenantId: guid(5_000), circuit: "identity:agent-partition-hash", state: "half_open" as const, since: 10_000 },
      { tenantId: guid(5_001), circuit: "intune", state: "failing" as const, since: 1 },
    ];
    const text = await new Metrics(sources(breakers)).scrape();
    const perTenant = samplesOf(text, "partner_graph_breaker_open");
    expect(perTenant).toHaveLength(BREAKER_TENANT_SERIES);
    // The half-open identity circuit is the most recent; a caller partition is never a label.
    expect(perTenant[0]!.labels).toEqual({ tenant_id: guid(5_000), circuit: "identity", state: "half_open" });
    expect(perTenant.map((s) => s.labels.tenant_id)).toContain(guid(999));
    expect(perTenant.map((s) => s.labels.tenant_id)).not.toContain(guid(0));
    expect(text).not.toContain("agent-partition-hash");
    expect(sampleOf(text, "partner_graph_breakers", { circuit: "directory", state: "open" })).toBe(1_000);
    expect(sampleOf(text, "partner_graph_breakers", { circuit: "intune", state: "failing" })).toBe(1);
    expect(sampleOf(text, "partner_graph_operations_in_flight")).toBe(3);
    expect(sampleOf(text, "partner_graph_cost_in_flight")).toBe(1234);
    expect(sampleOf(text, "partner_graph_graph_in_flight")).toBe(7);
    expect(sampleOf(text, "partner_graph_graph_waiting")).toBe(2);
  });

  it("keep one registry per instance: two apps in one process count apart", async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.loadShed("cost");
    expect(sampleOf(await a.scrape(), "partner_graph_load_shed_total", { reason: "cost" })).toBe(1);
    expect(sampleOf(await b.scrape(), "partner_graph_load_shed_total", { reason: "cost" })).toBe(0);
    expect(await b.scrape()).toContain("process_cpu_user_seconds_total");
  });

  it("label a $batch of both workloads as mixed and count its items by their own workload", async () => {
    const m = new Metrics();
    m.graphCall({
      kind: "batch",
      method: "POST",
      url: "/$batch",
      attempt: 1,
      items: [
        { method: "GET", url: "/users", workload: "directory", status: 200 },
        { method: "GET", url: "/deviceManagement/managedDevices", workload: "intune", status: 429 },
      ],
      status: 200,
      queuedAt: 0,
      sentAt: 0,
      endedAt: 10,
    });
    const text = await m.scrape();
    expect(sampleOf(text, "partner_graph_graph_requests_total", { workload: "mixed", kind: "batch", status: "200" })).toBe(1);
    expect(sampleOf(text, "partner_graph_graph_throttled_total", { workload: "intune" })).toBe(1);
    expect(sampleOf(text, "partner_graph_graph_items_total", { workload: "directory", status: "200" })).toBe(1);
    expect(sampleOf(text, "partner_graph_graph_batch_size_sum")).toBe(2);
  });
});
