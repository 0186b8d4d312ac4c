/**
 * OData v4 `$filter` as Microsoft Graph accepts it: a small lexer, a recursive-descent parser to an
 * AST, an evaluator over Graph JSON objects, and a listing of (property, operator) pairs so the
 * query engine can check them against a resource's spec.
 *
 * Hand-written because the npm OData parsers we tried reject `in`, `not(...)` and lambdas, all of
 * which Graph clients send. Graph is lenient about case: `NOT`, `OR`, `startswith`, `startsWith` all
 * work (the advanced-queries docs use `NOT startsWith(...)` and `... OR startsWith(...)`), so
 * keywords and function names are matched case-insensitively.
 */
import type { FilterOp } from "./types";

export type LiteralType = "string" | "number" | "boolean" | "null" | "guid" | "dateTime" | "enum";

export interface Literal {
  kind: "literal";
  type: LiteralType;
  /** Strings, GUIDs, enums and dates keep their text; `epoch` holds the instant of a dateTime. */
  value: string | number | boolean | null;
  epoch?: number;
}

/** A property path, e.g. `displayName`, `customer/tenantId`, or `c/skuId` inside a lambda over `c`. */
export interface PropertyRef {
  kind: "property";
  /** Segments after the lambda variable when `lambdaVar` is set; otherwise from the item. */
  path: string[];
  lambdaVar?: string;
}

/** `collection/$count`: the length of a collection property. */
export interface CountRef {
  kind: "count";
  path: string[];
}

export type Operand = PropertyRef | CountRef;
export type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
export type FunctionName = "startsWith" | "endsWith" | "contains";

export type FilterNode =
  | { kind: "compare"; op: CompareOp; left: Operand; right: Literal }
  | { kind: "in"; left: Operand; values: Literal[] }
  | { kind: "function"; name: FunctionName; target: Operand; arg: Literal }
  | { kind: "lambda"; op: "any" | "all"; collection: PropertyRef; variable?: string; predicate?: FilterNode }
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; operand: FilterNode };

/** A syntax error; the query engine answers it with 400 `BadRequest` "Invalid filter clause: …". */
export class FilterSyntaxError extends Error {
  constructor(detail: string) {
    super(`Invalid filter clause: ${detail}`);
    this.name = "FilterSyntaxError";
  }
}

// ---------------------------------------------------------------------------------------------
// Lexer

type TokenType = "ident" | "string" | "number" | "guid" | "dateTime" | "enum" | "(" | ")" | "," | "/" | ":" | "eof";

interface Token {
  type: TokenType;
  text: string;
  /** Decoded value for strings (quotes removed, '' unescaped) and enum values. */
  value?: string;
  /** Qualified type name of an enum literal (`microsoft.graph.complianceState'compliant'`). */
  enumType?: string;
  pos: number;
}

// Order matters: a GUID or a date must win over a number or an identifier that starts it.
const GUID_RE = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/y;
const DATE_RE = /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2}))?(?![\w:.-])/y;
const NUMBER_RE = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/y;
const IDENT_RE = /\$?[A-Za-z_][A-Za-z0-9_.]*/y;

function sticky(re: RegExp, text: string, pos: number): string | undefined {
  re.lastIndex = pos;
  return re.exec(text)?.[0];
}

