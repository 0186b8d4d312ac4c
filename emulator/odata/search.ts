/**
 * `$search` for directory objects (docs/graph-facts.md §4): clauses `"property:text"` in double quotes,
 * joined by upper-case AND / OR, grouped with parentheses. displayName and description are
 * matched by tokens (every search token must be a prefix of a token of the value); other string
 * properties match like startsWith.
 */

export type SearchNode = { kind: "term"; property: string; text: string } | { kind: "and" | "or"; left: SearchNode; right: SearchNode };

export class SearchSyntaxError extends Error {}

type Tok = { t: "term"; property: string; text: string } | { t: "AND" | "OR" | "(" | ")" };

function lex(raw: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "(" || ch === ")") {
      out.push({ t: ch });
      i++;
    } else if (ch === '"') {
      const end = raw.indexOf('"', i + 1);
      if (end < 0) throw new SearchSyntaxError("Unterminated quoted clause in $search.");
      const clause = raw.slice(i + 1, end);
      const colon = clause.indexOf(":");
      const property = colon < 0 ? "" : clause.slice(0, colon).trim();
      const text = colon < 0 ? "" : clause.slice(colon + 1).trim();
      if (!property || !text) throw new SearchSyntaxError(`Invalid $search clause '"${clause}"': expected "property:text".`);
      out.push({ t: "term", property, text });
      i = end + 1;
    } else if (raw.startsWith("AND", i) || raw.startsWith("OR", i)) {
      const word = raw.startsWith("AND", i) ? "AND" : "OR";
      out.push({ t: word });
      i += word.length;
    } else {
      throw new SearchSyntaxError(`Syntax error in $search at position ${i}: clauses must be in double quotes.`);
    }
  }
  return out;
}

/** Parses a `$search` value; throws SearchSyntaxError. AND binds tighter than OR. */
export function parseSearch(raw: string): SearchNode {
  const toks = lex(raw);
  let i = 0;
  const fail = (): never => {
    throw new SearchSyntaxError(`Syntax error in $search '${raw}'.`);
  };
  const primary = (): SearchNode => {
    const tok = toks[i++];
    if (!tok) return fail();
    if (tok.t === "term") return { kind: "term", property: tok.property, text: tok.text };
    if (tok.t !== "(") return fail();
    const inner = or();
    if (toks[i++]?.t !== ")") fail();
    return inner;
  };
  const and = (): SearchNode => {
    let left = primary();
    while (toks[i]?.t === "AND") {
      i++;
      left = { kind: "and", left, right: primary() };
    }
    return left;
  };
  const or = (): SearchNode => {
    let left = and();
    while (toks[i]?.t === "OR") {
      i++;
      left = { kind: "or", left, right: and() };
    }
    return left;
  };
  const node = or();
  if (i !== toks.length) fail();
  return node;
}

export function searchTerms(node: SearchNode): Extract<SearchNode, { kind: "term" }>[] {
  return node.kind === "term" ? [node] : [...searchTerms(node.left), ...searchTerms(node.right)];
}

// Splits on spaces and symbols, before an upper-case letter that follows a lower-case one, and
// around digit runs: "ContosoHR-Team2024" -> contoso, hr, team, 2024.
const WORD_RE = /\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lo}+|\p{N}+/gu;

export function searchTokens(text: string): string[] {
  return (text.match(WORD_RE) ?? []).map((w) => w.toLowerCase());
}

function matchValue(mode: "tokenized" | "prefix", value: unknown, text: string): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => {
    if (typeof v !== "string") return false;
    if (mode === "prefix") return v.toLowerCase().startsWith(text.toLowerCase());
    const want = searchTokens(text);
    const have = searchTokens(v);
    return want.length > 0 && want.every((w) => have.some((h) => h.startsWith(w)));
  });
}

/** `modeOf` gives the search kind of a (canonical) property name. */
export function matchSearch(node: SearchNode, item: Record<string, unknown>, modeOf: (property: string) => "tokenized" | "prefix"): boolean {
  if (node.kind !== "term") {
    const left = matchSearch(node.left, item, modeOf);
    if (node.kind === "and" ? !left : left) return left;
    return matchSearch(node.right, item, modeOf);
  }
  return matchValue(modeOf(node.property), item[node.property], node.text);
}
