import type { IncomingMessage, ServerResponse } from "node:http";
import { CUSTOMER_TOKEN_HEADER } from "../auth/customerTokenAccess";
import type { Config } from "../config";

/** A frontend may send its request id, the W3C trace context and ask for extensions.graph (README "Observability"). */
const OBSERVABILITY_HEADERS = "x-request-id, x-partner-graph-trace, traceparent, tracestate";

/** Origins of Apollo Sandbox, allowed in demo mode so the embedded explorer can call the API. */
const SANDBOX_ORIGINS = ["https://sandbox.embed.apollographql.com", "https://studio.apollographql.com"];

export function allowedOrigins(config: Pick<Config, "corsOrigins" | "demoMode">): ReadonlySet<string> {
  return new Set([...config.corsOrigins, ...(config.demoMode ? SANDBOX_ORIGINS : [])]);
}

/** CORS headers for an allowed origin (none for any other: the browser then refuses the answer). */
export function cors(req: IncomingMessage, res: ServerResponse, allowed: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (!origin || !allowed.has(origin)) return;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("vary", "origin");
  res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
  res.setHeader(
    "access-control-allow-headers",
    `authorization, content-type, apollo-require-preflight, x-apollo-operation-name, ${CUSTOMER_TOKEN_HEADER}, ${OBSERVABILITY_HEADERS}`,
  );
  // The request id a support engineer asks a user for.
  res.setHeader("access-control-expose-headers", "x-request-id");
  res.setHeader("access-control-max-age", "600");
}
