import { badInput } from "../../errors";
import { checkWellFormed, odataString } from "../odata";

/**
 * The pieces typed filter inputs compile into. Clients never send OData: each typed input field maps
 * to one clause built here, every string literal goes through `odataString`, and each clause records
 * whether Graph treats it as an advanced query (docs/graph-facts.md §4: ne, not, endsWith, eq null, lambda
 * negation and most $orderby need `ConsistencyLevel: eventual` and `$count=true` on directory objects).
 */
export interface CompiledQuery {
  filter?: string;
  search?: string;
  orderBy?: string;
  /** Graph needs the advanced-query header and `$count=true` for this query. */
  advanced: boolean;
}

/** An order on one property, as the schema's `*Order` inputs give it. */
export interface SortOrder<F extends string> {
  field: F;
  direction: "ASC" | "DESC";
}

/** Graph limits `in` to 15 values by default (Learn: filter-query-parameter, "in" operator note). */
export const MAX_IN_VALUES = 15;

/** Collects `and`-joined clauses and whether any of them is an advanced query. */
export class FilterBuilder {
  private readonly clauses: Array<{ text: string; disjunction: boolean }> = [];
  advanced = false;

  add(clause: string, advanced = false, disjunction = false): this {
    this.clauses.push({ text: clause, disjunction });
    if (advanced) this.advanced = true;
    return this;
  }

  eq(property: string, value: string | boolean | null | undefined): this {
    if (value === undefined) return this;
    if (value === null) return this.add(`${property} eq null`, true);
    return this.add(`${property} eq ${literal(value)}`);
  }

  ne(property: string, value: string | boolean | null): this {
    return this.add(`${property} ne ${value === null ? "null" : literal(value)}`, true);
  }

  in(property: string, values: readonly string[] | null | undefined, argument: string): this {
    if (!values) return this;
    if (values.length === 0) throw badInput(`'${argument}' needs at least one value.`, { argument });
    if (values.length > MAX_IN_VALUES) throw badInput(`'${argument}' takes at most ${MAX_IN_VALUES} values.`, { argument });
    if (values.length === 1) return this.eq(property, values[0]);
    return this.add(`${property} in (${values.map(odataString).join(",")})`);
  }

  /**
   * Any of these values as `p eq 'a' or p eq 'b'`: for services documenting `or` but not `in` (Intune
   * enums, docs/graph-facts.md §4). Parenthesised only when other clauses are `and`-ed to it.
   */
  eqAny(property: string, values: readonly string[] | null | undefined, argument: string): this {
    if (!values) return this;
    if (values.length === 0) throw badInput(`'${argument}' needs at least one value.`, { argument });
    if (values.length > MAX_IN_VALUES) throw badInput(`'${argument}' takes at most ${MAX_IN_VALUES} values.`, { argument });
    const distinct = [...new Set(values)];
    if (distinct.length === 1) return this.eq(property, distinct[0]);
    return this.add(distinct.map((v) => `${property} eq ${odataString(v)}`).join(" or "), false, true);
  }

  startsWith(property: string, prefix: string | null | undefined, argument: string): this {
    if (prefix === undefined || prefix === null) return this;
    if (prefix === "") throw badInput(`'${argument}' must not be empty.`, { argument });
    return this.add(`startsWith(${property},${odataString(prefix)})`);
  }

  endsWith(property: string, suffix: string | null | undefined, argument: string): this {
    if (suffix === undefined || suffix === null) return this;
    if (suffix === "") throw badInput(`'${argument}' must not be empty.`, { argument });
    return this.add(`endsWith(${property},${odataString(suffix)})`, true);
  }

  contains(property: string, text: string | null | undefined, argument: string): this {
    if (text === undefined || text === null) return this;
    if (text === "") throw badInput(`'${argument}' must not be empty.`, { argument });
    return this.add(`contains(${property},${odataString(text)})`);
  }

  /** `ge`/`le` on a date-time; DateTimeOffset literals are written bare in OData. */
  range(property: string, after: Date | null | undefined, before: Date | null | undefined): this {
    if (after) this.add(`${property} ge ${dateLiteral(after)}`);
    if (before) this.add(`${property} le ${dateLiteral(before)}`);
    return this;
  }

  /** `collection/any(c:c eq 'v')`, or its negation (an advanced query). */
  any(collection: string, value: string, negate = false): this {
    const clause = `${collection}/any(c:c eq ${odataString(value)})`;
    return negate ? this.add(`not ${clause}`, true) : this.add(clause);
  }

  build(): string | undefined {
    if (this.clauses.length === 0) return undefined;
    if (this.clauses.length === 1) return this.clauses[0]!.text;
    return this.clauses.map((c) => (c.disjunction ? `(${c.text})` : c.text)).join(" and ");
  }
}

function literal(value: string | boolean): string {
  return typeof value === "boolean" ? String(value) : odataString(value);
}

function dateLiteral(d: Date): string {
  if (Number.isNaN(d.getTime())) throw badInput("Invalid date-time.");
  return d.toISOString();
}

/**
 * A `$search` over some properties of a directory resource, from one plain term: `"p1:term" OR
 * "p2:term"`. Graph's `$search` clauses are double-quoted with no escape, so a term holding a double
 * quote or a backslash is refused rather than let it close the clause.
 */
export function searchClause(term: string | null | undefined, properties: readonly string[]): string | undefined {
  if (term === undefined || term === null) return undefined;
  const text = checkWellFormed(term, "search").trim();
  if (text === "") throw badInput("'search' must not be empty.", { argument: "search" });
  if (text.length > 200) throw badInput("'search' is at most 200 characters.", { argument: "search" });
  if (/["\\]/.test(text)) throw badInput("'search' may not contain double quotes or backslashes.", { argument: "search" });
  return properties.map((p) => `"${p}:${text}"`).join(" OR ");
}

/** `$orderby` of one property. */
export function orderClause(property: string, descending: boolean): string {
  return `${property} ${descending ? "desc" : "asc"}`;
}

/**
 * Puts a directory query together. On directory objects `$filter` with `$orderby` is itself an
 * advanced query (docs/graph-facts.md §4, aad-advanced-queries); so is an order on a property Graph sorts
 * only with advanced queries.
 */
export function directoryQuery(parts: { filter: FilterBuilder; search?: string; orderBy?: { clause: string; advanced: boolean } }): CompiledQuery {
  const filter = parts.filter.build();
  const orderBy = parts.orderBy?.clause;
  const advanced = parts.filter.advanced || Boolean(parts.orderBy?.advanced) || (filter !== undefined && orderBy !== undefined);
  return { filter, search: parts.search, orderBy, advanced };
}
