import type { AddressInfo } from "node:net";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type GraphQLFormattedError } from "graphql";
import { Agent, fetch } from "undici";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import type { CountersSnapshot, LoggedRequest } from "../../emulator/counters";
import { createApp, type PartnerGraphApp } from "../../src/app";
import { loadSettings, parseAppCallers, parsePartnerConfig, type Config } from "../../src/config";
import type { ErrorCode, ErrorDetails } from "../../src/errors";
import { createLogger, type Logger } from "../../src/log";
import type { ObservabilityOptions } from "../../src/observability/observability";

/** Graph HTTP requests (plain and $batch) the subgraph sent to one tenant. */
export function graphCallsTo(c: CountersSnapshot, tenantId: string): number {
  return (c.byTenant[tenantId]?.graph ?? 0) + (c.byTenant[tenantId]?.batch ?? 0);
}

/** The logged Graph calls (plain requests and batch items, not the $batch envelopes) of a tenant whose path matches. */
export function graphRequestsTo(c: CountersSnapshot, tenantId: string, path: RegExp): LoggedRequest[] {
  return c.requests.filter((r) => r.tenantId === tenantId && r.kind !== "batch" && path.test(r.url.split("?")[0]!));
}

/** The query options of a logged Graph call. */
export function queryOf(r: LoggedRequest): URLSearchParams {
  return new URL(r.url, "https://graph.local").searchParams;
}

/** A seeded customer as the emulator's control API lists it (`GET /_emulator/tenants`). */
export interface SeededCustomer {
  id: string;
  region: string;
  domains: string[];
  sizes: { users: number; groups: number; devices: number; managedDevices: number };
}

/** The seeded customers of the harness's cloud. */
export async function seededCustomers(h: Harness): Promise<SeededCustomer[]> {
  return (await h.control<{ customers: SeededCustomer[] }>("GET", "/tenants")).customers;
}

/** A client-visible error: our codes and details, or Apollo's request-error codes. */
export interface AnswerError extends GraphQLFormattedError {
  readonly extensions?: ErrorDetails & { code?: ErrorCode | (string & {}) };
}

/** The HTTP answer to an operation, `data` typed by the operation's document. */
export interface Answer<TData> {
  status: number;
  body: { data?: TData | null; errors?: AnswerError[]; extensions?: Record<string, unknown> };
}

/** The data of an answer that must have no errors (typed when the answer is, from `run`). */
export function dataOf<A extends { status: number; body: { data?: unknown; errors?: unknown } }>(r: A): NonNullable<A["body"]["data"]> {
  expect(r.body.errors).toBeUndefined();
  expect(r.status).toBe(200);
  return r.body.data as NonNullable<A["body"]["data"]>;
}

/** The errors of an answer that must have some. */
export function errorsOf(r: Answer<unknown>): AnswerError[] {
  expect(r.body.errors?.length).toBeGreaterThan(0);
  return r.body.errors!;
}

/** A type guard for one member of a union or interface list (`nodes.filter(ofType("Group"))`). */
export const ofType =
  <N extends string>(typename: N) =>
  <T extends { __typename: string }>(node: T): node is Extract<T, { __typename: N }> =>
    node.__typename === typename;

const printed = new WeakMap<object, string>();
/** A document's text, printed once. */
function textOf(document: TypedDocumentNode<unknown, never>): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

/** The PARTNER_CONFIG JSON the emulator writes for its partner tenants. */
export type PartnerConfigJson = ReturnType<RunningEmulator["partnerConfig"]>;

export interface Harness {
  emulator: RunningEmulator;
  app: PartnerGraphApp;
  config: Config;
  /** http://127.0.0.1:PORT/graphql of the subgraph. */
  graphqlUrl: string;
  /** http://127.0.0.1:PORT/metrics of the subgraph's metrics listener (absent with METRICS_PORT=off). */
  metricsUrl?: string;
  /** Runs an operation over HTTP, as a frontend would. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Runs a typed document (test/operations, examples; `npm run codegen`) over HTTP: `data` has the operation's type. */
  run<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
    headers?: Record<string, string>,
  ): Promise<Answer<TData>>;
  control<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  counters(): Promise<CountersSnapshot>;
  /** A token for this API from a region's partner-managed app itself (client credentials): an app caller. */
  appToken(region: string): Promise<string>;
  resetCounters(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The built-in cloud and the subgraph, both real: the subgraph reaches the emulator over HTTPS through
 * MSAL and the Graph client, trusting the emulator's CA explicitly; tests call the subgraph over HTTP.
 */
export async function startHarness(
  options: {
    emulator?: EmulatorOptions;
    env?: Record<string, string>;
    demoMode?: boolean;
    log?: Logger;
    /** Rewrites the emulator's PARTNER_CONFIG before the subgraph parses it (the result may be anything, to test refusals). */
    partnerConfig?: (raw: PartnerConfigJson) => unknown;
    config?: (c: Config) => Config;
    /** Observability of the app (an in-memory span exporter). */
    observability?: ObservabilityOptions;
  } = {},
): Promise<Harness> {
  const emulator = await startEmulator(options.emulator);
  const base = loadSettings({ LOG_LEVEL: "silent", CURSOR_SECRET: "test-cursor-secret-of-at-least-32-chars", ...options.env });
  const raw = options.partnerConfig ? options.partnerConfig(emulator.partnerConfig()) : emulator.partnerConfig();
  const partnerTenants = parsePartnerConfig(raw);
  const configured: Config = {
    ...base,
    demoMode: options.demoMode ?? true,
    port: 0,
    graphEndpoint: emulator.url,
    authorityHost: emulator.url,
    extraCaPem: emulator.caCert,
    partnerTenants,
    appCallers: parseAppCallers(raw, partnerTenants),
  };
  const config: Config = Object.freeze(options.config ? options.config(configured) : configured);
  const app = await createApp(config, options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? "silent"), options.observability);
  await new Promise<void>((resolve) => app.http.listen(0, "127.0.0.1", resolve));
  const graphqlUrl = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}/graphql`;
  const metrics = app.metrics;
  if (metrics) await new Promise<void>((resolve) => metrics.listen(0, "127.0.0.1", resolve));
  const metricsUrl = metrics ? `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics` : undefined;
  const controlAgent = new Agent({ connect: { ca: emulator.caCert } });

  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${emulator.url}/_emulator${path}`, {
      method,
      dispatcher: controlAgent,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  const query: Harness["query"] = async (query, variables, headers = {}) => {
    const res = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  return {
    emulator,
    app,
    config,
    graphqlUrl,
    metricsUrl,
    query,
    run: (document, variables, headers) => query(textOf(document as TypedDocumentNode<unknown, never>), variables, headers),
    control,
    counters: () => control<CountersSnapshot>("GET", "/counters"),
    async appToken(region) {
      const p = config.partnerTenants.find((t) => t.region === region)!;
      const res = await fetch(`${emulator.url}/${p.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        dispatcher: controlAgent,
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: p.app.clientId,
          client_secret: p.app.clientSecret!,
          scope: `api://${p.app.clientId}/.default`,
        }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    },
    resetCounters: async () => void (await control("POST", "/counters/reset")),
    async close() {
      await app.close();
      await controlAgent.close();
      await emulator.close();
    },
  };
}
