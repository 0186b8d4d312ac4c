import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import type { GraphQLSchema } from "graphql";
import type { Server } from "node:http";
import { productionSwitches, type Config } from "./config";
import type { RequestContext } from "./context";
import type { FormatError } from "./formatError";
import { costTicketOf } from "./loadShedding";
import { inlineTracePlugin, operationTracePlugin } from "./observability/apolloPlugins";
import { armorValidationRules, operationLimitsPlugin } from "./operationLimits";

/**
 * Apollo Server, not started yet (see startApolloServer): formatError, the document limits (graphql-js's
 * token limit, graphql-armor's, our estimate), the admission of each operation's estimated cost on the
 * request's ticket (load shedding) and the production switches. Served by the HTTP front (src/http),
 * which gives each request its context.
 */
export function createApolloServer(schema: GraphQLSchema, config: Config, formatError: FormatError): ApolloServer<RequestContext> {
  const switches = productionSwitches(config);
  return new ApolloServer<RequestContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: switches.introspection,
    // Production: no "Did you mean …?" in validation errors (they map the schema for whoever probes it).
    hideSchemaDetailsFromClientErrors: !switches.suggestions,
    // Signals are the entry's (src/serve.ts): it marks the process unready, waits, then stops Apollo,
    // which drains the HTTP front. Apollo's own handlers would stop it at once and re-raise the signal.
    stopOnTerminationSignals: false,
    // graphql-js's own lexer limit, the same one graphql-armor's max-tokens wraps (Apollo has no parse hook).
    parseOptions: { maxTokens: config.maxOperationTokens },
    validationRules: armorValidationRules({ maxAliases: config.maxOperationAliases, maxDirectives: config.maxOperationDirectives }),
    plugins: [
      // ftv1 for the routers that ask (apollo-federation-include-trace), errors masked to their code.
      inlineTracePlugin(),
      // Production: no landing page at all. The production default page would load Apollo's scripts from
      // their CDN on this origin to point at a Studio graph this subgraph does not have; without one, a
      // browser's GET / gets GraphQL's own JSON 400, like any other client.
      switches.landingPage === "sandbox"
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
      // No cache hints in the schema: the plugin only wrapped every field of every operation (~1,090 closures per S3).
      ApolloServerPluginCacheControlDisabled(),
      partialErrorsPlugin(formatError),
      // After partialErrorsPlugin: it reads the answer's errors once they are all there.
      operationTracePlugin<RequestContext>(),
      operationLimitsPlugin<RequestContext>(
        { maxCost: config.maxOperationCost, maxDepth: config.maxOperationDepth, maxRootFields: config.maxOperationRootFields },
        // Load shedding by cost: the ticket takes the operation's estimate once the operation is known
        // and gives it back when its execution has settled (not when the answer left at the deadline).
        (ctx, estimate) => costTicketOf(ctx)?.admit(estimate.cost),
      ),
    ],
  });
}

/**
 * Starts Apollo with the drain of the HTTP front that serves it: `apollo.stop()` then closes the
 * listener, ends idle keep-alive connections, lets the operations in flight answer, and destroys what
 * is left after the grace period — the shutdown bound less its delay and a second for closing the rest.
 */
export async function startApolloServer(apollo: ApolloServer<RequestContext>, httpServer: Server, config: Config): Promise<void> {
  const stopGracePeriodMillis = Math.max(0, config.shutdownTimeoutMs - config.shutdownDelayMs - CLOSE_MARGIN_MS);
  apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis }));
  await apollo.start();
}

/** Of the shutdown bound, what closing the connections to Graph, Redis (and the demo's cloud) after the drain may take. */
const CLOSE_MARGIN_MS = 1_000;

/**
 * Errors a resolver reports beside the data it returns (a partner tenant whose customers could not be
 * listed while the others could): appended to the response's errors, shaped like the others.
 */
function partialErrorsPlugin(format: FormatError): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single" || !contextValue.partialErrors?.length) return;
          // Through the same formatError as every other error: ours pass, anything else is masked and logged.
          const extra = contextValue.partialErrors.map((e) => format(e.toJSON(), e));
          response.body.singleResult.errors = [...(response.body.singleResult.errors ?? []), ...extra];
        },
      };
    },
  };
}
