import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { ApolloServerPluginInlineTrace } from "@apollo/server/plugin/inlineTrace";
import { GraphQLError } from "graphql";
import { PartnerGraphError } from "../errors";
import type { CallerFacts, OperationTrace } from "./operationTrace";

/**
 * Where a request's OperationTrace rides on its context: a symbol key, because Apollo copies the
 * context object (Object.assign keeps symbol keys). Only the HTTP front puts it there and only the
 * plugin below reads it: resolvers cannot (src/resolvers may not import src/observability).
 */
const OPERATION_TRACE = Symbol("operation trace");

export function withOperationTrace<C extends object>(context: C, trace: OperationTrace | undefined): C {
  return trace ? Object.assign(context, { [OPERATION_TRACE]: trace }) : context;
}

function operationTraceOf(context: object): OperationTrace | undefined {
  return (context as { [OPERATION_TRACE]?: OperationTrace })[OPERATION_TRACE];
}

/**
 * Tells the operation's recorder what only Apollo knows: who the caller is, the operation's name and
 * type, the errors of the answer (formatted: what the client saw). Adds `extensions.graph` when the
 * caller asked for it. Request-level hooks only: nothing runs per field.
 */
export function operationTracePlugin<C extends { caller?: CallerFacts }>(): ApolloServerPlugin<C> {
  // One hook per request (each async hook Apollo awaits costs a few µs on every operation).
  const listener: GraphQLRequestListener<C> = {
    async willSendResponse({ contextValue, request, operationName, operation, response }) {
      const trace = operationTraceOf(contextValue);
      if (!trace || response.body.kind !== "single") return;
      if (contextValue.caller) trace.identify(contextValue.caller);
      trace.named(operationName ?? request.operationName, operation?.operation);
      const result = response.body.singleResult;
      trace.answered(result.errors, result.data !== undefined && result.data !== null);
      if (trace.humanTrace) (result.extensions ??= {}).graph = trace.graphExtension();
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}

/**
 * Inline federation traces (ftv1) for the requests whose router asks (`apollo-federation-include-trace:
 * ftv1`); none otherwise (no per-field hook runs then). Errors in the trace are masked to their code:
 * the trace leaves for the router and Apollo's reporting, and a message may name a tenant or a path.
 */
export function inlineTracePlugin(): ApolloServerPlugin {
  const inline = ApolloServerPluginInlineTrace({ includeErrors: { transform: maskedForTrace } });
  // Apollo's plugin builds its trace tree before it looks at the header; without the header, nothing
  // is built here. Spread, it keeps its internal id, so Apollo does not install a second one.
  return {
    ...inline,
    async requestDidStart(ctx) {
      if (ctx.request.http?.headers.get("apollo-federation-include-trace") !== "ftv1") return;
      return inline.requestDidStart?.(ctx);
    },
  };
}

export function maskedForTrace(err: GraphQLError): GraphQLError {
  const original = unwrapResolverError(err);
  const code = original instanceof PartnerGraphError ? original.code : typeof err.extensions?.code === "string" ? err.extensions.code : "INTERNAL_SERVER_ERROR";
  return new GraphQLError("<masked>", { extensions: { code } });
}
