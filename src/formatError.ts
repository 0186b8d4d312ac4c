import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import { internalError, PartnerGraphError } from "./errors";
import { describeError, type Logger } from "./log";

/** Codes Apollo Server itself gives to request errors; they are safe and stable, so they pass. */
const APOLLO_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
]);

/**
 * The one place any error becomes what a client sees: our typed errors pass with their code and
 * details; Apollo's request errors pass; anything else is logged and masked.
 */
export function createFormatError(log: Logger, options: { hideSuggestions?: boolean } = {}): FormatError {
  // Production: "Did you mean …?" maps the schema for whoever probes it. Apollo's
  // hideSchemaDetailsFromClientErrors covers validation; variable coercion (enum values) ends up here.
  const shown = options.hideSuggestions ? (m: string) => m.replace(/ ?Did you mean .+?\?/g, "").trim() : (m: string) => m;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof PartnerGraphError) {
      return { message: original.message, path: formatted.path, locations: formatted.locations, extensions: withoutHttp(original.extensions) };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && APOLLO_CODES.has(code) && !(original instanceof Error && !(original instanceof GraphQLError))) {
      return { message: shown(formatted.message), path: formatted.path, locations: formatted.locations, extensions: { code } };
    }
    if (isApolloRequestError(original)) {
      return { message: shown(formatted.message), path: formatted.path, locations: formatted.locations, extensions: { code: "BAD_REQUEST" } };
    }
    log.error({ err: describeError(original), path: formatted.path }, "unexpected error, masked for the client");
    const masked = internalError();
    return { message: masked.message, path: formatted.path, locations: formatted.locations, extensions: { code: masked.code } };
  };
}

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * A request Apollo Server refused before execution with a 4xx but no code (e.g. an APQ hash that does
 * not match its query: a plain GraphQLError carrying only `extensions.http`). The client's fault, so it
 * is answered as BAD_REQUEST with Apollo's own message, not masked as our defect.
 */
function isApolloRequestError(err: unknown): boolean {
  if (!(err instanceof GraphQLError) || err.originalError || err.extensions?.code !== undefined) return false;
  const status = (err.extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

function withoutHttp(ext: Record<string, unknown>): Record<string, unknown> {
  const { http: _http, ...rest } = ext;
  return rest;
}
