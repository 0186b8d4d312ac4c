import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { GraphQLSchema } from "graphql";
import type { Agent } from "undici";
import { AppOnlyAccess } from "./auth/appOnlyAccess";
import { DelegatedAccess } from "./auth/delegatedAccess";
import type { RegionalApps } from "./auth/regionalApps";
import { CUSTOMER_TOKEN_HEADER, CustomerTokenAccess } from "./auth/customerTokenAccess";
import type { Caller } from "./auth/caller";
import type { CallerAuthenticator } from "./auth/callerAuth";
import type { RegionResolver } from "./auth/regions";
import { SignInRouter } from "./auth/signInRouting";
import type { Config } from "./config";
import type { RequestContext } from "./context";
import { PartnerGraphError, withHttpStatus } from "./errors";
import { createFormatError } from "./formatError";
import { armorValidationRules, operationLimitsPlugin } from "./operationLimits";
import { busy, CostInFlight, type CostTicket } from "./loadShedding";
import { GraphBudget } from "./graph/budget";
import { InFlightLimits, TenantBreakers } from "./graph/resilience";
import { ListingCache } from "./loaders/customerDirectory";
import { DenialEpisodes } from "./loaders/readiness";
import { RequestData } from "./loaders/requestData";
import type { Logger } from "./log";
import { CursorCodec } from "./resolvers/shared/cursor";

export interface ServerDeps {
  config: Config;
  schema: GraphQLSchema;
  apps: RegionalApps;
  regions: RegionResolver;
  authenticator: CallerAuthenticator;
  dispatcher: Agent;
  log: Logger;
}

/** Origins of Apollo Sandbox, allowed in demo mode so the embedded explorer can call the API. */
const SANDBOX_ORIGINS = ["https://sandbox.embed.apollographql.com", "https://studio.apollographql.com"];
const MAX_BODY_BYTES = 1024 * 1024;
/** Request headers, all of them: Node's default, said explicitly because the 431 answer below depends on it. */
const MAX_HEADER_BYTES = 16 * 1024;
/**
 * How long past the operation's deadline its answer may take: the Graph calls stop at the deadline and
 * the customers still missing answer TIMEOUT beside the others' data; this bounds the time to write that.
 */
const DEADLINE_GRACE_MS = 250;

export interface PartnerGraphServer {
  apollo: ApolloServer<RequestContext>;
  http: Server;
  /** Builds a request context as the HTTP path does (tests use it with executeOperation). */
  contextFor(authorization: string | undefined, customerToken?: string): Promise<RequestContext>;
}

