import { ROOT_CONTEXT, defaultTextMapGetter, trace, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { IncomingHttpHeaders } from "node:http";

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP traces endpoint (`…/v1/traces`); spans are batched there. */
  otlpTracesUrl?: string;
  /** An exporter of the embedder's (tests: an in-memory one); spans are handed over one by one. */
  exporter?: SpanExporter;
}

/**
 * OpenTelemetry tracing of one app instance: its own provider (not registered as the global one, so an
 * embedder's tracing and several apps in one process stay apart), spans parented explicitly (no
 * context manager, no async hooks on the request path), the W3C `traceparent`/`tracestate` of the
 * incoming request honoured as the operation's parent. Sampling is the SDK's default, parent-based
 * always-on (`OTEL_TRACES_SAMPLER` may change it): a router that samples a request out is obeyed.
 */
export class Tracing {
  readonly tracer: Tracer;
  private readonly provider: BasicTracerProvider;
  private readonly propagator = new W3CTraceContextPropagator();

  private constructor(options: TracingOptions, exporter: SpanExporter, batched: boolean) {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
      spanProcessors: [batched ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)],
    });
    this.tracer = this.provider.getTracer("partner-graph");
  }

  /** Tracing as configured, or undefined when no exporter is (the default): then no span is ever made. */
  static create(options: TracingOptions): Tracing | undefined {
    if (options.exporter) return new Tracing(options, options.exporter, false);
    if (options.otlpTracesUrl) return new Tracing(options, new OTLPTraceExporter({ url: options.otlpTracesUrl }), true);
    return undefined;
  }

  /** The caller's trace context (the router's span), or the root when the request carries none. */
  parentOf(headers: IncomingHttpHeaders): Context {
    if (!headers.traceparent) return ROOT_CONTEXT;
    return this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  }

  /** A context whose active span is `span`: children are parented on it explicitly. */
  static within(span: Span, parent: Context = ROOT_CONTEXT): Context {
    return trace.setSpan(parent, span);
  }

  /** Sends what is buffered and stops (the app's close). */
  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

/** The trace id of a `traceparent` header, when well-formed: log lines carry it even with tracing off. */
export function traceIdOf(traceparent: string | string[] | undefined): string | undefined {
  const value = Array.isArray(traceparent) ? traceparent[0] : traceparent;
  const m = value ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(value.trim()) : null;
  return m && !/^0+$/.test(m[1]!) ? m[1] : undefined;
}