/** Reads a '…' string starting at `pos` (on the opening quote); '' inside is one quote. */
function readString(text: string, pos: number): { value: string; end: number } {
  let value = "";
  let i = pos + 1;
  for (;;) {
    if (i >= text.length) throw new FilterSyntaxError(`Unterminated string literal at position ${pos} in '${text}'.`);
    const ch = text[i];
    if (ch === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += ch;
    i++;
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const ch = text[pos];
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    if ("(),/:".includes(ch)) {
      tokens.push({ type: ch as TokenType, text: ch, pos });
      pos++;
      continue;
    }
    if (ch === "'") {
      const { value, end } = readString(text, pos);
      tokens.push({ type: "string", text: text.slice(pos, end), value, pos });
      pos = end;
      continue;
    }
    const guid = sticky(GUID_RE, text, pos);
    if (guid) {
      tokens.push({ type: "guid", text: guid, pos });
      pos += guid.length;
      continue;
    }
    const date = sticky(DATE_RE, text, pos);
    if (date) {
      tokens.push({ type: "dateTime", text: date, pos });
      pos += date.length;
      continue;
    }
    const num = sticky(NUMBER_RE, text, pos);
    if (num) {
      tokens.push({ type: "number", text: num, pos });
      pos += num.length;
      continue;
    }
    const ident = sticky(IDENT_RE, text, pos);
    if (ident) {
      const end = pos + ident.length;
      // An identifier glued to a string is a qualified enum literal: Namespace.Type'member'.
      if (text[end] === "'" && ident.includes(".")) {
        const { value, end: strEnd } = readString(text, end);
        tokens.push({ type: "enum", text: text.slice(pos, strEnd), value, enumType: ident, pos });
        pos = strEnd;
        continue;
      }
      tokens.push({ type: "ident", text: ident, pos });
      pos = end;
      continue;
    }
    throw new FilterSyntaxError(`Syntax error: character '${ch}' is not valid at position ${pos} in '${text}'.`);
  }
  tokens.push({ type: "eof", text: "", pos: text.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser. Precedence, loosest first: or, and, not, comparison. `not x eq 1` means `not (x eq 1)`,
// which is how Graph reads `NOT startsWith(...)` and `not groupTypes/any(...)`.

const COMPARE_OPS: ReadonlySet<string> = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const FUNCTIONS: Record<string, FunctionName> = {
  startswith: "startsWith",
  endswith: "endsWith",
  contains: "contains",
};

class Parser {
  private i = 0;
  /** Lambda variables in scope, innermost last. */
  private readonly vars: string[] = [];

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): FilterNode {
    const node = this.parseOr();
    if (this.peek().type !== "eof") this.fail(this.peek());
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== "eof") this.i++;
    return t;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === "ident" && t.text.toLowerCase() === word;
  }

  private expect(type: TokenType): Token {
    const t = this.next();
    if (t.type !== type) this.fail(t);
    return t;
  }

  private fail(t: Token): never {
    if (t.type === "eof") throw new FilterSyntaxError(`Syntax error at position ${t.pos} in '${this.text}'.`);
    throw new FilterSyntaxError(`Syntax error: character '${t.text}' is not valid at position ${t.pos} in '${this.text}'.`);
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isKeyword("or")) {
      this.next();
      left = { kind: "or", left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isKeyword("and")) {
      this.next();
      left = { kind: "and", left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    // `not` is a keyword only when an operand follows; a property named "not" would be odd anyway.
    if (this.isKeyword("not") && this.peek(1).type !== "eof") {
      this.next();
      return { kind: "not", operand: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): FilterNode {
    const t = this.peek();
    if (t.type === "(") {
      this.next();
      const inner = this.parseOr();
      this.expect(")");
      return inner;
    }
    if (t.type !== "ident") this.fail(t);
    if (this.peek(1).type === "(") return this.parseFunction();
    const member = this.parseMember();
    if (member.kind === "lambda") return member;
    return this.parseComparison(member);
  }

  private parseFunction(): FilterNode {
    const nameTok = this.next();
    const name = FUNCTIONS[nameTok.text.toLowerCase()];
    if (!name) throw new FilterSyntaxError(`Unknown function '${nameTok.text}' at position ${nameTok.pos} in '${this.text}'.`);
    this.expect("(");
    const target = this.parseMember();
    if (target.kind === "lambda") this.fail(this.peek());
    this.expect(",");
    const arg = this.parseLiteral();
    this.expect(")");
    return { kind: "function", name, target, arg };
  }

  /** `a/b/c`, `a/$count`, `a/any(x: …)`, or a lambda variable `x` / `x/prop`. */
  private parseMember(): Operand | Extract<FilterNode, { kind: "lambda" }> {
    const first = this.expect("ident");
    if (first.text.startsWith("$")) this.fail(first);
    const segments = [first.text];
    const lambdaVar = this.vars.includes(first.text) ? first.text : undefined;
    while (this.peek().type === "/") {
      this.next();
      const seg = this.expect("ident");
      const lower = seg.text.toLowerCase();
      if (seg.text === "$count") return { kind: "count", path: segments };
      if ((lower === "any" || lower === "all") && this.peek().type === "(") {
        if (lambdaVar) this.fail(seg);
        return this.parseLambda(lower, segments);
      }
      if (seg.text.startsWith("$")) this.fail(seg);
      segments.push(seg.text);
    }
    if (lambdaVar) return { kind: "property", path: segments.slice(1), lambdaVar };
    return { kind: "property", path: segments };
  }

  private parseLambda(op: "any" | "all", collection: string[]): Extract<FilterNode, { kind: "lambda" }> {
    this.expect("(");
    const node: Extract<FilterNode, { kind: "lambda" }> = { kind: "lambda", op, collection: { kind: "property", path: collection } };
    if (this.peek().type === ")") {
      this.next();
      return node; // `any()`: the collection is not empty.
    }
    const v = this.expect("ident");
    this.expect(":");
    this.vars.push(v.text);
    node.variable = v.text;
    node.predicate = this.parseOr();
    this.vars.pop();
    this.expect(")");
    return node;
  }

  private parseComparison(left: Operand): FilterNode {
    const opTok = this.next();
    const op = opTok.type === "ident" ? opTok.text.toLowerCase() : "";
    if (COMPARE_OPS.has(op)) {
      return { kind: "compare", op: op as CompareOp, left, right: this.parseLiteral() };
    }
    if (op === "in") {
      if (left.kind === "count") this.fail(opTok);
      this.expect("(");
      const values = [this.parseLiteral()];
      while (this.peek().type === ",") {
        this.next();
        values.push(this.parseLiteral());
      }
      this.expect(")");
      return { kind: "in", left, values };
    }
    this.fail(opTok);
  }

  private parseLiteral(): Literal {
    const t = this.next();
    switch (t.type) {
      case "string":
        return { kind: "literal", type: "string", value: t.value ?? "" };
      case "number":
        return { kind: "literal", type: "number", value: Number(t.text) };
      case "guid":
        return { kind: "literal", type: "guid", value: t.text.toLowerCase() };
      case "enum":
        return { kind: "literal", type: "enum", value: t.value ?? "" };
      case "dateTime": {
        // A bare date (Edm.Date) is taken as midnight UTC.
        const epoch = Date.parse(t.text.length === 10 ? `${t.text}T00:00:00Z` : t.text);
        if (Number.isNaN(epoch)) this.fail(t);
        return { kind: "literal", type: "dateTime", value: t.text, epoch };
      }
      case "ident": {
        const word = t.text.toLowerCase();
        if (word === "true" || word === "false") return { kind: "literal", type: "boolean", value: word === "true" };
        if (word === "null") return { kind: "literal", type: "null", value: null };
        return this.fail(t);
      }
      default:
        return this.fail(t);
    }
  }
}

/** Parses a `$filter` value; throws FilterSyntaxError. */
export function parseFilter(text: string): FilterNode {
  if (text.trim() === "") throw new FilterSyntaxError(`The query specified in the URI is not valid: empty $filter.`);
  return new Parser(text, tokenize(text)).parse();
}

// ---------------------------------------------------------------------------------------------
// Evaluation. String comparisons ignore case, as the directory does.

type Scope = ReadonlyMap<string, unknown>;

function walk(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function resolve(ref: Operand, item: Record<string, unknown>, scope: Scope): unknown {
  if (ref.kind === "count") {
    const v = walk(item, ref.path);
    return Array.isArray(v) ? v.length : 0;
  }
  if (ref.lambdaVar !== undefined) return walk(scope.get(ref.lambdaVar), ref.path);
  return walk(item, ref.path);
}

/** Orders a value against a literal: negative, zero, positive, or undefined when incomparable. */
function compareTo(value: unknown, lit: Literal): number | undefined {
  if (value === null || value === undefined || lit.value === null || Array.isArray(value)) return undefined;
  switch (lit.type) {
    case "dateTime": {
      const t = typeof value === "string" ? Date.parse(value) : NaN;
      return Number.isNaN(t) ? undefined : Math.sign(t - (lit.epoch ?? 0));
    }
    case "number": {
      const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
      return Number.isNaN(n) ? undefined : Math.sign(n - (lit.value as number));
    }
    case "boolean":
      return typeof value === "boolean" ? Number(value) - Number(lit.value) : undefined;
    default: {
      if (typeof value !== "string" && typeof value !== "number") return undefined;
      const a = String(value).toLowerCase();
      const b = String(lit.value).toLowerCase();
      return a < b ? -1 : a > b ? 1 : 0;
    }
  }
}

function compare(op: CompareOp, value: unknown, lit: Literal): boolean {
  const isNull = value === null || value === undefined;
  if (lit.type === "null") {
    if (op === "eq") return isNull;
    if (op === "ne") return !isNull;
    return false;
  }
  const c = compareTo(value, lit);
  switch (op) {
    case "eq":
      return c === 0;
    case "ne":
      return c !== 0; // null ne 'x' is true in OData
    case "gt":
      return c !== undefined && c > 0;
    case "ge":
      return c !== undefined && c >= 0;
    case "lt":
      return c !== undefined && c < 0;
    case "le":
      return c !== undefined && c <= 0;
  }
}

function callFunction(name: FunctionName, value: unknown, lit: Literal): boolean {
  if (typeof value !== "string" || typeof lit.value !== "string") return false;
  const v = value.toLowerCase();
  const a = lit.value.toLowerCase();
  if (name === "startsWith") return v.startsWith(a);
  if (name === "endsWith") return v.endsWith(a);
  return v.includes(a);
}

/** True when `item` satisfies the filter. */
export function evaluate(node: FilterNode, item: Record<string, unknown>, scope: Scope = new Map()): boolean {
  switch (node.kind) {
    case "and":
      return evaluate(node.left, item, scope) && evaluate(node.right, item, scope);
    case "or":
      return evaluate(node.left, item, scope) || evaluate(node.right, item, scope);
    case "not":
      return !evaluate(node.operand, item, scope);
    case "compare":
      return compare(node.op, resolve(node.left, item, scope), node.right);
    case "in": {
      const v = resolve(node.left, item, scope);
      return node.values.some((lit) => compare("eq", v, lit));
    }
    case "function":
      return callFunction(node.name, resolve(node.target, item, scope), node.arg);
    case "lambda": {
      const coll = resolve(node.collection, item, scope);
      if (!Array.isArray(coll)) return false;
      const { predicate, variable } = node;
      if (!predicate || variable === undefined) return coll.length > 0;
      const test = (el: unknown): boolean => evaluate(predicate, item, new Map(scope).set(variable, el));
      return node.op === "any" ? coll.some(test) : coll.every(test);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Analysis for validation against a ResourceSpec.

export interface OperatorUse {
  /** The spec property the operator applies to: the first path segment (of the lambda's collection inside a lambda). */
  property: string;
  op: FilterOp;
  /** Full path from the item, e.g. ["customer", "tenantId"]; inside a lambda, the collection's path. */
  path: string[];
  /** True when the operand is a lambda variable (an element of `property`). */
  viaLambda: boolean;
  /** The literal compared against, for type checks. */
  literal?: Literal;
}

/**
 * Lists every (property, operator) pair the filter uses. `eq null` is reported as `eqNull` and
 * `ne null` as both `ne` and `eqNull`; `not` is reported for every property under the negation;
 * a lambda reports `any`/`all` on its collection and its inner operators on the same collection.
 */
export function usedOperators(root: FilterNode): OperatorUse[] {
  const out: OperatorUse[] = [];
  const lambdaOf = new Map<string, string[]>();

  const target = (ref: Operand): { property: string; path: string[]; viaLambda: boolean } => {
    if (ref.kind === "property" && ref.lambdaVar !== undefined) {
      const coll = lambdaOf.get(ref.lambdaVar) ?? [];
      return { property: coll[0] ?? "", path: coll, viaLambda: true };
    }
    return { property: ref.path[0] ?? "", path: ref.path, viaLambda: false };
  };

  const visit = (node: FilterNode, negated: boolean): void => {
    const emit = (ref: Operand, op: FilterOp, literal?: Literal): void => {
      const t = target(ref);
      out.push({ ...t, op, literal });
      if (negated) out.push({ ...t, op: "not" });
    };
    switch (node.kind) {
      case "and":
        visit(node.left, negated);
        visit(node.right, negated);
        return;
      case "or": {
        // Every property under an `or` is reported with `or` too: Intune allows `or` on enums only.
        const from = out.length;
        visit(node.left, negated);
        visit(node.right, negated);
        const seen = new Set<string>();
        for (const use of out.slice(from)) {
          if (use.op === "or" || seen.has(use.property)) continue;
          seen.add(use.property);
          out.push({ property: use.property, op: "or", path: use.path, viaLambda: use.viaLambda });
        }
        return;
      }
      case "not":
        visit(node.operand, true);
        return;
      case "compare":
        if (node.left.kind === "count") return emit(node.left, "count", node.right);
        if (node.right.type === "null") {
          if (node.op === "ne") emit(node.left, "ne", node.right);
          return emit(node.left, "eqNull", node.right);
        }
        return emit(node.left, node.op, node.right);
      case "in":
        for (const v of node.values) emit(node.left, "in", v);
        return;
      case "function":
        return emit(node.target, node.name, node.arg);
      case "lambda":
        emit(node.collection, node.op);
        if (node.variable !== undefined && node.predicate) {
          lambdaOf.set(node.variable, target(node.collection).path);
          visit(node.predicate, negated);
          lambdaOf.delete(node.variable);
        }
        return;
    }
  };
  visit(root, false);
  return out;
}

/**
 * Rewrites property names in place (Graph matches property names case-insensitively; evaluation
 * needs the exact key). `rename` returns the canonical name or null when unknown; the first unknown
 * name is returned so the caller can answer 400. Only the first segment of an item path is
 * renamed: inner segments of complex values are taken as written.
 */
export function renameProperties(root: FilterNode, rename: (name: string) => string | null): string | null {
  let unknown: string | null = null;
  const fix = (ref: Operand): void => {
    if (ref.kind === "property" && ref.lambdaVar !== undefined) return;
    const canonical = rename(ref.path[0]);
    if (canonical === null) unknown ??= ref.path[0];
    else ref.path[0] = canonical;
  };
  const visit = (node: FilterNode): void => {
    switch (node.kind) {
      case "and":
      case "or":
        visit(node.left);
        visit(node.right);
        return;
      case "not":
        visit(node.operand);
        return;
      case "compare":
      case "in":
        fix(node.left);
        return;
      case "function":
        fix(node.target);
        return;
      case "lambda":
        fix(node.collection);
        if (node.predicate) visit(node.predicate);
        return;
    }
  };
  visit(root);
  return unknown;
}
