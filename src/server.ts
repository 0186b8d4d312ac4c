import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import type { GraphQLSchema } from "graphql";
import type { Config } from "./config";
import type { RequestContext } from "./context";
import type { FormatError } from "./formatError";
import { costTicketOf } from "./loadShedding";
import { armorValidationRules, operationLimitsPlugin } from "./operationLimits";

/**
 * Apollo Server, started: formatError, the document limits (graphql-js's token limit, graphql-armor's,
 * our estimate) and the admission of each operation's estimated cost on the request's ticket (load
 * shedding). Served by the HTTP front (src/http), which gives each request its context.
 */
export async function createApolloServer(schema: GraphQLSchema, config: Config, formatError: FormatError): Promise<ApolloServer<RequestContext>> {
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: config.introspection ?? config.demoMode,
    // Production: no "Did you mean …?" in validation errors (they map the schema for whoever probes it).
    hideSchemaDetailsFromClientErrors: !config.demoMode,
    // graphql-js's own lexer limit, the same one graphql-armor's max-tokens wraps (Apollo has no parse hook).
    parseOptions: { maxTokens: config.maxOperationTokens },
    validationRules: armorValidationRules({ maxAliases: config.maxOperationAliases, maxDirectives: config.maxOperationDirectives }),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // No cache hints in the schema: the plugin only wrapped every field of every operation (~1,090 closures per S3).
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      partialErrorsPlugin(formatError),
      operationLimitsPlugin<RequestContext>(
        { maxCost: config.maxOperationCost, maxDepth: config.maxOperationDepth, maxRootFields: config.maxOperationRootFields },
        // Load shedding by cost: the ticket takes the operation's estimate once the operation is known
        // and gives it back when its execution has settled (not when the answer left at the deadline).
        (ctx, estimate) => costTicketOf(ctx)?.admit(estimate.cost),
      ),
    ],
  });
  await apollo.start();
  return apollo;
}

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
