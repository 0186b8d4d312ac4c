import { GraphQLError } from "graphql";
import type { IncomingMessage } from "node:http";
import { loadSettings, observabilityOf } from "../../../src/config";
import { roleMissing } from "../../../src/errors";
import { createLogger } from "../../../src/log";
import { maskedForTrace } from "../../../src/observability/apolloPlugins";
import { Observability } from "../../../src/observability/observability";
import { requestIdOf } from "../../../src/observability/requestLog";
import { traceIdOf } from "../../../src/observability/tracing";

describe("observability settings", () => {
  const settings = (env: Record<string, string>) => observabilityOf(loadSettings(env));

  it("default to a metrics listener on 9464, no tracing, extensions.graph on request", () => {
    expect(settings({})).toEqual({ metricsPort: 9464, otlpTracesUrl: undefined, serviceName: "partner-graph", graphTrace: true });
  });

  it("read METRICS_PORT (off: no listener), the OTLP endpoints as the specification composes them, OTEL_SERVICE_NAME and GRAPH_TRACE", () => {
    expect(settings({ METRICS_PORT: "off" }).metricsPort).toBeNull();
    expect(settings({ METRICS_PORT: "0" }).metricsPort).toBe(0);
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).otlpTracesUrl).toBe("http://collector:4318/v1/traces");
    expect(
      settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example/v1/t" }).otlpTracesUrl,
    ).toBe("https://traces.example/v1/t");
    expect(settings({ OTEL_SERVICE_NAME: "pg-eu" }).serviceName).toBe("pg-eu");
    expect(settings({ GRAPH_TRACE: "false" }).graphTrace).toBe(false);
  });

  it("refuse bad values naming the variable", () => {
    expect(() => settings({ METRICS_PORT: "70000" })).toThrow(/METRICS_PORT must be a TCP port/);
    expect(() => settings({ METRICS_PORT: "metrics" })).toThrow(/METRICS_PORT/);
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http or https URL/);
    expect(() => settings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "ftp://x" })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
    expect(() => settings({ GRAPH_TRACE: "yes" })).toThrow(/GRAPH_TRACE must be true or false/);
  });
});

describe("request ids and trace ids", () => {
  it("accept a sane x-request-id and replace anything else by a UUID", () => {
    expect(requestIdOf("abc-123")).toBe("abc-123");
    expect(requestIdOf(["first", "second"])).toBe("first");
    for (const bad of [undefined, "", "with space", 'quote"', "x".repeat(129), "line\nbreak", "ünï"]) expect(requestIdOf(bad)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("read the trace id of a well-formed traceparent only", () => {
    expect(traceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(traceIdOf("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).toBeUndefined();
    expect(traceIdOf("garbage")).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });
});

describe("ftv1 error masking", () => {
  it("keeps our code only, and masks anything else as an internal error", () => {
    const ours = new GraphQLError("wrapped", { originalError: roleMissing("11111111-1111-1111-1111-111111111111", ["Global Reader"]), path: ["customer"] });
    expect(maskedForTrace(ours).toJSON()).toEqual({ message: "<masked>", extensions: { code: "ROLE_MISSING" } });
    const defect = new GraphQLError("TypeError: x of undefined at /srv/app.js", { originalError: new TypeError("x"), path: ["customer"] });
    expect(maskedForTrace(defect).toJSON()).toEqual({ message: "<masked>", extensions: { code: "INTERNAL_SERVER_ERROR" } });
  });
});

describe("extensions.graph switch", () => {
  const request = (headers: Record<string, string>) => ({ headers, id: "r" }) as unknown as IncomingMessage;
  const sources = { cost: () => 0, graph: () => ({ inFlight: 0, waiting: 0 }), breakers: () => [] };

  it("is honoured for x-partner-graph-trace: 1 or true, and never with GRAPH_TRACE=false", () => {
    const on = new Observability(observabilityOf(loadSettings({})), createLogger("silent"), sources);
    expect(on.operation(request({ "x-partner-graph-trace": "1" })).humanTrace).toBe(true);
    expect(on.operation(request({ "x-partner-graph-trace": "true" })).humanTrace).toBe(true);
    expect(on.operation(request({ "x-partner-graph-trace": "0" })).humanTrace).toBe(false);
    expect(on.operation(request({})).humanTrace).toBe(false);
    const off = new Observability(observabilityOf(loadSettings({ GRAPH_TRACE: "false" })), createLogger("silent"), sources);
    expect(off.operation(request({ "x-partner-graph-trace": "1" })).humanTrace).toBe(false);
  });
});
