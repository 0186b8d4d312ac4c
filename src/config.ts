import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { isGuid } from "./ids";

/** Regions as Entra reports them in `tenant_region_scope`. */
export type RegionCode = string;

export interface PartnerAppConfig {
  clientId: string;
  clientSecret?: string;
  certificate?: { thumbprintSha256: string; privateKeyPem: string };
}

export interface PartnerTenantConfig {
  region: RegionCode;
  tenantId: string;
  displayName?: string;
  app: PartnerAppConfig;
}

/**
 * A partner service that calls this API app-only and may reach more regions than the one of the
 * partner tenant its token was issued in (which it always reaches).
 */
export interface AppCallerConfig {
  /** Client id of the calling app: the token's `appid` (v1) or `azp` (v2). */
  appId: string;
  /** Further regions it reaches; each must be a configured partner tenant's region. */
  regions: RegionCode[];
}

export interface Config {
  port: number;
  /** Microsoft Graph root, e.g. https://graph.microsoft.com (no version, no trailing slash). */
  graphEndpoint: string;
  /** Entra authority host, e.g. https://login.microsoftonline.com. */
  authorityHost: string;
  partnerTenants: PartnerTenantConfig[];
  /** App-only callers allowed beyond their own partner tenant's region (PARTNER_CONFIG `appCallers`). */
  appCallers: AppCallerConfig[];
  /** Extra CA certificates (PEM) to trust besides the system roots: the built-in cloud's CA. */
  extraCaPem?: string;
  /**
   * Set by the demo entry only (demo/main.ts, `npm start`), which runs the built-in cloud in-process:
   * token-less requests are served app-only, introspection and Apollo Sandbox's origins are allowed.
   */
  demoMode: boolean;
  corsOrigins: string[];
  /** HMAC key for cursors. Random per process unless set; replicas behind one router must share it. */
  cursorSecret: Buffer;
  logLevel: string;
  /** How long the region of a tenant (from its discovery document) is trusted. */
  regionCacheTtlMs: number;
  /** The demo entry's built-in cloud: its port (fixed, so `npm run token` finds it). */
  emulatorPort: number;
  /** Per-operation deadline: customers not done by then answer TIMEOUT while the rest return data. */
  operationTimeoutMs: number;
  /** Graph requests in flight, for the whole process and per customer tenant. */
  maxInFlight: number;
  maxInFlightPerTenant: number;
  /** How long a caller's complete customer listing is reused (GDAP changes show after at most this). */
  customerListTtlMs: number;
  /** Redis for the token cache shared by replicas; in memory when unset. */
  redisUrl?: string;
  /** Prefix of this deployment's keys in Redis. */
  redisKeyPrefix: string;
  /** Largest estimated number of objects one operation may fetch, and its deepest nesting. */
  maxOperationCost: number;
  maxOperationDepth: number;
  /** Share of Graph's documented per-tenant limits the client-side budget allows (0 turns it off). */
  graphBudgetScale: number;
  /** Operations in progress at once; beyond it new ones are refused at once (load shedding). */
  maxConcurrentOperations: number;
  /**
   * Circuit breakers per tenant and workload (and per caller partition for the token endpoint): open
   * when, over `breakerWindowMs`, at least `breakerMinVolume` final outcomes (after retries) were seen
   * and `breakerFailureRate` of them failed; stay open `breakerOpenMs`, then let one probe through.
   */
  breakerWindowMs: number;
  breakerMinVolume: number;
  breakerFailureRate: number;
  breakerOpenMs: number;
  /**
   * Sum of the estimated costs of the operations in progress; beyond it new ones are refused at once.
   * Default 1,000,000: ten operations at the per-operation limit, or about 100 of the bench's S3 screen
   * (estimated 10,211), some 5 s of work at the ~19 S3/s one tenant sustains, well inside the deadline.
   */
  maxCostInFlight: number;
  /** Generic document limits (graphql-armor and graphql-js): aliases, directives, lexical tokens, root fields. */
  maxOperationAliases: number;
  maxOperationDirectives: number;
  maxOperationTokens: number;
  maxOperationRootFields: number;
  /** Schema introspection; unset: on in demo mode, off in production. */
  introspection?: boolean;
  /** Least time between two renewals of one caller's token of one tenant after denials (Microsoft's 60 s retry step). */
  tokenRenewalIntervalMs: number;
  /** Metrics, tracing and the per-operation Graph trace (README "Observability"). */
  observability: ObservabilitySettings;
}

