import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
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
import { operationLimitsPlugin } from "./operationLimits";
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

export interface PartnerGraphServer {
  apollo: ApolloServer<RequestContext>;
  http: Server;
  /** Builds a request context as the HTTP path does (tests use it with executeOperation). */
  contextFor(authorization: string | undefined, customerToken?: string): Promise<RequestContext>;
}

/** Apollo Server behind a small node:http front: /graphql (and /, for Sandbox), /health, CORS. No listen. */
export async function createPartnerGraphServer(deps: ServerDeps): Promise<PartnerGraphServer> {
  const { config, log } = deps;
  const formatError = createFormatError(log);
  const apollo = new ApolloServer<RequestContext>({
    schema: deps.schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: true,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      partialErrorsPlugin(formatError),
      operationLimitsPlugin({ maxCost: config.maxOperationCost, maxDepth: config.maxOperationDepth }),
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

  const http = createHttpServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, "request failed");
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message: "Internal server error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }));
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    if (inProgress >= config.maxConcurrentOperations) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      res.end(JSON.stringify({ errors: [{ message: "The server is busy; retry shortly.", extensions: { code: "THROTTLED", retryAfter: 1 } }] }));
      return;
    }
    inProgress += 1;
    try {
      await serveGraphQL(req, res, url);
    } finally {
      inProgress -= 1;
    }
  }

  async function serveGraphQL(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readJson(req);
    if (body === TOO_LARGE) {
      res.writeHead(413, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ message: "Request body too large.", extensions: { code: "BAD_REQUEST" } }] }));
      return;
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: () => contextFor(req.headers.authorization, bearerOf(req.headers[CUSTOMER_TOKEN_HEADER])),
    });
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


/** `Bearer <jwt>` or a bare JWT; anything else counts as absent-but-invalid. */
function bearerOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  return value.replace(/^Bearer\s+/i, "").trim();
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(TOO_LARGE);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => {
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
