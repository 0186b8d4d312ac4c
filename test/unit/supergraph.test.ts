/**
 * The supergraph tool's static parts: the committed supergraph SDL is the composition of the committed
 * subgraph SDLs (so a subgraph change without `npm run supergraph:compose` fails `npm test`), composition
 * errors are reported by code, the billing ledger is consistent, and supergraph/router.yaml names the same
 * subgraphs and headers as the gateway.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { billingAccountOf, INVOICE_HISTORY } from "../../supergraph/billing/ledger";
import { committedSubgraphs, committedSupergraph, CompositionFailed, composeSupergraph, SUBGRAPHS } from "../../supergraph/compose";
import { FORWARDED_HEADERS, forwardedHeaders } from "../../supergraph/gateway";
import { supergraphPorts } from "../../supergraph/settings";

const repo = path.resolve(__dirname, "../..");

describe("supergraph composition", () => {
  it("the committed supergraph SDL is the composition of the committed subgraph SDLs", () => {
    // On failure: run `npm run supergraph:compose` and commit supergraph/supergraph.graphql.
    expect(committedSupergraph()).toBe(composeSupergraph());
  });

  it("joins both subgraphs on Customer by its key, billing requiring the region Partner Graph owns", () => {
    const sdl = committedSupergraph();
    expect(sdl).toContain('@join__graph(name: "partner-graph", url: "http://127.0.0.1:4000/graphql")');
    expect(sdl).toContain('@join__graph(name: "billing", url: "http://127.0.0.1:4101/graphql")');
    expect(sdl).toMatch(/type Customer\s+@join__type\(graph: BILLING, key: "id"\)\s+@join__type\(graph: PARTNER_GRAPH, key: "id"\)/);
    expect(sdl).toContain('billing: BillingAccount! @join__field(graph: BILLING, requires: "region")');
  });

  it.each([
    ["its key names a field billing does not have", '@key(fields: "id")', '@key(fields: "tenantId")', "KEY_INVALID_FIELDS"],
    [
      "billing's copy of the external region disagrees with Partner Graph's type",
      "region: String! @external",
      "region: Int! @external",
      "EXTERNAL_TYPE_MISMATCH",
    ],
  ])("fails when %s, with the error by its code", (_, from, to, code) => {
    const subgraphs = committedSubgraphs().map((s) => (s.name === "billing" ? { ...s, sdl: s.sdl.replace(from, to) } : s));
    expect(subgraphs.find((s) => s.name === "billing")!.sdl).toContain(to);
    let failure: unknown;
    try {
      composeSupergraph(subgraphs);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(CompositionFailed);
    const { errors, message } = failure as CompositionFailed;
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^\\[${code}\\] .*Customer`))]);
    expect(message).toBe(`supergraph composition failed:\n  ${errors[0]}`);
  });
});

describe("the billing ledger", () => {
  const id = "3e35558e-7420-55b3-a898-fdbdb97800b8";

  it("is a function of the tenant id: same account every time, another for another tenant", () => {
    expect(billingAccountOf(id, "OC")).toEqual(billingAccountOf(id.toUpperCase(), "OC"));
    expect(billingAccountOf(id, "OC").monthlySpend).not.toBe(billingAccountOf("19213133-5ed2-597d-87aa-5b8c79c840a7", "OC").monthlySpend);
    expect(billingAccountOf(id, "OC").accountNumber).toBe("BA-3E35558E");
  });

  it("bills in the region's currency, counts its open invoices, and keeps amounts to cents", () => {
    expect(["NA", "EU", "AS", "OC", "XX"].map((r) => billingAccountOf(id, r).currency)).toEqual(["USD", "EUR", "SGD", "AUD", "USD"]);
    const account = billingAccountOf(id, "EU");
    expect(account.invoices).toHaveLength(INVOICE_HISTORY);
    expect(account.invoices.filter((i) => i.status === "OPEN")).toHaveLength(account.openInvoices);
    expect(account.invoices.map((i) => i.issuedOn)).toEqual([...account.invoices.map((i) => i.issuedOn)].sort().reverse());
    for (const amount of [account.monthlySpend, ...account.invoices.map((i) => i.amount)]) expect(Math.round(amount * 100) / 100).toBe(amount);
  });
});

describe("the gateway's forwarded headers", () => {
  it("are the token and the trace and correlation headers only, with a request id made when none is usable", () => {
    const sent = forwardedHeaders({
      authorization: "Bearer x",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      tracestate: "congo=t61rcWkgMzE",
      "x-request-id": "req-1",
      cookie: "session=secret",
      "x-forwarded-for": "10.0.0.1",
    });
    expect(sent).toEqual({
      authorization: "Bearer x",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      tracestate: "congo=t61rcWkgMzE",
      "x-request-id": "req-1",
    });
    expect(forwardedHeaders({})["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(forwardedHeaders({ "x-request-id": "a b\u0000" })["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(forwardedHeaders({ "x-request-id": "x".repeat(129) })["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("supergraph/router.yaml", () => {
  const routerYaml = readFileSync(path.join(repo, "supergraph/router.yaml"), "utf8");

  it("overrides every subgraph's URL with the one npm run supergraph serves it at", () => {
    const overrides = /^override_subgraph_url:\n((?: {2}\S+: \S+\n)+)/m.exec(routerYaml)?.[1];
    expect(overrides?.trimEnd().split("\n")).toEqual(SUBGRAPHS.map((s) => `  ${s.name}: ${s.url}`));
  });

  it("propagates exactly the headers the gateway forwards, and passes subgraph errors through", () => {
    const propagated = [...routerYaml.matchAll(/^\s+- propagate:\n\s+named: (\S+)$/gm)].map((m) => m[1]);
    expect(propagated.sort()).toEqual([...FORWARDED_HEADERS].sort());
    expect(routerYaml).toMatch(/^include_subgraph_errors:\n {2}all: true$/m);
  });
});

describe("supergraph ports", () => {
  it("default beside npm start's (API 4000, cloud 4443), and are refused by name when not a port", () => {
    expect(supergraphPorts({})).toEqual({ gatewayPort: 4100, billingPort: 4101 });
    expect(supergraphPorts({ GATEWAY_PORT: "0", BILLING_PORT: "" })).toEqual({ gatewayPort: 0, billingPort: 4101 });
    expect(() => supergraphPorts({ GATEWAY_PORT: "70000" })).toThrow("GATEWAY_PORT must be a TCP port (0 to 65535), got '70000'");
    expect(() => supergraphPorts({ BILLING_PORT: "-1" })).toThrow("BILLING_PORT must be a TCP port (0 to 65535), got '-1'");
  });
});
