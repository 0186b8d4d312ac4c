import { Client, ResponseType, RetryHandlerOptions } from "@microsoft/microsoft-graph-client";
import type { Agent } from "undici";
import { PartnerGraphError } from "../errors";
import type { TokenSource } from "../auth/tokenSource";
import type { GraphRequest, GraphResponse } from "./types";

/** Graph's limit of requests in one JSON batch. */
export const BATCH_LIMIT = 20;

/** Retries are ours (per batch item, with deadlines); the SDK's own outer retry is switched off. */
const NO_SDK_RETRY = new RetryHandlerOptions(0, 0);

/**
 * Microsoft Graph for one tenant, through @microsoft/microsoft-graph-client: plain requests, and
 * `$batch` for several. Knows nothing of GraphQL; gets its bearer token from a TokenSource.
 */
export class TenantGraphClient {
  private readonly client: Client;
  /** The SDK wraps whatever the auth provider throws into a GraphError; this keeps our typed error. */
  private tokenError?: Error;

  constructor(readonly tenantId: string, tokens: () => Promise<TokenSource>, graphEndpoint: string, dispatcher: Agent) {
    this.client = Client.initWithMiddleware({
      authProvider: {
        getAccessToken: async () => {
          try {
            const token = await (await tokens()).getToken();
            this.tokenError = undefined;
            return token;
          } catch (err) {
            this.tokenError = err instanceof Error ? err : new Error(String(err));
            throw err;
          }
        },
      },
      baseUrl: `${graphEndpoint}/`,
      defaultVersion: "v1.0",
      // The SDK adds the bearer only for Graph's own hosts and these; any other host gets none.
      customHosts: new Set([new URL(graphEndpoint).hostname]),
      fetchOptions: { dispatcher } as never,
    });
  }

  /** Sends the requests in as few round trips as Graph allows: one plain call, or batches of 20 in parallel. */
  async execute(requests: readonly GraphRequest[]): Promise<GraphResponse[]> {
    if (requests.length === 1) return [await this.send(requests[0])];
    const chunks: GraphRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_LIMIT) chunks.push(requests.slice(i, i + BATCH_LIMIT));
    return (await Promise.all(chunks.map((c) => this.batch(c)))).flat();
  }

  async send(req: GraphRequest): Promise<GraphResponse> {
    let request = this.client.api(req.url).responseType(ResponseType.RAW).middlewareOptions([NO_SDK_RETRY]);
    if (req.headers) request = request.headers(req.headers);
    const raw: Response = await this.call(() => (req.method === "POST" ? request.post(req.body) : request.get()));
    return { status: raw.status, headers: headersOf(raw.headers), body: await bodyOf(raw) };
  }

  private async batch(requests: GraphRequest[]): Promise<GraphResponse[]> {
    const body = {
      requests: requests.map((r, i) => ({
        id: String(i + 1),
        method: r.method,
        url: r.url,
        ...(r.body !== undefined ? { body: r.body, headers: { "Content-Type": "application/json", ...r.headers } } : r.headers ? { headers: r.headers } : {}),
      })),
    };
    const outer = await this.send({ method: "POST", url: "/$batch", body, headers: { "Content-Type": "application/json" } });
    if (outer.status !== 200 || !Array.isArray(outer.body?.responses)) {
      // The whole batch failed (throttled, unavailable, malformed): every item shares that answer.
      return requests.map(() => outer);
    }
    // Graph answers items in any order: match them by id.
    const byId = new Map<string, GraphResponse>();
    for (const item of outer.body.responses) {
      byId.set(String(item.id), { status: Number(item.status), headers: lowerKeys(item.headers ?? {}), body: item.body });
    }
    return requests.map((_, i) => byId.get(String(i + 1)) ?? { status: 502, headers: {}, body: { error: { code: "MissingBatchItem" } } });
  }

  private async call(fn: () => Promise<Response>): Promise<Response> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof PartnerGraphError) throw err;
      if (this.tokenError) throw this.tokenError;
      throw new PartnerGraphError("UPSTREAM_UNAVAILABLE", "Microsoft Graph could not be reached.", { tenantId: this.tenantId });
    }
  }
}

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => (out[k.toLowerCase()] = v));
  return out;
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

async function bodyOf(raw: Response): Promise<unknown> {
  const text = await raw.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