export interface ObservabilitySettings {
  /** Port of the metrics listener (`GET /metrics`, Prometheus text), apart from the API's; null: no listener. */
  metricsPort: number | null;
  /** OTLP/HTTP endpoint spans are exported to; unset: no tracing at all. */
  otlpTracesUrl?: string;
  /** `service.name` of the spans. */
  serviceName: string;
  /** Whether a caller may ask for `extensions.graph` (header x-partner-graph-trace: 1). */
  graphTrace: boolean;
}

/** The environment's settings: everything but the partner tenants and the mode, which each entry gives. */
export type Settings = Omit<Config, "partnerTenants" | "appCallers" | "demoMode">;

export class ConfigError extends Error {}

/**
 * The production configuration, read from the environment: PARTNER_CONFIG is required. Fails at
 * start, naming the variable, rather than serving with half a configuration (or, as a missing
 * PARTNER_CONFIG once did, serving a fake cloud app-only).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  if (!env.PARTNER_CONFIG) {
    throw new ConfigError(
      "PARTNER_CONFIG is required: the path of the JSON file naming the regional partner tenants and their apps (see README). `npm start` runs the demo on its built-in cloud instead.",
    );
  }
  const raw = readPartnerConfig(env.PARTNER_CONFIG);
  const partnerTenants = parsePartnerConfig(raw, env);
  const appCallers = parseAppCallers(raw, partnerTenants);
  return Object.freeze({ ...loadSettings(env), partnerTenants, appCallers, demoMode: false });
}

/**
 * The only reader of process.env: every setting but PARTNER_CONFIG, for the production configuration
 * (loadConfig) and the demo's, which points them at its built-in cloud (demo/main.ts).
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Readonly<Settings> {
  const settings: Settings = {
    port: portVar(env, "PORT", 4000),
    graphEndpoint: httpsUrl(env, "GRAPH_ENDPOINT", "https://graph.microsoft.com"),
    authorityHost: httpsUrl(env, "AUTHORITY_HOST", "https://login.microsoftonline.com"),
    extraCaPem: env.EXTRA_CA_FILE ? readFileSync(env.EXTRA_CA_FILE, "utf8") : undefined,
    corsOrigins: (env.CORS_ORIGINS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    cursorSecret: env.CURSOR_SECRET ? Buffer.from(env.CURSOR_SECRET, "utf8") : randomBytes(32),
    logLevel: oneOf(env, "LOG_LEVEL", LOG_LEVELS, "info"),
    regionCacheTtlMs: intVar(env, "REGION_CACHE_TTL_SECONDS", 3600) * 1000,
    emulatorPort: portVar(env, "EMULATOR_PORT", 4443),
    operationTimeoutMs: positive(env, "OPERATION_TIMEOUT_MS", 25_000),
    maxInFlight: positive(env, "GRAPH_MAX_IN_FLIGHT", 256),
    maxInFlightPerTenant: positive(env, "GRAPH_MAX_IN_FLIGHT_PER_TENANT", 16),
    customerListTtlMs: intVar(env, "CUSTOMER_LIST_TTL_SECONDS", 60) * 1000,
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || "partner-graph:token:",
    maxOperationCost: positive(env, "MAX_OPERATION_COST", 100_000),
    maxOperationDepth: positive(env, "MAX_OPERATION_DEPTH", 12),
    graphBudgetScale: fraction(env, "GRAPH_BUDGET_SCALE", 1),
    maxConcurrentOperations: positive(env, "MAX_CONCURRENT_OPERATIONS", 500),
    breakerWindowMs: positive(env, "BREAKER_WINDOW_MS", 10_000),
    breakerMinVolume: positive(env, "BREAKER_MIN_VOLUME", 5),
    breakerFailureRate: fraction(env, "BREAKER_FAILURE_RATE", 0.5),
    breakerOpenMs: positive(env, "BREAKER_OPEN_MS", 10_000),
    maxCostInFlight: positive(env, "MAX_COST_IN_FLIGHT", 1_000_000),
    maxOperationAliases: positive(env, "MAX_OPERATION_ALIASES", 200),
    maxOperationDirectives: positive(env, "MAX_OPERATION_DIRECTIVES", 50),
    maxOperationTokens: positive(env, "MAX_OPERATION_TOKENS", 5_000),
    maxOperationRootFields: positive(env, "MAX_OPERATION_ROOT_FIELDS", 20),
    introspection: flag(env, "GRAPHQL_INTROSPECTION"),
    tokenRenewalIntervalMs: intVar(env, "TOKEN_RENEWAL_INTERVAL_SECONDS", 60) * 1000,
    observability: observabilitySettings(env),
  };
  if (settings.breakerFailureRate <= 0 || settings.breakerFailureRate > 1) throw new ConfigError("BREAKER_FAILURE_RATE must be above 0 and at most 1");
  if (env.CURSOR_SECRET && env.CURSOR_SECRET.length < 32) throw new ConfigError("CURSOR_SECRET must be at least 32 characters");
  return Object.freeze(settings);
}

/**
 * METRICS_PORT (default 9464, the port Prometheus exporters conventionally use; `off`: no listener),
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT (+ `/v1/traces`, as the OTLP
 * specification says; unset: no tracing), OTEL_SERVICE_NAME (`partner-graph`), GRAPH_TRACE (`true`:
 * callers may ask for extensions.graph).
 */
