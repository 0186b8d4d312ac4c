import type { ApolloServer } from "@apollo/server";
import type { Server } from "node:http";
import { CallerAuthenticator } from "./auth/callerAuth";
import { RegionalApps } from "./auth/regionalApps";
import { RegionResolver } from "./auth/regions";
import { SignInRouter } from "./auth/signInRouting";
import { MemoryTokenCache, SharedTokenCache } from "./auth/tokenCache";
import { createHttpsAgent } from "./auth/trust";
import { observabilityOf, productionSwitches, type Config } from "./config";
import { createContextFor, type ContextFor, type RequestContext } from "./context";
import { createFormatError } from "./formatError";
import { GraphBudget } from "./graph/budget";
import { InFlightLimits, TenantBreakers } from "./graph/resilience";
import { createHttpFront } from "./http/front";
import { partnerReadinessChecks, Readiness } from "./http/readiness";
import { CostInFlight } from "./loadShedding";
import { DenialEpisodes } from "./auth/denials";
import { CursorCodec } from "./loaders/cursor";
import { ListingCache } from "./loaders/customerDirectory";
import { createLogger, type Logger } from "./log";
import { guardProcess } from "./processGuard";
import { MemoryBudgetStore, RedisBudgetStore } from "./shared/budgetStore";
import { SharedRedis } from "./shared/redisConnection";
import { Sealer } from "./shared/sealing";
import { RedisValues } from "./shared/values";
import { buildPartnerGraphSchema } from "./schema";
import { createRequestLoaders, type RequestSettings } from "./requestScope";
import { Observability, type ObservabilityOptions } from "./observability/observability";
import { createApolloServer, startApolloServer } from "./server";

export interface PartnerGraphApp {
  apollo: ApolloServer<RequestContext>;
  /** The HTTP front, not listening yet. */
  http: Server;
  /** The metrics listener (`GET /metrics`), not listening yet; absent with METRICS_PORT=off. */
  metrics?: Server;
  /** Metrics, tracing and request logs of this instance. */
  observability: Observability;
  /** Builds a request context as the HTTP path does (tests use it with executeOperation). */
  contextFor: ContextFor;
  /** `/ready`'s checks and state; `drain()` starts a shutdown (src/serve.ts). */
  readiness: Readiness;
  close(): Promise<void>;
}

/**
 * The composition root: config → trust → auth → the Graph state all requests share → the per-request
 * context → Apollo → the HTTP front. Every singleton is built here, once. Used by both entries
 * (src/main.ts, demo/main.ts), tests and the bench; does not listen.
 */
export async function createApp(
  config: Config,
  log: Logger = createLogger(config.logLevel),
  observabilityOptions: ObservabilityOptions = {},
): Promise<PartnerGraphApp> {
  // Wherever the app is embedded (entry point, tests, another host), an unhandled rejection is logged, not fatal.
  const unguard = guardProcess(log);
  const dispatcher = createHttpsAgent(config.extraCaPem, config.maxInFlight);
  // What replicas share (the budget, Graph's Retry-After holds, tokens): through Redis when configured,
  // which each use survives losing (src/shared/); in this process's memory otherwise.
  const redis = config.redisUrl
    ? await SharedRedis.connect({ url: config.redisUrl, prefix: config.redisKeyPrefix, timeoutMs: config.redisTimeoutMs, log })
    : undefined;
  const tokens = redis
    ? new SharedTokenCache(new RedisValues(redis, new Sealer(config.redisEncryptionKey!, config.redisEncryptionKeysOld), "token", log))
    : new MemoryTokenCache();
  const apps = new RegionalApps(config, dispatcher, tokens);
  const regions = new RegionResolver(config.authorityHost, dispatcher, config.regionCacheTtlMs);
  const authenticator = new CallerAuthenticator(config, dispatcher);

  // Shared by all requests: caps on Graph calls in flight, each tenant's circuit state and budget, recent
  // customer listings and denial episodes per caller partition. None holds another caller's data.
  const graph: RequestSettings = {
    graphEndpoint: config.graphEndpoint,
    dispatcher,
    limits: new InFlightLimits(config.maxInFlight, config.maxInFlightPerTenant),
    breakers: new TenantBreakers({
      windowMs: config.breakerWindowMs,
      minVolume: config.breakerMinVolume,
      failureRate: config.breakerFailureRate,
      openMs: config.breakerOpenMs,
      // A probe outlives no operation: past its deadline plus a margin, it counts as failed.
      probeTimeoutMs: config.operationTimeoutMs + 1_000,
    }),
    budget: new GraphBudget(config.graphBudgetScale, redis ? new RedisBudgetStore(redis) : new MemoryBudgetStore()),
    operationTimeoutMs: config.operationTimeoutMs,
    listings: new ListingCache(config.customerListTtlMs),
    denials: new DenialEpisodes(),
  };
  const cursors = new CursorCodec(config.cursorSecret);
  const contextFor = createContextFor({
    demo: config.demoMode,
    graphEndpoint: config.graphEndpoint,
    apps,
    regions,
    authenticator,
    shared: {
      partners: config.partnerTenants.map((p) => ({ region: p.region, tenantId: p.tenantId, displayName: p.displayName ?? null, appId: p.app.clientId })),
      signInRouting: new SignInRouter(apps, regions, config.authorityHost),
      demo: config.demoMode,
    },
    requestLoaders: (caller, access, pinnedTenantId, observer) => createRequestLoaders(caller, access, graph, cursors, pinnedTenantId, observer),
  });

  const costInFlight = new CostInFlight(config.maxCostInFlight);
  // Gauges are read when scraped, from the state the requests share.
  const observability = new Observability(
    observabilityOf(config),
    log,
    {
      cost: () => costInFlight.current,
      graph: () => graph.limits.snapshot(),
      breakers: () => graph.breakers.circuits(),
      ...(redis ? { shared: () => redis.state() } : {}),
    },
    observabilityOptions,
  );
  const format = createFormatError(log, { hideSuggestions: !productionSwitches(config).suggestions });
  const apollo = createApolloServer(await buildPartnerGraphSchema(), config, format);
  const readiness = new Readiness(partnerReadinessChecks(config, apps, regions), { cacheMs: config.readinessCacheMs, log });
  const http = createHttpFront({ config, apollo, contextFor, costInFlight, format, log, readiness, observability });
  await startApolloServer(apollo, http, config);
  const metrics = config.metricsPort === null ? undefined : observability.metricsServer();
  const closed = (server: Server | undefined) => new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
  return {
    apollo,
    http,
    metrics,
    observability,
    contextFor,
    readiness,
    async close() {
      readiness.drain();
      // Drains the HTTP front (ApolloServerPluginDrainHttpServer): in-flight operations answer first.
      await apollo.stop();
      await closed(http);
      await closed(metrics);
      await observability.close();
      await dispatcher.close();
      await tokens.close();
      await redis?.close();
      unguard();
    },
  };
}
