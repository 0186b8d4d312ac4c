/**
 * Error results of the query engine and the Graph messages they carry (docs/graph-facts.md §4, §6). The
 * router wraps them in Graph's error body; clients branch on `code`, so codes follow Graph exactly
 * and messages follow it where it is documented.
 */
import type { ResourceSpec } from "./types";

export interface QueryError {
  ok: false;
  status: number;
  code: string;
  message: string;
}

export const queryError = (status: number, code: string, message: string): QueryError => ({ ok: false, status, code, message });

export const isQueryError = (v: unknown): v is QueryError => typeof v === "object" && v !== null && (v as { ok?: unknown }).ok === false;

export const badRequest = (message: string): QueryError => queryError(400, "Request_BadRequest", message);
export const unsupported = (message: string): QueryError => queryError(400, "Request_UnsupportedQuery", message);

export const unknownProperty = (name: string, spec: ResourceSpec): QueryError =>
  badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.${spec.entityType}'.`);

export const unsupportedFilter = (property: string, spec: ResourceSpec): QueryError =>
  queryError(
    400,
    spec.unsupportedFilterCode ?? "Request_UnsupportedQuery",
    `Unsupported or invalid query filter clause specified for property '${property}' of resource '${spec.resourceName}'.`,
  );

export const advancedRequired = (operator: string): QueryError =>
  unsupported(
    `Operator '${operator}' is not supported because the required parameters might be missing. ` +
      "Try adding $count=true query parameter and ConsistencyLevel:eventual header. " +
      "Refer to https://aka.ms/graph-docs/advanced-queries for more information",
  );

export const SEARCH_NEEDS_HEADER =
  "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'";
export const COUNT_NOT_SUPPORTED = "$count is not currently supported.";
export const SORTING_NOT_SUPPORTED = "Sorting not supported for current query.";