/** Apollo Server behind a small node:http front: /graphql (and /, for Sandbox), /health, CORS. No listen. */
export async function createPartnerGraphServer(deps: ServerDeps): Promise<PartnerGraphServer> {
  const { config, log } = deps;
  const formatError = createFormatError(log, { hideSuggestions: !config.demoMode });
  // Load shedding by cost: each request's ticket takes its operation's estimate once the operation is
  // known and gives it back when its execution has settled (not when the answer left at the deadline).
  const costInFlight = new CostInFlight(config.maxCostInFlight);
  const apollo = new ApolloServer<RequestContext>({
    schema: deps.schema,
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
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      partialErrorsPlugin(formatError),
      operationLimitsPlugin<RequestContext>(
        { maxCost: config.maxOperationCost, maxDepth: config.maxOperationDepth, maxRootFields: config.maxOperationRootFields },
        (ctx, estimate) => (ctx as TicketHolder)[COST_TICKET]?.admit(estimate.cost),
      ),
    ],
  });
  await apollo.start();

  const cursors = new CursorCodec(config.cursorSecret);
  const appOnly = new AppOnlyAccess(deps.apps, deps.regions);
  // Shared by all requests: caps on Graph calls in flight, each tenant's circuit state and budget. None holds data.
  const graph = {
    graphEndpoint: config.graphEndpoint,
    dispatcher: deps.dispatcher,
    limits: new InFlightLimits(config.maxInFlight, config.maxInFlightPerTenant),
    breakers: new TenantBreakers({
      windowMs: config.breakerWindowMs,
      minVolume: config.breakerMinVolume,
      failureRate: config.breakerFailureRate,
      openMs: config.breakerOpenMs,
      // A probe outlives no operation: past its deadline plus a margin, it counts as failed.
      probeTimeoutMs: config.operationTimeoutMs + 1_000,
    }),
    budget: new GraphBudget(config.graphBudgetScale),
    operationTimeoutMs: config.operationTimeoutMs,
    listings: new ListingCache(config.customerListTtlMs),
    denials: new DenialEpisodes(),
  };
  const signInRouting = new SignInRouter(deps.apps, deps.regions, config.authorityHost);
  const partners = config.partnerTenants.map((p) => ({ region: p.region, tenantId: p.tenantId, displayName: p.displayName ?? null, appId: p.app.clientId }));
  const shared = { cursors, partners, signInRouting, demo: config.demoMode };

  async function contextFor(authorization: string | undefined, customerToken?: string): Promise<RequestContext> {
    if (!authorization && config.demoMode && customerToken === undefined) {
      const caller: Caller = { mode: "app", partition: "app" };
      return { ...shared, caller, data: new RequestData(caller, appOnly, graph), partialErrors: [] };
    }
    const { caller, assertion } = await deps.authenticator.authenticate(authorization);
    if (customerToken !== undefined) {
      // The agent's own Graph token of one customer: that tenant only, never mixed with OBO or app-only.
      if (caller.mode !== "agent") throw withHttpStatus(new PartnerGraphError("FORBIDDEN", "A customer token is accepted from agents only."), 403);
      // Its tenant must be one of the agent's customers, as the agent's own (delegated) listing says.
      const own = new RequestData(caller, new DelegatedAccess(deps.apps, caller, assertion!), graph);
      const access = await CustomerTokenAccess.verified(customerToken, caller.agentId, config.graphEndpoint, (tenantId) => own.customers.get(tenantId));
      return { ...shared, caller, data: new RequestData(caller, access, graph, access.tenantId), partialErrors: [] };
    }
    const access = caller.mode === "agent" ? new DelegatedAccess(deps.apps, caller, assertion!) : new AppOnlyAccess(deps.apps, deps.regions, caller.regions);
    return { ...shared, caller, data: new RequestData(caller, access, graph), partialErrors: [] };
  }

  const allowedOrigins = new Set([...config.corsOrigins, ...(config.demoMode ? SANDBOX_ORIGINS : [])]);
  let inProgress = 0;

  const http = createHttpServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, "request failed");
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message: "Internal server error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }));
      }
    });
  });

  // Requests Node refuses before our handler sees them (headers too large, malformed HTTP) get a JSON
  // GraphQL error too, not Node's empty answer.
  http.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const deadline = Date.now() + config.operationTimeoutMs + DEADLINE_GRACE_MS;
    const url = new URL(req.url ?? "/", "http://localhost");
    cors(req, res, allowedOrigins);
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      return;
    }
    // GraphQL at /graphql, and at / too so Apollo Sandbox's landing page (which calls its own URL) works there.
    if (url.pathname !== "/graphql" && url.pathname !== "/") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not found. GraphQL is served at /graphql." }));
      return;
    }
    // Load shedding: past the cap, answering "busy" at once keeps memory and latency bounded, where
    // queueing would hold every waiting operation until its deadline (measured: 1.2 GB at 2× capacity).
    // A cheap count first (before the body is read), then the cost budget once the operation is known.
    if (inProgress >= config.maxConcurrentOperations) {
      const e = busy();
      res.writeHead(503, { "content-type": "application/json", "retry-after": String(e.extensions.retryAfter) });
      res.end(JSON.stringify({ errors: [{ message: e.message, extensions: { code: e.code, retryAfter: e.extensions.retryAfter } }] }));
      return;
    }
    inProgress += 1;
    const settled = serveGraphQL(req, res, url, deadline);
    settled.finally(() => (inProgress -= 1)).catch(() => undefined);
    await settled;
  }

  async function serveGraphQL(req: IncomingMessage, res: ServerResponse, url: URL, deadline: number): Promise<void> {
    const body = await readJson(req);
    if (body === TOO_LARGE) {
      // Connection: close, and the rest of the body is drained (bounded) so the client reads this answer, not a reset.
      res.writeHead(413, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify({ errors: [{ message: `The request body is larger than ${MAX_BODY_BYTES} bytes.`, extensions: { code: "BAD_REQUEST", maxBodyBytes: MAX_BODY_BYTES } }] }));
      return;
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const ticket = costInFlight.ticket();
    const execution = apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: async () => {
        const ctx = await contextFor(req.headers.authorization, bearerOf(req.headers[CUSTOMER_TOKEN_HEADER]));
        return Object.assign(ctx, { [COST_TICKET]: ticket });
      },
    });
    // The execution's cost stays counted until it has settled, even when its answer left at the deadline.
    const done = execution.finally(() => ticket.release());
    done.catch(() => undefined);
    const result = await answerByDeadline(done, deadline);
    if (result === DEADLINE_PASSED) {
      const timeoutMs = config.operationTimeoutMs;
      res.writeHead(504, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ message: `The operation did not complete within its deadline of ${timeoutMs} ms.`, extensions: { code: "TIMEOUT", timeoutMs } }] }));
      // Keeps the request's slot (inProgress) until the execution settles: it still holds memory and Graph calls.
      await done.catch(() => undefined);
      return;
    }
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  return { apollo, http, contextFor };
}

