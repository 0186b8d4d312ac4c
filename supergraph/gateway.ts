import type { IncomingHttpHeaders } from "node:http";
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { GraphQLError } from "graphql";
import { QUIET } from "./quietLogger";
import { requestIdOf } from "../src/observability/requestLog";

/**
 * Request headers the gateway passes from the client to every subgraph, as supergraph/router.yaml has
 * the Router do: the caller's bearer token (Partner Graph authorises each request by it) and the trace
 * and correlation headers (W3C trace context; the request id both subgraphs log). Nothing else crosses:
 * no cookie, no other client header. `apollo-federation-include-trace` is the gateway's own, set when it
 * wants ftv1 traces.
 */
export const FORWARDED_HEADERS = ["authorization", "traceparent", "tracestate", "x-request-id"] as const;

interface GatewayContext {
  forwarded: Record<string, string>;
}

/** The headers of FORWARDED_HEADERS the client sent, and a request id. */
export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = headers[name];
    if (typeof value === "string" && value !== "") forwarded[name] = value;
  }
  // Partner Graph's own rule: an incoming request id passed on if it would keep it, else one made here,
  // so both subgraphs log the same id.
  forwarded["x-request-id"] = requestIdOf(forwarded["x-request-id"]);
  return forwarded;
}

/**
 * Apollo's HTTP data source, plus: the forwarded headers on every subgraph request of an operation,
 * and a subgraph's refusal (a non-2xx answer, like Partner Graph's 401 for a bad token) passed on as
 * the subgraph's own error and code, instead of the default error that carries the subgraph's internal
 * URL and whole response body to the client.
 */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Schema loading and health checks have no client request: nothing to forward.
    const forwarded = "forwarded" in options.context ? (options.context as GatewayContext).forwarded : {};
    for (const [name, value] of Object.entries(forwarded)) options.request.http?.headers.set(name, value);
  }

  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource["errorFromResponse"]>[0]): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => undefined);
    const first = (body as { errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }> } | undefined)?.errors?.[0];
    if (typeof first?.message === "string" && typeof first.extensions?.code === "string") {
      return new GraphQLError(first.message, { extensions: first.extensions });
    }
    const code = response.status === 401 ? "UNAUTHENTICATED" : response.status === 403 ? "FORBIDDEN" : "SUBREQUEST_HTTP_ERROR";
    return new GraphQLError(`A subgraph answered HTTP ${response.status}.`, { extensions: { code } });
  }
}

export interface RunningGateway {
  /** http://127.0.0.1:PORT/ (GraphQL on every path; Apollo Sandbox in a browser). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves @apollo/gateway on 127.0.0.1:`port` (0: any free port) with a static supergraph SDL (no
 * polling, no GraphOS), reaching each subgraph at `subgraphUrls[name]` instead of the URL composed into
 * the SDL, as the Router's override_subgraph_url does.
 */
export async function startGateway(options: { supergraphSdl: string; subgraphUrls: Readonly<Record<string, string>>; port: number }): Promise<RunningGateway> {
  const gateway = new ApolloGateway({
    logger: QUIET,
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => new ForwardingDataSource({ url: options.subgraphUrls[name] ?? url }),
  });
  // stopOnTerminationSignals: the host process owns shutdown (see startBillingSubgraph).
  const server = new ApolloServer<GatewayContext>({ gateway, includeStacktraceInErrorResponses: false, stopOnTerminationSignals: false, logger: QUIET });
  const { url } = await startStandaloneServer(server, {
    listen: { port: options.port, host: "127.0.0.1" },
    context: async ({ req, res }) => {
      const forwarded = forwardedHeaders(req.headers);
      res.setHeader("x-request-id", forwarded["x-request-id"]!);
      return { forwarded };
    },
  });
  return { url, stop: () => server.stop() };
}
