import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pinoHttp } from "pino-http";
import { describeError, type Logger } from "../log";
import type { OperationTrace } from "./operationTrace";

/** The request id header: accepted from the caller (a router, a frontend) when sane, always answered. */
export const REQUEST_ID_HEADER = "x-request-id";

/** Printable, no spaces or quotes, at most 128 characters: what a router or a tracing header may send. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's request id when it is sane, else a new one (a UUID). */
export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

/** Paths probed every few seconds: no line each. */
const QUIET_PATHS = new Set(["/health", "/ready"]);

/** The operation a request carries, if it is a GraphQL request (set by the front through Observability.operation). */
const TRACE = Symbol("operation trace");
type Traced = IncomingMessage & { [TRACE]?: OperationTrace };

export function attachTrace(req: IncomingMessage, trace: OperationTrace): void {
  (req as Traced)[TRACE] = trace;
}

export function traceOfRequest(req: IncomingMessage): OperationTrace | undefined {
  return (req as Traced)[TRACE];
}

const pathOf = (url: string | undefined) => (url ?? "/").split("?")[0];

/**
 * pino-http, as this API logs requests: one line per request when its answer is complete — for a
 * GraphQL request, the operation's line (name, outcome and codes, duration, the caller hashed, the
 * tenants touched, Graph requests, retries and waits). The request's path only (a GET's query string
 * holds the caller's query and variables), no header (Authorization, X-Customer-Graph-Token), no
 * stack. The level is the loudest of the operation's errors (see operationTrace.ts).
 */
export function createRequestLog(log: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  // `req` is bound once per request (pino-http's child logger), `res` given with the line: both through these serializers only.
  const fields = (req: IncomingMessage, res: ServerResponse, responseTime: unknown) => ({
    reqId: req.id,
    res,
    responseTime,
    ...traceOfRequest(req)?.summary(),
  });
  const middleware = pinoHttp({
    // Its lines carry only the fields above, through the serializers below: nothing to redact, and
    // redaction was most of the cost of the child logger pino-http makes per request.
    logger: log.child({}, { redact: [] }),
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, path: pathOf(req.url) }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    // One child logger per request (bound to `req`); the request id is a field of the line instead.
    quietReqLogger: false,
    genReqId: (req, res) => {
      const id = requestIdOf(req.headers[REQUEST_ID_HEADER]);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    autoLogging: { ignore: (req) => QUIET_PATHS.has(pathOf(req.url)) },
    customLogLevel: (req, res, err) => {
      const level = err ? "error" : (traceOfRequest(req)?.level ?? (res.statusCode >= 500 ? "error" : "info"));
      // Nothing is built for a line the level drops.
      return log.isLevelEnabled(level) ? level : "silent";
    },
    customSuccessMessage: (req, res) => {
      const what = traceOfRequest(req) ? "operation" : "request";
      return res.writableEnded ? `${what} completed` : `${what} aborted`;
    },
    customSuccessObject: (req, res, val: { responseTime?: unknown }) => fields(req, res, val.responseTime),
    customErrorMessage: (req) => (traceOfRequest(req) ? "operation failed" : "request failed"),
    // pino-http's own error object carries a stack: only name and message, scrubbed, here.
    customErrorObject: (req, res, err, val: { responseTime?: unknown }) => ({
      ...fields(req, res, val.responseTime),
      ...(res.statusCode >= 500 && /^failed with status code/.test(err.message) ? {} : { err: describeError(err) }),
    }),
  });
  return (req, res) => middleware(req, res);
}
