import { Writable } from "node:stream";
import { ApolloServer } from "@apollo/server";
import { buildSchema, GraphQLError, type GraphQLFormattedError } from "graphql";
import { badInput, notFound, PartnerGraphError, withHttpStatus } from "../../src/errors";
import { createFormatError } from "../../src/formatError";
import { createLogger } from "../../src/log";

/** A formatError whose log lines are kept (parsed pino JSON). */
function formatter(options: { hideSuggestions?: boolean } = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { format: createFormatError(createLogger("info", sink), options), lines };
}

/** What graphql-js makes of an error thrown by the resolver at `path` (Apollo gives formatError both). */
function thrownAt(error: unknown, path: Array<string | number> = ["customer", "users"]): { formatted: GraphQLFormattedError; error: GraphQLError } {
  const located = new GraphQLError(error instanceof Error ? error.message : String(error), {
    path,
    originalError: error instanceof Error ? error : undefined,
  });
  return { formatted: located.toJSON(), error: located };
}

const MASKED = { message: "Internal server error.", extensions: { code: "INTERNAL_SERVER_ERROR" } };

describe("formatError: our errors pass as they are", () => {
  it("keeps the message, code, details and path of a PartnerGraphError thrown in a resolver", () => {
    const { format, lines } = formatter();
    const { formatted, error } = thrownAt(
      new PartnerGraphError("FORBIDDEN", "Intune is not available for this customer.", { tenantId: "t1", reason: "INTUNE_NOT_AVAILABLE" }),
    );
    expect(format(formatted, error)).toEqual({
      message: "Intune is not available for this customer.",
      path: ["customer", "users"],
      extensions: { code: "FORBIDDEN", tenantId: "t1", reason: "INTUNE_NOT_AVAILABLE" },
    });
    expect(lines).toEqual([]);
  });

  it("drops the HTTP status (and Retry-After) a pre-execution error carries for Apollo", () => {
    const { format } = formatter();
    const error = withHttpStatus(new PartnerGraphError("THROTTLED", "Too many operations in progress; retry shortly.", { retryAfter: 1 }), 503);
    expect(error.extensions.http).toBeDefined();
    expect(format(error.toJSON(), error)).toEqual({
      message: "Too many operations in progress; retry shortly.",
      extensions: { code: "THROTTLED", retryAfter: 1 },
    });
  });

  it("passes the named constructors' errors, leaving out undefined details", () => {
    const { format } = formatter();
    const missing = notFound("Customer 42", { tenantId: undefined });
    expect(format(missing.toJSON(), missing)).toEqual({ message: "Customer 42 was not found.", extensions: { code: "NOT_FOUND" } });
    const bad = badInput("The cursor is not valid for this list.", { argument: "after" });
    expect(format(bad.toJSON(), bad)).toEqual({ message: "The cursor is not valid for this list.", extensions: { code: "BAD_USER_INPUT", argument: "after" } });
  });

  it("answers the error's own message, not one a wrapper put on the formatted error", () => {
    const { format } = formatter();
    const original = new PartnerGraphError("TIMEOUT", "The operation ran out of time.");
    const located = new GraphQLError("wrapped", { originalError: original, path: ["customers"] });
    expect(format(located.toJSON(), located)).toMatchObject({ message: "The operation ran out of time.", path: ["customers"] });
  });
});

