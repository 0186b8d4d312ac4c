import { badInput } from "../errors";

/**
 * Builds Graph query strings from typed options. Every literal goes through `odataString`, and every
 * value is percent-encoded here, because the Graph SDK passes query strings through untouched.
 */
export interface ODataQuery {
  select?: readonly string[];
  filter?: string;
  search?: string;
  orderBy?: string;
  top?: number;
  count?: boolean;
  skiptoken?: string;
  /** The filter or order uses an advanced query (ne, not, endsWith, …): Graph needs $count=true and ConsistencyLevel. */
  advanced?: boolean;
}

/** A UTF-16 surrogate without its pair: no UTF-8 (so no URL) can carry it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses text that cannot be percent-encoded: a lone surrogate (`"\ud800"` is valid JSON) would
 * otherwise make `encodeURIComponent` throw a URIError deep in URL building.
 */
export function checkWellFormed(value: string, argument?: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw badInput("A string argument holds an unpaired UTF-16 surrogate (not valid Unicode text).", argument ? { argument } : {});
  }
  return value;
}

export function odataString(value: string): string {
  return `'${checkWellFormed(value).replace(/'/g, "''")}'`;
}

export function buildQuery(q: ODataQuery): string {
  const parts: string[] = [];
  if (q.select?.length) parts.push(`$select=${enc(q.select.join(","))}`);
  if (q.filter) parts.push(`$filter=${enc(q.filter)}`);
  if (q.search) parts.push(`$search=${enc(q.search)}`);
  if (q.orderBy) parts.push(`$orderby=${enc(q.orderBy)}`);
  if (q.count || q.advanced) parts.push("$count=true");
  if (q.top !== undefined) parts.push(`$top=${q.top}`);
  if (q.skiptoken) parts.push(`$skiptoken=${enc(q.skiptoken)}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

/** Whether Graph needs `ConsistencyLevel: eventual` for this query (docs/graph-facts.md §4, advanced queries). */
export function needsEventualConsistency(q: ODataQuery): boolean {
  return Boolean(q.count || q.search || q.advanced);
}

/** The `$skiptoken` of an `@odata.nextLink`, which is all we keep of it: we rebuild URLs ourselves. */
export function skiptokenOf(nextLink: string | undefined): string | undefined {
  if (!nextLink) return undefined;
  try {
    return new URL(nextLink).searchParams.get("$skiptoken") ?? undefined;
  } catch {
    return undefined;
  }
}

function enc(v: string): string {
  return encodeURIComponent(checkWellFormed(v)).replace(/'/g, "%27");
}