export function observabilitySettings(env: NodeJS.ProcessEnv): ObservabilitySettings {
  const metricsPort = env.METRICS_PORT === "off" ? null : portVar(env, "METRICS_PORT", 9464);
  const traces =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : undefined);
  if (traces !== undefined && !/^https?:\/\/[^/]/.test(traces)) {
    const name = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT";
    throw new ConfigError(`${name} must be an http or https URL, got '${env[name]}'`);
  }
  return { metricsPort, otlpTracesUrl: traces, serviceName: env.OTEL_SERVICE_NAME || "partner-graph", graphTrace: flag(env, "GRAPH_TRACE") ?? true };
}

/** PARTNER_CONFIG as parsed JSON: nothing in it is trusted until checked field by field. */
interface PartnerTenantJson {
  region?: unknown;
  tenantId?: unknown;
  displayName?: unknown;
  app?: {
    clientId?: unknown;
    clientSecret?: unknown;
    clientSecretEnv?: unknown;
    certificate?: { thumbprintSha256?: unknown; privateKeyPem?: unknown; privateKeyFile?: unknown };
  };
}

export function parsePartnerConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): PartnerTenantConfig[] {
  const list = (raw as { partnerTenants?: unknown })?.partnerTenants;
  if (!Array.isArray(list) || list.length === 0) throw new ConfigError("PARTNER_CONFIG: partnerTenants must be a non-empty array");
  const regions = new Set<string>();
  return list.map((p: PartnerTenantJson, i) => {
    const where = `PARTNER_CONFIG partnerTenants[${i}]`;
    if (typeof p?.region !== "string" || !p.region) throw new ConfigError(`${where}.region is required`);
    if (regions.has(p.region)) throw new ConfigError(`${where}: region ${p.region} appears twice (one partner tenant per region)`);
    regions.add(p.region);
    if (!isGuid(p.tenantId)) throw new ConfigError(`${where}.tenantId must be a tenant id (GUID)`);
    const app = p.app ?? {};
    if (!isGuid(app.clientId)) throw new ConfigError(`${where}.app.clientId must be a GUID`);
    const secret = typeof app.clientSecret === "string" ? app.clientSecret : typeof app.clientSecretEnv === "string" ? env[app.clientSecretEnv] : undefined;
    const cert = app.certificate;
    const certificate =
      cert && typeof cert.thumbprintSha256 === "string"
        ? {
            thumbprintSha256: cert.thumbprintSha256,
            privateKeyPem: typeof cert.privateKeyPem === "string" ? cert.privateKeyPem : readFileSync(String(cert.privateKeyFile), "utf8"),
          }
        : undefined;
    if (!secret && !certificate) throw new ConfigError(`${where}.app needs clientSecret, clientSecretEnv or certificate`);
    return {
      region: p.region,
      tenantId: p.tenantId,
      displayName: typeof p.displayName === "string" ? p.displayName : undefined,
      app: { clientId: app.clientId, clientSecret: secret, certificate },
    };
  });
}