describe("formatError: Apollo's request errors pass with their code alone", () => {
  const validation = () => {
    const error = new GraphQLError('Cannot query field "displayNam" on type "Customer". Did you mean "displayName"?', {
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", stacktrace: ["GraphQLError: …", "    at validate"] },
    });
    return { formatted: { ...error.toJSON(), locations: [{ line: 1, column: 30 }] }, error };
  };

  it("keeps message, locations and code; drops everything else (stack traces)", () => {
    const { format, lines } = formatter();
    const { formatted, error } = validation();
    expect(format(formatted, error)).toEqual({
      message: 'Cannot query field "displayNam" on type "Customer". Did you mean "displayName"?',
      locations: [{ line: 1, column: 30 }],
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    expect(lines).toEqual([]);
  });

  it("hides 'Did you mean …?' when asked to (production: suggestions map the schema)", () => {
    const { format } = formatter({ hideSuggestions: true });
    const { formatted, error } = validation();
    expect(format(formatted, error).message).toBe('Cannot query field "displayNam" on type "Customer".');
    const enumValue = new GraphQLError(
      'Variable "$kind" got invalid value "SECURTY"; Value "SECURTY" does not exist in "GroupKind" enum. Did you mean the enum value "SECURITY"?',
      {
        extensions: { code: "BAD_USER_INPUT" },
      },
    );
    expect(format(enumValue.toJSON(), enumValue)).toEqual({
      message: 'Variable "$kind" got invalid value "SECURTY"; Value "SECURTY" does not exist in "GroupKind" enum.',
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it.each([
    "GRAPHQL_PARSE_FAILED",
    "BAD_USER_INPUT",
    "PERSISTED_QUERY_NOT_FOUND",
    "PERSISTED_QUERY_NOT_SUPPORTED",
    "OPERATION_RESOLUTION_FAILURE",
    "BAD_REQUEST",
  ])("passes %s", (code) => {
    const { format } = formatter();
    const error = new GraphQLError("refused", { extensions: { code } });
    expect(format(error.toJSON(), error)).toEqual({ message: "refused", extensions: { code } });
  });

  it("answers BAD_REQUEST, with Apollo's message, for a 4xx refusal that has no code (an APQ hash that does not match)", () => {
    const { format, lines } = formatter();
    const error = new GraphQLError("provided sha does not match query", { extensions: { http: { status: 400 } } });
    expect(format(error.toJSON(), error)).toEqual({ message: "provided sha does not match query", extensions: { code: "BAD_REQUEST" } });
    expect(lines).toEqual([]);
  });
});

describe("formatError: anything else is masked and logged", () => {
  it("masks an unexpected error, keeps its path, and logs its name and message (tokens scrubbed, no stack)", () => {
    const { format, lines } = formatter();
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    const { formatted, error } = thrownAt(new TypeError(`Cannot read properties of undefined (reading 'value') with ${token}`));
    expect(format(formatted, error)).toEqual({ ...MASKED, path: ["customer", "users"] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: "unexpected error, masked for the client",
      path: ["customer", "users"],
      err: { name: "TypeError", message: "Cannot read properties of undefined (reading 'value') with [token]" },
    });
    expect(JSON.stringify(lines[0])).not.toContain(token);
    // pino's err serializer writes a `stack` key; describeError leaves it empty.
    expect((lines[0]!.err as { stack?: string }).stack ?? "").toBe("");
  });

  it("masks a plain Error that borrowed a safe code (graphql-js copies an error's `extensions`)", () => {
    const { format, lines } = formatter();
    const borrowed = Object.assign(new Error("upstream said: password=hunter2"), { extensions: { code: "BAD_USER_INPUT" } });
    const { formatted, error } = thrownAt(borrowed);
    expect(formatted.extensions).toEqual({ code: "BAD_USER_INPUT" });
    expect(format(formatted, error)).toEqual({ ...MASKED, path: ["customer", "users"] });
    expect(lines).toHaveLength(1);
  });

  it("masks a GraphQLError with a code that is not ours or Apollo's", () => {
    const { format } = formatter();
    const error = new GraphQLError("Graph said: Authorization_RequestDenied", { extensions: { code: "Authorization_RequestDenied" } });
    expect(format(error.toJSON(), error)).toEqual(MASKED);
  });

  it("masks a 4xx GraphQLError that wraps another error, and a 5xx one", () => {
    const { format } = formatter();
    const wrapping = new GraphQLError("socket hang up", { originalError: new Error("socket hang up"), extensions: { http: { status: 400 } } });
    expect(format(wrapping.toJSON(), wrapping)).toEqual(MASKED);
    const server = new GraphQLError("boom", { extensions: { http: { status: 500 } } });
    expect(format(server.toJSON(), server)).toEqual(MASKED);
  });

  it("masks something thrown that is not an Error", () => {
    const { format, lines } = formatter();
    expect(format({ message: 'Unexpected error value: "nope"' }, "nope")).toEqual(MASKED);
    expect(lines[0]).toMatchObject({ err: { name: "string", message: "nope" } });
  });
});

describe("formatError inside Apollo Server (what Apollo really hands it)", () => {
  const schema = buildSchema(`
    enum Kind { SECURITY MICROSOFT_365 }
    type Query { ours: String broken: String kinds(kind: Kind): String ok: String }
  `);
  const rootValue = {
    ours: () => {
      throw withHttpStatus(new PartnerGraphError("CUSTOMER_NOT_READY", "The customer is still being set up.", { tenantId: "t1", retryAfter: 30 }), 503);
    },
    broken: () => {
      throw new Error("internal detail");
    },
    kinds: () => "x",
    ok: () => "ok",
  };
  const run = async (query: string, variables?: Record<string, unknown>, options: { hideSuggestions?: boolean } = {}) => {
    const { format, lines } = formatter(options);
    const server = new ApolloServer({ schema, rootValue, formatError: format, includeStacktraceInErrorResponses: true });
    await server.start();
    try {
      const response = await server.executeOperation({ query, variables });
      if (response.body.kind !== "single") throw new Error("expected a single result");
      return { errors: response.body.singleResult.errors, data: response.body.singleResult.data, lines };
    } finally {
      await server.stop();
    }
  };

  it("passes a resolver's PartnerGraphError and masks a resolver's crash, field by field", async () => {
    const r = await run(`{ ok ours broken }`);
    expect(r.data).toEqual({ ok: "ok", ours: null, broken: null });
    expect(r.errors).toEqual([
      {
        message: "The customer is still being set up.",
        path: ["ours"],
        locations: [{ line: 1, column: 6 }],
        extensions: { code: "CUSTOMER_NOT_READY", tenantId: "t1", retryAfter: 30 },
      },
      { message: "Internal server error.", path: ["broken"], locations: [{ line: 1, column: 11 }], extensions: { code: "INTERNAL_SERVER_ERROR" } },
    ]);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({ path: ["broken"], err: { name: "Error", message: "internal detail" } });
  });

  it("passes parse and validation errors without Apollo's stack traces", async () => {
    const parse = await run(`{ ok `);
    expect(parse.errors).toEqual([
      { message: expect.stringContaining("Syntax Error"), locations: [{ line: 1, column: 6 }], extensions: { code: "GRAPHQL_PARSE_FAILED" } },
    ]);
    const validation = await run(`{ okk }`);
    expect(validation.errors).toEqual([
      { message: expect.stringContaining('Cannot query field "okk"'), locations: [{ line: 1, column: 3 }], extensions: { code: "GRAPHQL_VALIDATION_FAILED" } },
    ]);
    expect([...parse.lines, ...validation.lines]).toEqual([]);
  });

  it("answers a variable that does not coerce with BAD_USER_INPUT, its suggestion hidden in production", async () => {
    const query = `query($k: Kind) { kinds(kind: $k) }`;
    const demo = await run(query, { k: "SECURTY" });
    expect(demo.errors).toEqual([
      {
        message: expect.stringContaining('Did you mean the enum value "SECURITY"?'),
        locations: [{ line: 1, column: 7 }],
        extensions: { code: "BAD_USER_INPUT" },
      },
    ]);
    const production = await run(query, { k: "SECURTY" }, { hideSuggestions: true });
    expect(production.errors![0]!.message).not.toContain("Did you mean");
    expect(production.errors![0]!.message).toContain('"SECURTY" does not exist in "Kind" enum.');
  });
});