/**
 * Errors a resolver reports beside the data it returns (a partner tenant whose customers could not be
 * listed while the others could): appended to the response's errors, shaped like the others.
 */
function partialErrorsPlugin(format: ReturnType<typeof createFormatError>): ApolloServerPlugin<RequestContext> {
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

function cors(req: IncomingMessage, res: ServerResponse, allowed: Set<string>): void {
  const origin = req.headers.origin;
  if (!origin || !allowed.has(origin)) return;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("vary", "origin");
  res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
  res.setHeader("access-control-allow-headers", `authorization, content-type, apollo-require-preflight, x-apollo-operation-name, ${CUSTOMER_TOKEN_HEADER}`);
  res.setHeader("access-control-max-age", "600");
}

const TOO_LARGE = Symbol("too large");
/**
 * Where a request's cost ticket rides on its context: a symbol key, because Apollo copies the context
 * object (Object.assign keeps symbol keys; a WeakMap keyed by the original would miss the copy).
 */
const COST_TICKET = Symbol("cost ticket");
type TicketHolder = { [COST_TICKET]?: CostTicket };
const DEADLINE_PASSED = Symbol("deadline passed");

/** The execution's result, or DEADLINE_PASSED at the deadline, whichever comes first. */
async function answerByDeadline<T>(execution: Promise<T>, deadline: number): Promise<T | typeof DEADLINE_PASSED> {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<typeof DEADLINE_PASSED>((resolve) => (timer = setTimeout(() => resolve(DEADLINE_PASSED), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([execution, passed]);
  } finally {
    clearTimeout(timer);
  }
}

/** Node's 'clientError': headers over MAX_HEADER_BYTES get 431, other malformed requests 400, both as JSON GraphQL errors. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const message = status === 431 ? `The request headers are larger than ${MAX_HEADER_BYTES} bytes.` : status === 408 ? "The request took too long to arrive." : "Malformed HTTP request.";
  const body = JSON.stringify({ errors: [{ message, extensions: { code: "BAD_REQUEST", ...(status === 431 ? { maxHeaderBytes: MAX_HEADER_BYTES } : {}) } }] });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}


/** `Bearer <jwt>` or a bare JWT; anything else counts as absent-but-invalid. */
function bearerOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  return value.replace(/^Bearer\s+/i, "").trim();
}

/** How much of an oversized body is read and dropped before the connection is cut. */
const DRAIN_LIMIT_BYTES = 8 * MAX_BODY_BYTES;

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(c);
      // Too large: answer now, read and drop the rest (up to a bound) so the client gets the 413, then cut.
      chunks.length = 0;
      req.off("data", onData);
      let drained = 0;
      req.on("data", (more: Buffer) => {
        drained += more.length;
        if (drained > DRAIN_LIMIT_BYTES) req.destroy();
      });
      resolve(TOO_LARGE);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) return;
      const text = Buffer.concat(chunks).toString("utf8");
      if (!text) return resolve(undefined);
      // Apollo answers malformed JSON itself when handed the raw text.
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    });
    req.on("error", reject);
  });
}
