import fc from "fast-check";
import {
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";

/**
 * fast-check arbitraries of GraphQL requests built from the subgraph's schema: random fields,
 * arguments (inline or as variables), aliases, fragments, directives and `_entities`
 * representations of random shapes, with hostile values (lone surrogates, huge and negative ints,
 * bad cursors, unknown types), plus raw garbage bodies. Values are small trees that fast-check
 * can shrink; `toHttpRequest` prints one into what goes on the wire.
 */

/** Real identifiers and cursors of the running world, so that some requests reach Graph. */
export interface FuzzPools {
  /** Customer tenant ids the agent reaches. */
  tenantIds: string[];
  /** Object ids and sign-in names in those tenants. */
  ids: string[];
  cursors: string[];
}

// --- the request tree -------------------------------------------------------------------------

type Lit =
  | { k: "str"; v: string }
  | { k: "num"; v: number }
  | { k: "raw"; v: string } // printed as is: 99999999999999999999, 1e400, an enum name
  | { k: "bool"; v: boolean }
  | { k: "null" }
  | { k: "list"; v: Lit[] }
  | { k: "obj"; v: Array<[string, Lit]> };

/** An argument value: a literal in the document, or a variable whose JSON value is sent beside it. */
type Val = { k: "lit"; v: Lit } | { k: "var"; type: string; json: unknown; omitValue: boolean };

interface Dir {
  name: string;
  args: Array<[string, Val]>;
}

type Sel =
  | { k: "field"; name: string; alias: string | null; args: Array<[string, Val]>; dirs: Dir[]; sub: Sel[] | null }
  | { k: "inline"; on: string | null; dirs: Dir[]; sub: Sel[] }
  | { k: "spread"; on: string; dirs: Dir[]; sub: Sel[] };

export type FuzzRequest =
  | {
      kind: "document";
      op: "query" | "mutation" | "subscription";
      sel: Sel[];
      operationName: string | null;
      extraVariables: unknown;
      mangle: Array<[number, string]>;
    }
  | { kind: "entities"; reps: unknown[]; inline: boolean; sel: Sel[] }
  | { kind: "json"; body: unknown }
  | { kind: "text"; contentType: string; body: string }
  | { kind: "get"; search: string }
  | { kind: "oversized"; bytes: number }
  | { kind: "header"; authorization: string };

export interface HttpRequest {
  method: "GET" | "POST";
  search: string;
  headers: Record<string, string>;
  body?: string;
}

// --- printing ---------------------------------------------------------------------------------

function printLit(l: Lit): string {
  switch (l.k) {
    case "str":
      return JSON.stringify(l.v);
    case "num":
      return Number.isFinite(l.v) ? String(l.v) : "0";
    case "raw":
      return l.v;
    case "bool":
      return String(l.v);
    case "null":
      return "null";
    case "list":
      return `[${l.v.map(printLit).join(", ")}]`;
    case "obj":
      return `{${l.v.map(([k, v]) => `${k}: ${printLit(v)}`).join(", ")}}`;
  }
}

class Printer {
  readonly vars: Array<{ name: string; type: string }> = [];
  readonly values: Record<string, unknown> = {};
  readonly fragments: string[] = [];

  val(v: Val): string {
    if (v.k === "lit") return printLit(v.v);
    const name = `v${this.vars.length}`;
    this.vars.push({ name, type: v.type });
    if (!v.omitValue) this.values[name] = v.json;
    return `$${name}`;
  }

  args(args: Array<[string, Val]>): string {
    return args.length ? `(${args.map(([n, v]) => `${n}: ${this.val(v)}`).join(", ")})` : "";
  }

  dirs(dirs: Dir[]): string {
    return dirs.map((d) => ` @${d.name}${this.args(d.args)}`).join("");
  }

  sels(sels: Sel[]): string {
    // The same field twice with other arguments is a validation error that would hide the rest of
    // the document: a repeated response key without an explicit alias gets one.
    const keys = new Set<string>();
    const unique = sels.map((s, i) => {
      if (s.k !== "field" || s.alias) return s;
      if (!keys.has(s.name)) return (keys.add(s.name), s);
      return { ...s, alias: `${s.name}_${i}` };
    });
    return `{ ${unique.map((s) => this.sel(s)).join(" ")} }`;
  }

  sel(s: Sel): string {
    switch (s.k) {
      case "field":
        return `${s.alias ? `${s.alias}: ` : ""}${s.name}${this.args(s.args)}${this.dirs(s.dirs)}${s.sub ? ` ${this.sels(s.sub)}` : ""}`;
      case "inline":
        return `...${s.on ? ` on ${s.on}` : ""}${this.dirs(s.dirs)} ${this.sels(s.sub)}`;
      case "spread": {
        const name = `F${this.fragments.length}`;
        this.fragments.push("");
        const index = this.fragments.length - 1;
        this.fragments[index] = `fragment ${name} on ${s.on} ${this.sels(s.sub)}`;
        return `...${name}${this.dirs(s.dirs)}`;
      }
    }
  }

  document(op: string, name: string | null, sel: Sel[]): string {
    const body = this.sels(sel);
    const head = this.vars.length ? `(${this.vars.map((v) => `$${v.name}: ${v.type}`).join(", ")})` : "";
    return [`${op}${name ? ` ${name}` : ""}${head} ${body}`, ...this.fragments].join("\n");
  }
}

/** The request as sent: method, query string, headers and body. */
export function toHttpRequest(r: FuzzRequest): HttpRequest {
  const json = (body: unknown): HttpRequest => ({ method: "POST", search: "", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  switch (r.kind) {
    case "document": {
      const p = new Printer();
      let query = p.document(r.op, r.operationName === "Op" ? "Op" : null, r.sel);
      for (const [at, text] of r.mangle) {
        const i = Math.floor(at * query.length);
        query = query.slice(0, i) + text + query.slice(i + (text ? 0 : 1));
      }
      const variables =
        r.extraVariables === undefined
          ? p.values
          : typeof r.extraVariables === "object" && r.extraVariables && !Array.isArray(r.extraVariables)
            ? { ...p.values, ...r.extraVariables }
            : r.extraVariables;
      return json({ query, variables, ...(r.operationName ? { operationName: r.operationName } : {}) });
    }
    case "entities": {
      const p = new Printer();
      const reps = r.inline ? null : r.reps;
      const selection = p.sels(r.sel);
      const arg = r.inline ? jsonAsGraphQL(r.reps) : "$representations";
      const head = [...(r.inline ? [] : ["$representations: [_Any!]!"]), ...p.vars.map((v) => `$${v.name}: ${v.type}`)];
      const query = [`query${head.length ? `(${head.join(", ")})` : ""} { _entities(representations: ${arg}) ${selection} }`, ...p.fragments].join("\n");
      return json({ query, variables: { ...p.values, ...(reps ? { representations: reps } : {}) } });
    }
    case "json":
      return json(r.body);
    case "text":
      return { method: "POST", search: "", headers: { "content-type": r.contentType }, body: r.body };
    case "get":
      return { method: "GET", search: r.search, headers: {} };
    case "oversized":
      return json({ query: `{ __typename }`, variables: { pad: "x".repeat(r.bytes) } });
    case "header":
      return {
        method: "POST",
        search: "",
        headers: { "content-type": "application/json", authorization: r.authorization },
        body: JSON.stringify({ query: "{ me { mode } }" }),
      };
  }
}

/** JSON written as a GraphQL literal (object keys bare, strings JSON-quoted). */
function jsonAsGraphQL(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return `[${v.map(jsonAsGraphQL).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([k]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(k))
      .map(([k, x]) => `${k}: ${jsonAsGraphQL(x)}`)
      .join(", ")}}`;
  }
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "0";
  return JSON.stringify(v);
}

// --- arbitraries ------------------------------------------------------------------------------

const MAX_DEPTH = 6;

export function fuzzRequestArbitrary(schema: GraphQLSchema, pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  const typeNames = Object.keys(schema.getTypeMap()).filter((n) => !n.startsWith("__"));
  const unknownType = fc.constantFrom("Nope", "", "Query", "__Schema", "customer", "User ", "_Any", "Customer!", "String");

  /** Strings a careless or hostile client sends: lone surrogates, control characters, OData and URL syntax, long runs. */
  const hostileString = fc.oneof(
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "\ud800",
        "a\udfffb",
        "\udc00\ud800",
        "\u0000",
        "\u202e",
        "%",
        "%00",
        "%ZZ",
        "'",
        "''",
        "\\",
        '"',
        "a'b",
        "' or 1 eq 1 or '",
        "$filter=id eq 'x'",
        "?$top=999",
        "../../users",
        "#",
        "&",
        "+",
        "/",
        "\n",
        "   ",
        "",
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }).map((s) => s.repeat(200)) },
    { weight: 5, arbitrary: fc.constantFrom("Sales", "IT", "Seattle", "US", "a", "admin", "contoso") },
    // A lone surrogate inside an otherwise ordinary value: what a truncated UTF-16 string looks like.
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom("Sales", "a", "IT"), fc.constantFrom("\ud800", "\udfff", "\ud83d")).map(([a, b]) => a + b) },
  );
  const hugeInt = fc.constantFrom("2147483648", "-2147483649", "99999999999999999999", "1e400", "-0", "1.5", "0x10", "NaN");
  const intJson = fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 1, max: 3 }) },
    { weight: 2, arbitrary: fc.constantFrom(0, -1, -50, 999, 1000, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e20, 1.5, Number.MAX_SAFE_INTEGER) },
    { weight: 1, arbitrary: fc.integer() },
  );
  const idString = fc.oneof(
    { weight: 4, arbitrary: pools.tenantIds.length ? fc.constantFrom(...pools.tenantIds) : fc.uuid() },
    { weight: 4, arbitrary: pools.ids.length ? fc.constantFrom(...pools.ids) : fc.uuid() },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileString },
  );
  const cursorString = fc.oneof(
    { weight: 4, arbitrary: pools.cursors.length ? fc.constantFrom(...pools.cursors) : fc.base64String() },
    { weight: 2, arbitrary: fc.base64String({ maxLength: 80 }) },
    { weight: 1, arbitrary: (pools.cursors.length ? fc.constantFrom(...pools.cursors) : fc.base64String()).map((c) => c.slice(0, -3) + "AAA") },
    { weight: 2, arbitrary: hostileString },
  );

  /**
   * The document builders, twice: strict ones make documents that pass validation, so their hostile
   * values (in variables) reach the resolvers; hostile ones also break structure (unknown types and
   * directives, wrong literals, extra arguments), which must be refused cleanly.
   */
  const builders = (strict: boolean) => {
    /** A JSON value for an input type (mostly right, sometimes of the wrong shape). */
    const jsonFor = (type: GraphQLInputType, argName: string, depth = 0): fc.Arbitrary<unknown> => {
      if (isNonNullType(type)) return jsonFor(type.ofType, argName, depth);
      const wrong = fc.oneof(fc.constant(null), fc.constant("x"), fc.constant(7), fc.constant([]), fc.constant({}), fc.constant(true));
      let right: fc.Arbitrary<unknown>;
      if (isListType(type)) {
        const item = jsonFor(type.ofType, argName, depth + 1);
        right = fc.oneof({ weight: 4, arbitrary: fc.array(item, { maxLength: 3 }) }, { weight: 1, arbitrary: item });
      } else if (isEnumType(type)) {
        right = fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) },
          { weight: 1, arbitrary: fc.constantFrom("NOPE", "asc", "") },
        );
      } else if (isInputObjectType(type)) {
        if (depth > 2) return fc.constant({});
        const fields = Object.values(type.getFields());
        right = fc.record(Object.fromEntries(fields.map((f) => [f.name, jsonFor(f.type, f.name, depth + 1)])), { requiredKeys: [] });
      } else {
        right = scalarJson(type.name, argName);
      }
      return strict ? right : fc.oneof({ weight: 8, arbitrary: right }, { weight: 1, arbitrary: wrong });
    };

    const scalarJson = (scalar: string, argName: string): fc.Arbitrary<unknown> => {
      if (argName === "after") return cursorString;
      switch (scalar) {
        case "Int":
          return intJson;
        case "Float":
          return fc.oneof(fc.double(), intJson);
        case "Boolean":
          return fc.boolean();
        case "ID":
          return idString;
        case "DateTimeISO":
          return fc.oneof(
            fc.constantFrom("2024-01-01T00:00:00Z", "2024-13-45T99:99:99Z", "yesterday", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"),
            hostileString,
          );
        case "_Any":
          return representation;
        default:
          return argName === "userName"
            ? fc.oneof(
                idString,
                hostileString.map((s) => `${s}@${s}`),
                fc.constant("someone@contoso.example"),
              )
            : hostileString;
      }
    };

    /** A literal for an input type: the JSON value written inline, or raw text that is no valid value. */
    const literalFor = (type: GraphQLInputType, argName: string): fc.Arbitrary<Lit> => {
      const named = getNamedType(type);
      const raw =
        isScalarType(named) && (named.name === "Int" || named.name === "Float")
          ? hugeInt.map((v): Lit => ({ k: "raw", v }))
          : fc.constant<Lit>({ k: "raw", v: "NOPE" });
      // Inline strings with lone surrogates fail to parse; strict documents carry those in variables.
      const inline = jsonFor(type, argName).map((j) => toLit(j, named, strict));
      return strict ? inline : fc.oneof({ weight: 8, arbitrary: inline }, { weight: 1, arbitrary: raw });
    };

    const argValue = (a: GraphQLArgument): fc.Arbitrary<Val> =>
      fc.oneof(
        { weight: 3, arbitrary: literalFor(a.type, a.name).map((v): Val => ({ k: "lit", v })) },
        {
          weight: 3,
          arbitrary: fc
            .record({
              type: strict
                ? fc.constant(String(a.type))
                : fc.oneof(
                    { weight: 8, arbitrary: fc.constant(String(a.type)) },
                    { weight: 1, arbitrary: fc.constantFrom("Int", "String!", "[ID]", "Nope", "Boolean") },
                  ),
              json: jsonFor(a.type, a.name),
              // Sometimes declared but not sent.
              omitValue: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
            })
            .map((r): Val => ({ k: "var", ...r })),
        },
      );

    /** Arguments of a field: each present or absent (required ones mostly present). */
    const argsOf = (args: readonly GraphQLArgument[], optionalPresence = 0.35): fc.Arbitrary<Array<[string, Val]>> => {
      if (!args.length) return fc.constant([]);
      const each = args.map((a) => {
        const required = isNonNullType(a.type) && a.defaultValue === undefined;
        // `first` is mostly given and small: a missing `first` defaults to 50 at every level.
        const presence = required ? (strict ? 1 : 0.95) : a.name === "first" ? 0.9 : optionalPresence;
        return fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), argValue(a)).map(([p, v]) => (p < presence ? ([a.name, v] as [string, Val]) : null));
      });
      const extra = fc.tuple(
        fc.constantFrom("bogus", "first", "filter"),
        literalFor(schema.getType("String") as GraphQLInputType, "x").map((v): Val => ({ k: "lit", v })),
      );
      const unknown = strict ? fc.constant(null) : fc.oneof({ weight: 10, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: extra });
      return fc.tuple(fc.tuple(...each), unknown).map(([xs, extra]) => [...xs.filter((x): x is [string, Val] => x !== null), ...(extra ? [extra] : [])]);
    };

    const validDirective: fc.Arbitrary<Dir> = fc
      .tuple(
        fc.constantFrom("include", "skip"),
        fc.oneof(
          fc.constant<Val>({ k: "lit", v: { k: "bool", v: true } }),
          fc.constant<Val>({ k: "lit", v: { k: "bool", v: false } }),
          fc.boolean().map((b): Val => ({ k: "var", type: "Boolean!", json: b, omitValue: false })),
        ),
      )
      .map(([name, v]) => ({ name, args: [["if", v]] as Array<[string, Val]> }));
    const directive: fc.Arbitrary<Dir> = fc.oneof(
      { weight: 4, arbitrary: validDirective },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Dir>(
          { name: "include", args: [] },
          { name: "deprecated", args: [] },
          { name: "nope", args: [] },
          { name: "key", args: [["fields", { k: "lit", v: { k: "str", v: "id" } }]] },
          { name: "skip", args: [["if", { k: "lit", v: { k: "str", v: "yes" } }]] },
        ),
      },
    );
    const fewDirectives = strict
      ? fc.oneof({ weight: 10, arbitrary: fc.constant<Dir[]>([]) }, { weight: 1, arbitrary: validDirective.map((d) => [d]) })
      : fc.oneof({ weight: 6, arbitrary: fc.constant<Dir[]>([]) }, { weight: 1, arbitrary: fc.array(directive, { minLength: 1, maxLength: 2 }) });
    const alias = strict
      ? fc.oneof({ weight: 12, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: fc.constantFrom("a1", "b2", "c3") })
      : fc.oneof({ weight: 12, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: fc.constantFrom("a", "b", "id", "__typename", "nodes") });

    const selectionMemo = new Map<string, fc.Arbitrary<Sel[]>>();
    const selectionSet = (type: GraphQLCompositeType, depth: number): fc.Arbitrary<Sel[]> => {
      const key = `${type.name}/${depth}`;
      let arb = selectionMemo.get(key);
      if (!arb) {
        // Deferred: the recursion through the schema is built only as deep as values need it.
        arb = fc.constant(null).chain(() => fc.array(selection(type, depth), { minLength: 1, maxLength: 3 }));
        selectionMemo.set(key, arb);
      }
      return arb;
    };

    const fieldSel = (field: GraphQLField<unknown, unknown>, depth: number): fc.Arbitrary<Sel> => {
      const named = getNamedType(field.type);
      const sub = isCompositeType(named)
        ? depth >= MAX_DEPTH
          ? fc.constant<Sel[]>([{ k: "field", name: "__typename", alias: null, args: [], dirs: [], sub: null }])
          : selectionSet(named, depth + 1)
        : fc.constant(null);
      // Strict documents alias every field with arguments: the same field with other arguments in two
      // fragments of one selection would conflict, a validation error that hides the rest.
      const fieldAlias = strict && field.args.length ? fc.nat(9999).map((n) => `${field.name}${n}`) : alias;
      return fc.record({ alias: fieldAlias, args: argsOf(field.args), dirs: fewDirectives, sub }).map((r): Sel => ({ k: "field", name: field.name, ...r }));
    };

    const selection = (type: GraphQLCompositeType, depth: number): fc.Arbitrary<Sel> => {
      const typename = fc.constant<Sel>({ k: "field", name: "__typename", alias: null, args: [], dirs: [], sub: null });
      const options: Array<fc.WeightedArbitrary<Sel>> = [{ weight: 3, arbitrary: typename }];
      if (isObjectType(type) || "getFields" in type) {
        const fields = Object.values((type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()).filter(
          (f) => !f.name.startsWith("__"),
        );
        // Leaves are cheap; nested lists fan out, so they are drawn less often the deeper they are.
        const leaves = fields.filter((f) => !isCompositeType(getNamedType(f.type)));
        const nested = fields.filter((f) => isCompositeType(getNamedType(f.type)));
        if (leaves.length) options.push({ weight: 18, arbitrary: fc.oneof(...leaves.map((f) => fieldSel(f, depth))) });
        if (nested.length) options.push({ weight: depth < 4 ? 18 : 6, arbitrary: fc.oneof(...nested.map((f) => fieldSel(f, depth))) });
      }
      const possible = isObjectType(type) ? [type] : schema.getPossibleTypes(type as never);
      const possibleNames = fc.constantFrom(...possible.map((t) => t.name));
      const on = strict
        ? possibleNames
        : fc.oneof({ weight: 6, arbitrary: possibleNames }, { weight: 1, arbitrary: fc.constantFrom(...typeNames) }, { weight: 1, arbitrary: unknownType });
      const fragmentBody = (name: string) => {
        const t = schema.getType(name);
        return t && isCompositeType(t) && depth < MAX_DEPTH
          ? selectionSet(t, depth + 1)
          : fc.constant<Sel[]>([{ k: "field", name: "__typename", alias: null, args: [], dirs: [], sub: null }]);
      };
      options.push({
        weight: 3,
        arbitrary: fc.tuple(on, fewDirectives).chain(([name, dirs]) => fragmentBody(name).map((sub): Sel => ({ k: "inline", on: name, dirs, sub }))),
      });
      options.push({
        weight: 3,
        arbitrary: fc.tuple(on, fewDirectives).chain(([name, dirs]) => fragmentBody(name).map((sub): Sel => ({ k: "spread", on: name, dirs, sub }))),
      });
      return fc.oneof(...options);
    };

    /**
     * A list of a customer with most of its arguments given (search, filter, orderBy, after): the
     * path where hostile strings and cursors reach the OData we build. Drawn at random, such lists are
     * rare, since each argument is present at random and any bad one refuses the whole document.
     */
    const customerListProbe = (field: GraphQLField<unknown, unknown>): fc.Arbitrary<Sel> =>
      fc
        .record({ args: argsOf(field.args, 0.8), sub: selectionSet(getNamedType(field.type) as GraphQLCompositeType, 3) })
        .map(({ args, sub }): Sel => ({ k: "field", name: field.name, alias: null, args, dirs: [], sub }));
    return { jsonFor, selectionSet, customerListProbe };
  };
  const strictDocs = builders(true);
  const hostileDocs = builders(false);

  const query = schema.getQueryType()!;
  const keyValue = fc.oneof(
    { weight: 6, arbitrary: idString },
    { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), fc.constant({}), fc.constant([]), fc.boolean(), fc.constant({ id: "x" })) },
  );
  const representation: fc.Arbitrary<unknown> = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record(
        {
          __typename: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom("Customer", "User", "Group", "Device", "ManagedDevice", "Organization") },
            { weight: 1, arbitrary: fc.constantFrom(...typeNames) },
            { weight: 1, arbitrary: unknownType },
            { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), hostileString) },
          ),
          id: keyValue,
          tenantId: keyValue,
          extra: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  const entityTypes = ["Customer", "User", "Group", "Device", "ManagedDevice", "Organization"]
    .map((n) => schema.getType(n))
    .filter((t): t is GraphQLCompositeType => !!t && isCompositeType(t));
  const entitiesSelection = fc.tuple(...entityTypes.map((t) => fc.option(strictDocs.selectionSet(t, 3), { freq: 3 }))).map((subs) => {
    const sel: Sel[] = [{ k: "field", name: "__typename", alias: null, args: [], dirs: [], sub: null }];
    subs.forEach((sub, i) => sub && sel.push({ k: "inline", on: entityTypes[i]!.name, dirs: [], sub }));
    return sel;
  });

  const customerType = schema.getType("Customer") as GraphQLCompositeType & { getFields(): Record<string, GraphQLField<unknown, unknown>> };
  const listFields = Object.values(customerType.getFields()).filter((f) => f.args.some((a) => a.name === "after"));
  const one: Val = { k: "lit", v: { k: "num", v: 1 } };
  const probeDocument: fc.Arbitrary<FuzzRequest> = fc.oneof(...listFields.map((f) => strictDocs.customerListProbe(f))).map((list): FuzzRequest => ({
    kind: "document",
    op: "query",
    operationName: null,
    extraVariables: undefined,
    mangle: [],
    sel: [
      {
        k: "field",
        name: "customers",
        alias: null,
        args: [["first", one]],
        dirs: [],
        sub: [{ k: "field", name: "nodes", alias: null, args: [], dirs: [], sub: [list] }],
      },
    ],
  }));
  const strictDocument: fc.Arbitrary<FuzzRequest> = fc.record({
    kind: fc.constant("document" as const),
    op: fc.constant("query" as const),
    sel: strictDocs.selectionSet(query, 0),
    operationName: fc.oneof({ weight: 6, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: fc.constant("Op") }),
    extraVariables: fc.constant(undefined),
    mangle: fc.constant<Array<[number, string]>>([]),
  });
  const hostileDocument: fc.Arbitrary<FuzzRequest> = fc.record({
    kind: fc.constant("document" as const),
    op: fc.oneof(
      { weight: 10, arbitrary: fc.constant("query" as const) },
      { weight: 1, arbitrary: fc.constantFrom("mutation" as const, "subscription" as const) },
    ),
    sel: hostileDocs.selectionSet(query, 0),
    operationName: fc.oneof({ weight: 6, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: fc.constantFrom("Op", "Other", "") }),
    extraVariables: fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ v0: fc.jsonValue({ maxDepth: 2 }) })) },
    ),
    mangle: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Array<[number, string]>>([]) },
      {
        weight: 1,
        arbitrary: fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.constantFrom("", "{", "}", "(", ")", ":", "$", '"', "...", "@", "#", "\ud800", "\u0000", " bogusField ", " __typename "),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      },
    ),
  });
  const entities: fc.Arbitrary<FuzzRequest> = fc.record({
    kind: fc.constant("entities" as const),
    reps: fc.array(representation, { minLength: 0, maxLength: 4 }),
    inline: fc.boolean(),
    sel: entitiesSelection,
  });
  const garbage: fc.Arbitrary<FuzzRequest> = fc.oneof(
    fc.record({
      kind: fc.constant("json" as const),
      body: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record(
          {
            query: fc.oneof(fc.jsonValue({ maxDepth: 1 }), hostileString),
            variables: fc.jsonValue({ maxDepth: 2 }),
            operationName: fc.jsonValue({ maxDepth: 1 }),
            extensions: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant({ persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } })),
          },
          { requiredKeys: [] },
        ),
      ),
    }),
    fc.record({
      kind: fc.constant("text" as const),
      contentType: fc.constantFrom(
        "application/json",
        "text/plain",
        "application/graphql",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
      ),
      body: fc.oneof(
        fc.string({ unit: "binary", maxLength: 60 }),
        fc.constantFrom("{", "[]", "null", '"q"', '{"query":', '{"query": "{ __typename }"}', "query { __typename }"),
      ),
    }),
    fc.record({
      kind: fc.constant("get" as const),
      search: fc.oneof(
        fc.constantFrom("?query=%7B__typename%7D", "?query=%7B", "?query=%E0%A4%A", "?variables=%7B", "?query=mutation%7B__typename%7D", ""),
        fc.webQueryParameters().map((q) => `?${q}`),
      ),
    }),
    fc.record({
      kind: fc.constant("header" as const),
      authorization: fc.oneof(
        fc.constantFrom("Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "bearer eyJ.eyJ.x", "Bearer a.b.c"),
        fc.integer({ min: 1, max: 100_000 }).map((n) => `Bearer ${"A".repeat(n)}`),
      ),
    }),
    fc.record({ kind: fc.constant("oversized" as const), bytes: fc.integer({ min: 1024 * 1024 + 1, max: 1024 * 1024 + 200_000 }) }),
  );
  return fc.oneof(
    { weight: 10, arbitrary: strictDocument },
    { weight: 3, arbitrary: probeDocument },
    { weight: 4, arbitrary: hostileDocument },
    { weight: 4, arbitrary: entities },
    { weight: 2, arbitrary: garbage },
  );
}

function toLit(j: unknown, named: ReturnType<typeof getNamedType>, wellFormed: boolean): Lit {
  if (j === null || j === undefined) return { k: "null" };
  if (Array.isArray(j)) return { k: "list", v: j.map((x) => toLit(x, named, wellFormed)) };
  if (typeof j === "object") {
    const fields = isInputObjectType(named) ? named.getFields() : {};
    return {
      k: "obj",
      v: Object.entries(j as Record<string, unknown>).map(
        ([k, v]) => [k, toLit(v, fields[k] ? getNamedType(fields[k]!.type) : named, wellFormed)] as [string, Lit],
      ),
    };
  }
  if (typeof j === "boolean") return { k: "bool", v: j };
  if (typeof j === "number") return { k: "num", v: j };
  if (isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(String(j))) return { k: "raw", v: String(j) };
  const text = String(j);
  return { k: "str", v: wellFormed ? (text as string & { toWellFormed(): string }).toWellFormed() : text };
}
