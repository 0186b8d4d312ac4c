import { HeaderMap, type ApolloServer } from "@apollo/server";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { CUSTOMER_TOKEN_HEADER } from "../auth/customerTokenAccess";
import type { Config } from "../config";
import type { ContextFor, RequestContext } from "../context";
import { bodyTooLarge, busy, deadlinePassed, routeNotFound } from "../errors";
import type { FormatError } from "../formatError";
import { withCostTicket, type CostInFlight } from "../loadShedding";
import { describeError, type Logger } from "../log";
import { withOperationTrace } from "../observability/apolloPlugins";
import type { Observability } from "../observability/observability";
import type { OperationTrace } from "../observability/operationTrace";
import { MAX_BODY_BYTES, readJsonBody, TOO_LARGE } from "./body";
import { answerClientError, MAX_HEADER_BYTES } from "./clientError";
import { allowedOrigins, cors } from "./cors";
import { answerByDeadline, DEADLINE_PASSED } from "./deadline";
import { sendError } from "./errorResponse";
import { sendReadiness, type Readiness } from "./readiness";

export interface HttpFrontDeps {
  config: Config;
  apollo: ApolloServer<RequestContext>;
  contextFor: ContextFor;
  costInFlight: CostInFlight;
  format: FormatError;
  log: Logger;
  readiness: Readiness;
  /** Request ids, the request log line, each operation's recorder (src/observability). */
  observability: Observability;
}

/**
 * How long past the operation's deadline its answer may take: the Graph calls stop at the deadline and
 * the customers still missing answer TIMEOUT beside the others' data; this bounds the time to write that.
 */
const DEADLINE_GRACE_MS = 250;

/**
 * The node:http front of Apollo: GraphQL at /graphql (and at /, so Apollo Sandbox's landing page, which
 * calls its own URL, works there), /health (live), /ready (src/http/readiness.ts), CORS, load shedding, the body and header limits and the
 * operation's deadline. Does not listen.
 */
export function createHttpFront(deps: HttpFrontDeps): Server {
  const { config, apollo, format, log, observability } = deps;
  const origins = allowedOrigins(config);
  let inProgress = 0;
  observability.countOperations(() => inProgress);

  const http = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    observability.request(req, res);
    handle(req, res).catch((err: unknown) => {
      // formatError logs the defect and masks it; once the answer has begun, only the log is left.
      if (!res.headersSent) sendError(res, err, format);
      else log.error({ err: describeError(err) }, "request failed");
    });
  });
  http.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, format));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const deadline = Date.now() + config.operationTimeoutMs + DEADLINE_GRACE_MS;
    const url = new URL(req.url ?? "/", "http://localhost");
    cors(req, res, origins);
    // Shutting down: each answer closes its connection, so keep-alive clients (a router) reconnect elsewhere.
    if (deps.readiness.draining) res.setHeader("connection", "close");
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (url.pathname === "/ready") return sendReadiness(res, await deps.readiness.report());
    if (url.pathname !== "/graphql" && url.pathname !== "/") return sendError(res, routeNotFound(), format);
    const trace = observability.operation(req);
    // Load shedding: past the cap, answering "busy" at once keeps memory and latency bounded, where
    // queueing would hold every waiting operation until its deadline (measured: 1.2 GB at 2× capacity).
    // A cheap count first (before the body is read), then the cost budget once the operation is known.
    if (inProgress >= config.maxConcurrentOperations) {
      trace.shed("concurrency");
      return sendTraced(res, busy(), trace);
    }
    inProgress += 1;
    const settled = serveGraphQL(req, res, url, deadline, trace);
    settled.finally(() => (inProgress -= 1)).catch(() => undefined);
    await settled;
  }

  /** An answer the front writes itself, told to the operation's recorder first. */
  function sendTraced(res: ServerResponse, error: unknown, trace: OperationTrace, headers?: Record<string, string>): void {
    trace.failed(error);
    sendError(res, error, format, headers);
  }

  async function serveGraphQL(req: IncomingMessage, res: ServerResponse, url: URL, deadline: number, trace: OperationTrace): Promise<void> {
    const body = await readJsonBody(req);
    // Connection: close, the rest of the body being drained (readJsonBody), so the client reads this answer.
    if (body === TOO_LARGE) return sendTraced(res, bodyTooLarge(MAX_BODY_BYTES), trace, { connection: "close" });
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const ticket = deps.costInFlight.ticket();
    const execution = apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: async () => {
        try {
          const context = await deps.contextFor(req.headers.authorization, bearerOf(req.headers[CUSTOMER_TOKEN_HEADER]), trace);
          return withOperationTrace(withCostTicket(context, ticket), trace);
        } catch (err) {
          // Apollo answers it without running the request's plugins: the recorder hears it here.
          trace.failed(err);
          throw err;
        }
      },
    });
    // The execution's cost stays counted until it has settled, even when its answer left at the deadline.
    const done = execution.finally(() => ticket.release());
    done.catch(() => undefined);
    const result = await answerByDeadline(done, deadline);
    if (result === DEADLINE_PASSED) {
      sendTraced(res, deadlinePassed(config.operationTimeoutMs), trace);
      // Keeps the request's slot (inProgress) until the execution settles: it still holds memory and Graph calls.
      await done.catch(() => undefined);
      return;
    }
    // Answers hold one caller's tenant data: never stored (Apollo's cache-control plugin said so; it is off).
    res.setHeader("cache-control", "no-store");
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  return http;
}

/** `Bearer <jwt>` or a bare JWT; anything else counts as absent-but-invalid. */
function bearerOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  return value.replace(/^Bearer\s+/i, "").trim();
}
