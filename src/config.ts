import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
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
  /** Redis for what replicas share (budget, Graph's Retry-After holds, token cache); in memory when unset. */
  redisUrl?: string;
  /** Prefix of this deployment's keys in Redis. */
  redisKeyPrefix: string;
  /** AES-256-GCM key sealing what sits in Redis (tokens); required with `redisUrl`. */
  redisEncryptionKey?: Buffer;
  /** Keys of earlier rotations: what they sealed still opens; nothing new is sealed with them. */
  redisEncryptionKeysOld: Buffer[];
  /** Bound on one Redis command; past it (or with Redis unreachable) that call uses the process's memory. */
  redisTimeoutMs: number;
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
  /** Least time between two renewals of one caller's token of one tenant after denials (Microsoft's 60 s retry step). */
  tokenRenewalIntervalMs: number;
  /** `NODE_ENV=production`: the production switches below default to off even in the demo entry. */
  nodeEnvProduction: boolean;
  /** Schema introspection; unset: see `productionSwitches`. */
  introspection?: boolean;
  /** "Did you mean …?" in validation and input errors; unset: see `productionSwitches`. */
  suggestions?: boolean;
  /** What a browser gets at `/`: Apollo Sandbox, or nothing (GraphQL's own 400); unset: see `productionSwitches`. */
  landingPage?: LandingPage;
  /** Readiness (`/ready`): how long one outcome of its checks (discovery, a token per regional app) is reused. */
  readinessCacheMs: number;
  /** After SIGTERM/SIGINT: how long `/ready` answers 503 while still serving, before the listener closes. */
  shutdownDelayMs: number;
  /** After SIGTERM/SIGINT: the bound on the whole shutdown (delay, drain, closing); past it the process exits 1. */
  shutdownTimeoutMs: number;
  // Observability (README "Observability"); `observabilityOf` resolves them.
  /** Port of the metrics listener (`GET /metrics`), apart from the API's; null (`off`): no listener. */
  metricsPort: number | null;
  /** OTLP/HTTP endpoints (the base, and the traces one which wins); neither: no tracing. */
  otlpEndpoint?: string;
  otlpTracesEndpoint?: string;
  /** `service.name` of the spans. */
  serviceName: string;
  /** Whether a caller may ask for `extensions.graph` (header x-partner-graph-trace: 1). */
  graphTrace: boolean;
}

/** What src/observability is configured with, resolved. */
export interface ObservabilitySettings {
  metricsPort: number | null;
  /** Where spans are exported; unset: no tracing at all. */
  otlpTracesUrl?: string;
  serviceName: string;
  graphTrace: boolean;
}

/** The traces endpoint: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces` (the OTLP exporter specification's rule). */
export function observabilityOf(
  config: Pick<Config, "metricsPort" | "otlpEndpoint" | "otlpTracesEndpoint" | "serviceName" | "graphTrace">,
): ObservabilitySettings {
  const otlpTracesUrl = config.otlpTracesEndpoint ?? (config.otlpEndpoint ? `${config.otlpEndpoint.replace(/\/+$/, "")}/v1/traces` : undefined);
  return { metricsPort: config.metricsPort, otlpTracesUrl, serviceName: config.serviceName, graphTrace: config.graphTrace };
}

export type LandingPage = "sandbox" | "off";

/** The switches that map the schema for whoever probes it, resolved: what Apollo is configured with. */
export interface ProductionSwitches {
  introspection: boolean;
  suggestions: boolean;
  landingPage: LandingPage;
}

/**
 * Introspection, suggestions and the Sandbox landing page: on in the demo, off in production — the
 * production entry, or any entry with `NODE_ENV=production`. Each variable that is set wins.
 */
export function productionSwitches(config: Config): ProductionSwitches {
  const open = config.demoMode && !config.nodeEnvProduction;
  return {
    introspection: config.introspection ?? open,
    suggestions: config.suggestions ?? open,
    landingPage: config.landingPage ?? (open ? "sandbox" : "off"),
  };
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
  const settings = loadSettings(env);
  const raw = readPartnerConfig(env.PARTNER_CONFIG);
  const partnerTenants = parsePartnerConfig(raw, env);
  const appCallers = parseAppCallers(raw, partnerTenants);
  return Object.freeze({ ...settings, partnerTenants, appCallers, demoMode: false });
}

