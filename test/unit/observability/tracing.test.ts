import { trace as api } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { loadSettings, observabilityOf } from "../../../src/config";
import { Tracing } from "../../../src/observability/tracing";

// Export over OTLP/HTTP is proven with the entry as a process (test/integration/observabilityProcess.test.ts).
describe("tracing by configuration", () => {
  it("makes no tracer at all without an exporter (the default)", () => {
    const { serviceName, otlpTracesUrl } = observabilityOf(loadSettings({}));
    expect(Tracing.create({ serviceName, otlpTracesUrl })).toBeUndefined();
  });

  it("parents on a valid traceparent, starts a new trace without one, and never touches the global provider", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = Tracing.create({ serviceName: "t", exporter })!;
    const child = tracing.tracer.startSpan("a", {}, tracing.parentOf({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }));
    const root = tracing.tracer.startSpan("b", {}, tracing.parentOf({}));
    const garbage = tracing.tracer.startSpan("c", {}, tracing.parentOf({ traceparent: "not-a-traceparent" }));
    [child, root, garbage].forEach((s) => s.end());
    const [a, b, c] = exporter.getFinishedSpans();
    expect(a!.spanContext().traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(a!.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
    expect(b!.parentSpanContext).toBeUndefined();
    expect(c!.parentSpanContext).toBeUndefined();
    expect(api.getTracerProvider().getTracer("x").startSpan("y").isRecording()).toBe(false);
    await tracing.shutdown();
  });
});
