import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from "@azure/msal-node";
import { Client, ResponseType, RetryHandlerOptions, type GraphRequest } from "@microsoft/microsoft-graph-client";
import { Agent, fetch } from "undici";
import { startEmulator, type RunningEmulator } from "../../emulator";

/**
 * Test kit for driving a running emulator over real HTTPS with the real client libraries:
 * `@azure/msal-node` for tokens and `@microsoft/microsoft-graph-client` for Graph calls. The
 * emulator's CA is trusted through one undici Agent (msal-graph-client-offline.md "demo mode");
 * certificate verification stays on, and no environment variable or global dispatcher is touched.
 */

export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

export interface CustomerInfo {
  id: string;
  displayName: string;
  region: string;
  defaultDomain: string;
  partnerTenantId: string;
  sizes: { users: number; managedDevices: number; [k: string]: number };
}

export interface PartnerInfo {
  region: string;
  tenantId: string;
  app: AppCredentials;
  /** The partner's customers, as GET /_emulator/tenants lists them. */
  customers: CustomerInfo[];
}

export interface RawResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One call MSAL made through its network client. */
export interface MsalCall {
  method: "GET" | "POST";
  url: string;
}

export class HttpsKit {
  /** Every call any MSAL instance built by this kit asked its network client for, oldest first. */
  readonly msalCalls: MsalCall[] = [];
  private defaults: Record<string, unknown> = {};

  private constructor(
    readonly emu: RunningEmulator,
    readonly agent: Agent,
  ) {}

  static async start(): Promise<HttpsKit> {
    const emu = await startEmulator();
    const kit = new HttpsKit(emu, new Agent({ connect: { ca: emu.caCert } }));
    kit.defaults = await kit.control("GET", "/settings");
    return kit;
  }

  get url(): string {
    return this.emu.url;
  }

  /** "127.0.0.1:PORT": what MSAL's knownAuthorities must hold (the port is required). */
  get authorityHost(): string {
    return new URL(this.emu.url).host;
  }

  async close(): Promise<void> {
    await this.agent.close();
    await this.emu.close();
  }

  // Control API ------------------------------------------------------------------------------

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async control<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(`/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`control ${method} ${path}: ${res.status} ${res.text}`);
    return res.body as T;
  }

  /** A quiet cloud: no faults, empty counters, full throttle buckets, and the start-up settings. */
  async reset(): Promise<void> {
    this.msalCalls.length = 0;
    await this.control("POST", "/reset");
    await this.control("PUT", "/settings", this.defaults);
  }

  /** Partner tenants with their app credentials and customers (partner-config + tenants). */
  async partners(): Promise<PartnerInfo[]> {
    const config = await this.control<{ partnerTenants: Array<{ region: string; tenantId: string; app: AppCredentials }> }>("GET", "/partner-config");
    const tenants = await this.control<{ customers: CustomerInfo[] }>("GET", "/tenants");
    return config.partnerTenants.map((p) => ({
      region: p.region,
      tenantId: p.tenantId,
      app: { clientId: p.app.clientId, clientSecret: p.app.clientSecret },
      customers: tenants.customers.filter((c) => c.partnerTenantId === p.tenantId),
    }));
  }

  /** Plain HTTPS through the kit's agent (for raw token POSTs and the control API). */
  async fetch(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
    const res = await fetch(path.startsWith("https://") ? path : `${this.url}${path}`, { ...init, dispatcher: this.agent });
    return toRaw(res.status, res.headers, await res.text());
  }

  // MSAL ---------------------------------------------------------------------------------------

  /**
   * An INetworkModule over undici fetch with the kit's agent. It records every call in msalCalls,
   * and refuses (without any network traffic) URLs on other hosts than the emulator.
   */
  networkClient(): INetworkModule {
    const send = async <T>(method: "GET" | "POST", url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
      this.msalCalls.push({ method, url });
      if (new URL(url).origin !== this.url) throw new Error(`refused to leave the emulator: ${method} ${url}`);
      const res = await fetch(url, { method, headers: options?.headers, body: method === "POST" ? options?.body : undefined, dispatcher: this.agent });
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
      const text = await res.text();
      return { headers, status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    };
    return {
      sendGetRequestAsync: (url, options) => send("GET", url, options),
      sendPostRequestAsync: (url, options) => send("POST", url, options),
    };
  }

  /** A ConfidentialClientApplication on the emulator's login host, with the host in knownAuthorities. */
  cca(app: AppCredentials, opts: { tenant?: string; knownAuthorities?: boolean; authorityMetadata?: string } = {}): ConfidentialClientApplication {
    return new ConfidentialClientApplication({
      auth: {
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        authority: `${this.url}/${opts.tenant ?? "organizations"}`,
        ...(opts.knownAuthorities === false ? {} : { knownAuthorities: [this.authorityHost] }),
        ...(opts.authorityMetadata ? { authorityMetadata: opts.authorityMetadata } : {}),
      },
      system: { networkClient: this.networkClient() },
    });
  }

  /** The authority of one tenant, for per-request overrides of acquireTokenByClientCredential. */
  authority(tenantId: string): string {
    return `${this.url}/${tenantId}`;
  }

  // Graph client -------------------------------------------------------------------------------

  /** A Graph client on the emulator: baseUrl and, unless told otherwise, customHosts ["127.0.0.1"]. */
  graph(getAccessToken: () => Promise<string>, opts: { customHosts?: boolean } = {}): Client {
    return Client.initWithMiddleware({
      authProvider: { getAccessToken },
      baseUrl: `${this.url}/`,
      ...(opts.customHosts === false ? {} : { customHosts: new Set([new URL(this.url).hostname]) }),
      fetchOptions: { dispatcher: this.agent } as never,
    });
  }

  /** A Graph client whose provider acquires app-only tokens for one tenant through MSAL. */
  graphFor(app: ConfidentialClientApplication, tenantId: string): Client {
    return this.graph(async () => {
      const r = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], authority: this.authority(tenantId) });
      return r!.accessToken;
    });
  }
}

/**
 * Sends a Graph request with the SDK and returns the raw answer (status, headers, parsed body),
 * whatever its status. RetryHandlerOptions(0, 0) stops the SDK retrying 429/503/504.
 */
export async function raw(request: GraphRequest, method: "get" | "post" = "get", body?: unknown): Promise<RawResponse> {
  const r = request.responseType(ResponseType.RAW).middlewareOptions([new RetryHandlerOptions(0, 0)]);
  const res = (await (method === "get" ? r.get() : r.post(body))) as Response;
  return toRaw(res.status, res.headers, await res.text());
}

function toRaw(status: number, headers: { forEach(cb: (v: string, k: string) => void): void }, text: string): RawResponse {
  const h: Record<string, string> = {};
  headers.forEach((v, k) => (h[k.toLowerCase()] = v));
  let body: unknown = text;
  if ((h["content-type"] ?? "").includes("json") && text) body = JSON.parse(text);
  return { status, headers: h, text, body };
}