/*
 * The rules, as zod schemas over a variable's text (an empty variable counts as unset). Each message
 * completes "<VARIABLE> …", so a refusal reads "PORT must be a TCP port (0 to 65535), got '70000'".
 */
const integer = z.string().regex(/^\d+$/, "must be a non-negative integer").transform(Number);
const atLeastOne = integer.pipe(z.number().min(1, "must be at least 1"));
const tcpPort = integer.pipe(z.number().max(65_535, "must be a TCP port (0 to 65535)"));
/** Whole seconds, as milliseconds. */
const seconds = integer.transform((s) => s * 1000);
const decimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "must be a non-negative number")
  .transform(Number);
const share = decimal.pipe(z.number().gt(0, "must be above 0 and at most 1").max(1, "must be above 0 and at most 1"));
const flag = z.enum(["true", "false"], { error: "must be true or false" }).transform((v) => v === "true");
/** pino's levels; anything else would fail later with pino's own text instead of the variable's name. */
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const logLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` });
const landingPage = z.enum(["sandbox", "off"], { error: "must be sandbox or off" });
// MSAL refuses http authorities and the Graph client strips tokens from http URLs: both must be https.
const httpsOrigin = z.string().transform((v, ctx) => {
  const url = URL.canParse(v) ? new URL(v) : undefined;
  if (url?.protocol === "https:") return url.origin;
  ctx.addIssue({ code: "custom", message: url ? "must be an https URL" : "must be a URL" });
  return z.NEVER;
});
/** A port, or `off`. */
const portOrOff = z.string().transform((v, ctx) => {
  if (v === "off") return null;
  const port = tcpPort.safeParse(v);
  if (port.success) return port.data;
  ctx.addIssue({ code: "custom", message: "must be a TCP port (0 to 65535) or off" });
  return z.NEVER;
});
const httpUrl = z.string().refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "must be an http or https URL");
const redisUrl = z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" });
/** 32 bytes in base64 (or base64url), as `openssl rand -base64 32` prints them. */
const KEY_TEXT = /^[A-Za-z0-9+/_-]{43}=?$/;
const KEY_RULE = "must be 32 random bytes in base64 (openssl rand -base64 32)";
const encryptionKey = z
  .string()
  .regex(KEY_TEXT, KEY_RULE)
  .transform((v) => Buffer.from(v.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
const encryptionKeys = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(KEY_TEXT, `must be a comma-separated list of keys, each ${KEY_RULE}`)))
  .transform((keys) => keys.map((k) => Buffer.from(k.replace(/-/g, "+").replace(/_/g, "/"), "base64")));
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);
const pemFile = z.string().transform((path, ctx) => {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `must be a readable file (${(err as NodeJS.ErrnoException).code ?? "unreadable"})` });
    return z.NEVER;
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) ctx.addIssue({ code: "custom", message: "must be a PEM file with at least one certificate" });
  return pem;
});
const cursorSecret = z
  .string()
  .min(32, "must be at least 32 characters")
  .optional()
  .transform((v) => (v ? Buffer.from(v, "utf8") : randomBytes(32)));

/** One environment variable: its name, its rule (with its default), and whether its value may be echoed in a refusal. */
interface Variable<T> {
  name: string;
  rule: z.ZodType<T>;
  secret?: boolean;
}
const variable = <T>(name: string, rule: z.ZodType<T>, options: { secret?: boolean } = {}): Variable<T> => ({ name, rule, ...options });

/**
 * Every setting, one line each: its variable, rule and default. `loadSettings` reads exactly these;
 * the type makes a setting of Settings without a line here (or a line of the wrong type) a compile error.
 */
const SETTINGS: { [K in keyof Settings]-?: Variable<Settings[K]> } = {
  port: variable("PORT", tcpPort.default(4000)),
  graphEndpoint: variable("GRAPH_ENDPOINT", httpsOrigin.default("https://graph.microsoft.com")),
  authorityHost: variable("AUTHORITY_HOST", httpsOrigin.default("https://login.microsoftonline.com")),
  extraCaPem: variable("EXTRA_CA_FILE", pemFile.optional()),
  corsOrigins: variable("CORS_ORIGINS", list.default([])),
  cursorSecret: variable("CURSOR_SECRET", cursorSecret, { secret: true }),
  logLevel: variable("LOG_LEVEL", logLevel.default("info")),
  regionCacheTtlMs: variable("REGION_CACHE_TTL_SECONDS", seconds.default(3_600_000)),
  emulatorPort: variable("EMULATOR_PORT", tcpPort.default(4443)),
  operationTimeoutMs: variable("OPERATION_TIMEOUT_MS", atLeastOne.default(25_000)),
  maxInFlight: variable("GRAPH_MAX_IN_FLIGHT", atLeastOne.default(256)),
  maxInFlightPerTenant: variable("GRAPH_MAX_IN_FLIGHT_PER_TENANT", atLeastOne.default(16)),
  customerListTtlMs: variable("CUSTOMER_LIST_TTL_SECONDS", seconds.default(60_000)),
  redisUrl: variable("REDIS_URL", redisUrl.optional(), { secret: true }),
  redisKeyPrefix: variable("REDIS_KEY_PREFIX", z.string().default("partner-graph:")),
  redisEncryptionKey: variable("REDIS_ENCRYPTION_KEY", encryptionKey.optional(), { secret: true }),
  redisEncryptionKeysOld: variable("REDIS_ENCRYPTION_KEYS_OLD", encryptionKeys.default([]), { secret: true }),
  redisTimeoutMs: variable("REDIS_TIMEOUT_MS", atLeastOne.default(250)),
  maxOperationCost: variable("MAX_OPERATION_COST", atLeastOne.default(100_000)),
  maxOperationDepth: variable("MAX_OPERATION_DEPTH", atLeastOne.default(12)),
  graphBudgetScale: variable("GRAPH_BUDGET_SCALE", decimal.default(1)),
  maxConcurrentOperations: variable("MAX_CONCURRENT_OPERATIONS", atLeastOne.default(500)),
  breakerWindowMs: variable("BREAKER_WINDOW_MS", atLeastOne.default(10_000)),
  breakerMinVolume: variable("BREAKER_MIN_VOLUME", atLeastOne.default(5)),
  breakerFailureRate: variable("BREAKER_FAILURE_RATE", share.default(0.5)),
  breakerOpenMs: variable("BREAKER_OPEN_MS", atLeastOne.default(10_000)),
  maxCostInFlight: variable("MAX_COST_IN_FLIGHT", atLeastOne.default(1_000_000)),
  maxOperationAliases: variable("MAX_OPERATION_ALIASES", atLeastOne.default(200)),
  maxOperationDirectives: variable("MAX_OPERATION_DIRECTIVES", atLeastOne.default(50)),
  maxOperationTokens: variable("MAX_OPERATION_TOKENS", atLeastOne.default(5_000)),
  maxOperationRootFields: variable("MAX_OPERATION_ROOT_FIELDS", atLeastOne.default(20)),
  tokenRenewalIntervalMs: variable("TOKEN_RENEWAL_INTERVAL_SECONDS", seconds.default(60_000)),
  // Any NODE_ENV is accepted (tools set "test", "development", …); only "production" changes a default.
  nodeEnvProduction: variable(
    "NODE_ENV",
    z
      .string()
      .optional()
      .transform((v) => v === "production"),
  ),
  introspection: variable("GRAPHQL_INTROSPECTION", flag.optional()),
  suggestions: variable("GRAPHQL_SUGGESTIONS", flag.optional()),
  landingPage: variable("GRAPHQL_LANDING_PAGE", landingPage.optional()),
  readinessCacheMs: variable("READINESS_CACHE_MS", atLeastOne.default(10_000)),
  shutdownDelayMs: variable("SHUTDOWN_DELAY_MS", integer.default(0)),
  // Inside Kubernetes' default 30 s grace period, and above the 25 s operation deadline (+250 ms to answer).
  shutdownTimeoutMs: variable("SHUTDOWN_TIMEOUT_MS", atLeastOne.default(28_000)),
  // 9464: the port Prometheus exporters conventionally use.
  metricsPort: variable("METRICS_PORT", portOrOff.default(9464)),
  otlpEndpoint: variable("OTEL_EXPORTER_OTLP_ENDPOINT", httpUrl.optional()),
  otlpTracesEndpoint: variable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", httpUrl.optional()),
  serviceName: variable("OTEL_SERVICE_NAME", z.string().default("partner-graph")),
  graphTrace: variable("GRAPH_TRACE", flag.default(true)),
};

/**
 * The only reader of process.env: every setting but PARTNER_CONFIG, for the production configuration
 * (loadConfig) and the demo's, which points them at its built-in cloud (demo/main.ts). Every wrong
 * variable is named at once, with its rule and (unless it is a secret) its value.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Readonly<Settings> {
  const settings: Record<string, unknown> = {};
  const wrong: string[] = [];
  for (const [key, { name, rule, secret }] of Object.entries(SETTINGS) as [string, Variable<unknown>][]) {
    const raw = env[name] === "" ? undefined : env[name];
    const parsed = rule.safeParse(raw);
    if (parsed.success) settings[key] = parsed.data;
    else wrong.push(`${name} ${parsed.error.issues[0]!.message}${secret || raw === undefined ? "" : `, got '${raw.slice(0, 100)}'`}`);
  }
  const s = settings as Settings;
  if (!wrong.length && s.shutdownDelayMs >= s.shutdownTimeoutMs)
    wrong.push(`SHUTDOWN_DELAY_MS must be less than SHUTDOWN_TIMEOUT_MS, got ${s.shutdownDelayMs} and ${s.shutdownTimeoutMs}`);
  // A key generated per process would not open what another replica sealed: sharing needs one configured key.
  if (!wrong.length && s.redisUrl && !s.redisEncryptionKey)
    wrong.push("REDIS_ENCRYPTION_KEY is required with REDIS_URL: 32 random bytes in base64 (openssl rand -base64 32), the same for every replica");
  if (wrong.length) throw new ConfigError(wrong.join("; "));
  return Object.freeze(s);
}

/*
 * PARTNER_CONFIG: nothing in it is trusted until checked field by field. Each message completes
 * "PARTNER_CONFIG <path> …"; values are echoed only where they cannot be secrets (regions, app ids).
 */
const requiredString = z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") }).min(1, "is required");
const guid = (what: string) => z.string({ error: `must be ${what}` }).refine(isGuid, `must be ${what}`);

function partnerConfigSchema(env: NodeJS.ProcessEnv) {
  const certificate = z
    .object(
      {
        thumbprintSha256: z.string({ error: "is required" }).regex(/^[0-9a-f]{64}$/i, "must be the certificate's SHA-256 thumbprint (64 hex digits)"),
        privateKeyPem: z.string().optional(),
        privateKeyFile: z.string().optional(),
      },
      { error: "must be an object" },
    )
    .transform((cert, ctx) => {
      if (cert.privateKeyPem) return { thumbprintSha256: cert.thumbprintSha256, privateKeyPem: cert.privateKeyPem };
      if (!cert.privateKeyFile) {
        ctx.addIssue({ code: "custom", message: "needs privateKeyPem or privateKeyFile" });
        return z.NEVER;
      }
      try {
        return { thumbprintSha256: cert.thumbprintSha256, privateKeyPem: readFileSync(cert.privateKeyFile, "utf8") };
      } catch (err) {
        ctx.addIssue({ code: "custom", path: ["privateKeyFile"], message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? "unreadable"})` });
        return z.NEVER;
      }
    });
  const app = z
    .object(
      {
        clientId: guid("a GUID"),
        clientSecret: z.string().min(1, "must not be empty").optional(),
        clientSecretEnv: z.string().min(1, "must not be empty").optional(),
        certificate: certificate.optional(),
      },
      { error: "is required" },
    )
    .transform((a, ctx) => {
      const secret = a.clientSecret ?? (a.clientSecretEnv !== undefined ? env[a.clientSecretEnv] || undefined : undefined);
      if (a.clientSecret === undefined && a.clientSecretEnv !== undefined && secret === undefined)
        ctx.addIssue({ code: "custom", path: ["clientSecretEnv"], message: `names ${a.clientSecretEnv}, which is not set` });
      else if (!secret && !a.certificate) ctx.addIssue({ code: "custom", message: "needs clientSecret, clientSecretEnv or certificate" });
      return { clientId: a.clientId, clientSecret: secret, certificate: a.certificate };
    });
  const partnerTenant = z.object(
    { region: requiredString, tenantId: guid("a tenant id (GUID)"), displayName: z.string().optional(), app },
    { error: "must be an object" },
  );
  return z.object(
    {
      partnerTenants: z
        .array(partnerTenant, { error: "must be a non-empty array" })
        .min(1, "must be a non-empty array")
        .superRefine((tenants, ctx) => {
          const seen = new Set<string>();
          tenants.forEach((t, i) => {
            if (seen.has(t.region.toUpperCase()))
              ctx.addIssue({ code: "custom", path: [i, "region"], message: `${t.region} appears twice (one partner tenant per region)` });
            seen.add(t.region.toUpperCase());
          });
        }),
    },
    { error: "must be a JSON object" },
  );
}