/**
 * `appCallers` of PARTNER_CONFIG (optional): `[{ "appId": "<client id>", "regions": ["EU"] }]`. Without
 * an entry an app caller reaches only the region of the partner tenant that issued its token.
 */
export function parseAppCallers(raw: unknown, partners: PartnerTenantConfig[]): AppCallerConfig[] {
  const list = (raw as { appCallers?: unknown })?.appCallers;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ConfigError("PARTNER_CONFIG: appCallers must be an array");
  const regions = new Set(partners.map((p) => p.region.toUpperCase()));
  const seen = new Set<string>();
  return list.map((c: { appId?: unknown; regions?: unknown }, i) => {
    const where = `PARTNER_CONFIG appCallers[${i}]`;
    if (!isGuid(c?.appId)) throw new ConfigError(`${where}.appId must be a client id (GUID)`);
    if (seen.has(c.appId.toLowerCase())) throw new ConfigError(`${where}: appId ${c.appId} appears twice`);
    seen.add(c.appId.toLowerCase());
    if (!Array.isArray(c.regions) || c.regions.length === 0) throw new ConfigError(`${where}.regions must be a non-empty array of regions`);
    c.regions.forEach((r: unknown, j: number) => {
      if (typeof r !== "string" || !regions.has(r.toUpperCase()))
        throw new ConfigError(`${where}.regions[${j}] must be the region of a configured partner tenant, got '${String(r)}'`);
    });
    return { appId: c.appId.toLowerCase(), regions: [...new Set((c.regions as string[]).map((r) => r.toUpperCase()))] };
  });
}

function readPartnerConfig(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`PARTNER_CONFIG: cannot read ${path} as JSON (${(err as Error).message})`);
  }
}

/** pino's levels; anything else would fail later with pino's own text instead of the variable's name. */
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function oneOf(env: NodeJS.ProcessEnv, name: string, allowed: readonly string[], fallback: string): string {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  if (!allowed.includes(v)) throw new ConfigError(`${name} must be one of ${allowed.join(", ")}, got '${v}'`);
  return v;
}

/** A TCP port: 0 (any free port) to 65535. */
function portVar(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = intVar(env, name, fallback);
  if (n > 65_535) throw new ConfigError(`${name} must be a TCP port (0 to 65535), got '${env[name]}'`);
  return n;
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = env[name];
  if (v === undefined || v === "") return undefined;
  if (v === "true" || v === "false") return v === "true";
  throw new ConfigError(`${name} must be true or false, got '${v}'`);
}

function fraction(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a non-negative number, got '${v}'`);
  return n;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = intVar(env, name, fallback);
  if (n === 0) throw new ConfigError(`${name} must be at least 1`);
  return n;
}

function httpsUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const v = env[name] ?? fallback;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(`${name} must be a URL, got '${v}'`);
  }
  // MSAL refuses http authorities and the Graph client strips tokens from http URLs: both must be https.
  if (url.protocol !== "https:") throw new ConfigError(`${name} must be an https URL`);
  return url.origin;
}
