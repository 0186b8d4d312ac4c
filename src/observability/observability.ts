import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ObservabilitySettings } from "../config";
import type { Logger } from "../log";
import { Metrics, type InFlightSources } from "./metrics";
import { OperationTrace } from "./operationTrace";
import { attachTrace, createRequestLog, traceOfRequest } from "./requestLog";
import { traceIdOf, Tracing } from "./tracing";

/** The header a caller sends to get `extensions.graph`, the per-operation Graph trace for humans. */
export const GRAPH_TRACE_HEADER = "x-partner-graph-trace";

export interface ObservabilityOptions {
  /** Spans to this exporter (tests: an in-memory one), whatever the configuration says. */
  spanExporter?: SpanExporter;
}

/**
 * Metrics, tracing and request logs of one app instance. The HTTP front calls `request` for every
 * request and `operation` for each GraphQL one; the operation's recorder goes into its context (the
 * Graph layer reports to it) and the Apollo plugins read it.
 */
export class Observability {
  readonly metrics: Metrics;
  readonly tracing?: Tracing;
  private readonly requestLog: (req: IncomingMessage, res: ServerResponse) => void;
  private operationsInFlight: () => number = () => 0;

  constructor(
    private readonly settings: ObservabilitySettings,
    private readonly log: Logger,
    sources: Omit<InFlightSources, "operations">,
    options: ObservabilityOptions = {},
  ) {
    this.metrics = new Metrics({ ...sources, operations: () => this.operationsInFlight() });
    this.tracing = Tracing.create({ serviceName: settings.serviceName, otlpTracesUrl: settings.otlpTracesUrl, exporter: options.spanExporter });
    this.requestLog = createRequestLog(log);
  }

  /** The front's count of operations in progress, read at scrape time. */
  countOperations(inProgress: () => number): void {
    this.operationsInFlight = inProgress;
  }

  /**
   * Every request of the public front, first thing: its request id (`x-request-id`, answered) and its
   * log line when the answer is complete. The operation (if any) is finished before the line is written.
   */
  request(req: IncomingMessage, res: ServerResponse): void {
    // A connection closed before the answer was written: the caller went away (aborted).
    const finish = () => traceOfRequest(req)?.finish(res.statusCode, !res.writableEnded);
    res.once("finish", finish);
    res.once("close", finish);
    this.requestLog(req, res);
  }

  /** The recorder of the GraphQL operation this request carries. */
  operation(req: IncomingMessage): OperationTrace {
    const asked = req.headers[GRAPH_TRACE_HEADER];
    const trace = new OperationTrace(this.metrics, this.tracing, this.log, {
      requestId: String((req as { id?: unknown }).id ?? ""),
      humanTrace: this.settings.graphTrace && (asked === "1" || asked === "true"),
      parent: this.tracing?.parentOf(req.headers),
      traceId: this.tracing ? undefined : traceIdOf(req.headers.traceparent),
    });
    attachTrace(req, trace);
    return trace;
  }

  /** The metrics listener (`GET /metrics`), not listening yet; meant for a port of its own (METRICS_PORT). */
  metricsServer(): Server {
    return createServer((req, res) => {
      if (req.method !== "GET" || (req.url ?? "/").split("?")[0] !== "/metrics") {
        res.writeHead(404, { "content-type": "text/plain" }).end("Metrics are served at /metrics.\n");
        return;
      }
      this.metrics.scrape().then(
        (text) => res.writeHead(200, { "content-type": this.metrics.contentType }).end(text),
        (err: unknown) => {
          this.log.error({ err: { name: "MetricsError", message: err instanceof Error ? err.message : String(err) } }, "metrics scrape failed");
          res.writeHead(500).end();
        },
      );
    });
  }

  async close(): Promise<void> {
    await this.tracing?.shutdown();
  }
}