function appCallersSchema(partners: PartnerTenantConfig[]) {
  const regions = new Set(partners.map((p) => p.region.toUpperCase()));
  const region = z.unknown().refine((r) => typeof r === "string" && regions.has(r.toUpperCase()), {
    error: (issue) => `must be the region of a configured partner tenant, got '${String(issue.input)}'`,
  });
  const caller = z.object(
    {
      appId: guid("a client id (GUID)"),
      regions: z.array(region, { error: "must be a non-empty array of regions" }).min(1, "must be a non-empty array of regions"),
    },
    { error: "must be an object" },
  );
  return z.object({
    appCallers: z
      .array(caller, { error: "must be an array" })
      .optional()
      .superRefine((callers, ctx) => {
        const seen = new Set<string>();
        callers?.forEach((c, i) => {
          if (seen.has(c.appId.toLowerCase())) ctx.addIssue({ code: "custom", path: [i, "appId"], message: `${c.appId} appears twice` });
          seen.add(c.appId.toLowerCase());
        });
      }),
  });
}

/** The regional partner tenants of PARTNER_CONFIG's JSON (`env` resolves `clientSecretEnv`). */
export function parsePartnerConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): PartnerTenantConfig[] {
  return checked(partnerConfigSchema(env), raw).partnerTenants;
}

/**
 * `appCallers` of PARTNER_CONFIG (optional): `[{ "appId": "<client id>", "regions": ["EU"] }]`. Without
 * an entry an app caller reaches only the region of the partner tenant that issued its token.
 */
export function parseAppCallers(raw: unknown, partners: PartnerTenantConfig[]): AppCallerConfig[] {
  const callers = checked(appCallersSchema(partners), raw).appCallers ?? [];
  return callers.map((c) => ({ appId: c.appId.toLowerCase(), regions: [...new Set((c.regions as string[]).map((r) => r.toUpperCase()))] }));
}

/** The parsed value, or a ConfigError naming every wrong field by its path. */
function checked<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `PARTNER_CONFIG${i.path.length ? ` ${pathOf(i.path)}` : ""} ${i.message}`).join("; "));
}

/** `partnerTenants[0].app.clientId`, as the JSON reads. */
function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

function readPartnerConfig(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`PARTNER_CONFIG: cannot read ${path} as JSON (${(err as Error).message})`);
  }
}
