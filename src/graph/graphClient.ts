import { Client, ResponseType, RetryHandlerOptions } from "@microsoft/microsoft-graph-client";
import type { Agent } from "undici";
import { PartnerGraphError } from "../errors";
import type { TokenSource } from "../auth/tokenSource";
import type { GraphBudget } from "./budget";
import { isIdempotent, MAX_ATTEMPTS, RETRYABLE, retryDelayMs, workloadOf, type InFlightLimits, type TenantBreakers } from "./resilience";
import type { GraphRequest, GraphResponse } from "./types";

/** Graph's limit of requests in one JSON batch. */
export const BATCH_LIMIT = 20;

/** Retries are ours (per batch item, with deadlines); the SDK's own outer retry is switched off. */
const NO_SDK_RETRY = new RetryHandlerOptions(0, 0);

/** How one operation may use Graph: shared caps, breakers and budget, and its own deadline. */
export interface CallPolicy {
  limits: InFlightLimits;
  breakers: TenantBreakers;
  budget: GraphBudget;
  /** Epoch ms after which nothing more is sent and waits end. */
  deadline: number;
  signal: AbortSignal;
}

/**
 * Microsoft Graph for one tenant, through @microsoft/microsoft-graph-client: plain requests, and
 * `$batch` for several. Knows nothing of GraphQL; gets its bearer token from a TokenSource.
 */
export class TenantGraphClient {
  private readonly client: Client;
  /** The SDK wraps whatever the auth provider throws into a GraphError; this keeps our typed error. */
  private tokenError?: Error;

  constructor(
    readonly tenantId: string,
    tokens: () => Promise<TokenSource>,
    graphEndpoint: string,
    dispatcher: Agent,
    private readonly policy: CallPolicy,
  ) {
    this.client = Client.initWithMiddleware({
      authProvider: {
        getAccessToken: async () => {
          try {
            const token = await (await tokens()).getToken();
            this.tokenError = undefined;
            this.policy.breakers.record(this.tenantId, "identity", false);
            return token;
          } catch (err) {
            this.tokenError = err instanceof Error ? err : new Error(String(err));
            // Only an unavailable token endpoint counts against its circuit; a refusal is an answer.
            if (err instanceof PartnerGraphError && err.code === "UPSTREAM_UNAVAILABLE") this.policy.breakers.record(this.tenantId, "identity", true);
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

  /**
   * Sends the requests in as few round trips as Graph allows (one plain call, or batches of 20 in
   * parallel), then re-sends the ones Graph throttled or could not serve — together, after the longest
   * Retry-After among them — until they succeed, the attempts run out, or the wait would pass the
   * operation's deadline (the last answer then stands, and becomes THROTTLED with its retryAfter).
   * Items of a tenant and workload whose circuit is open are answered at once without a call.
   */
  async execute(requests: readonly GraphRequest[]): Promise<GraphResponse[]> {
    // A tenant whose token endpoint keeps failing is answered at once, like a failing workload.
    const tokenBlocked = this.policy.breakers.blockedFor(this.tenantId, "identity");
    if (tokenBlocked > 0) {
      throw new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform is unavailable for this tenant.", { tenantId: this.tenantId, retryAfter: Math.ceil(tokenBlocked / 1000) });
    }
    const results: GraphResponse[] = new Array(requests.length);
    let pending = requests.map((_, i) => i);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const go: number[] = [];
      for (const i of pending) {
        const blocked = this.policy.breakers.blockedFor(this.tenantId, workloadOf(requests[i]));
        if (blocked > 0) results[i] = circuitOpen(blocked);
        else go.push(i);
      }
      const answers = go.length ? await this.withinBudget(go.map((i) => requests[i])) : [];
      const retry: number[] = [];
      go.forEach((i, k) => {
        const res = answers[k];
        results[i] = res;
        this.policy.breakers.record(this.tenantId, workloadOf(requests[i]), res.status >= 500);
        if (RETRYABLE.has(res.status) && isIdempotent(requests[i]) && attempt + 1 < MAX_ATTEMPTS) retry.push(i);
      });
      if (retry.length === 0) break;
      const wait = retryDelayMs(retry.map((i) => results[i]), attempt);
      if (Date.now() + wait >= this.policy.deadline) break;
      await sleep(wait, this.policy.signal);
      if (this.policy.signal.aborted) break;
      pending = retry;
    }
    return results;
  }

  /**
   * Waits until the tenant's client-side budget allows these requests, then sends them. A wait that
   * would pass the deadline sends nothing: the requests are answered as throttled, with when to retry.
   */
  private async withinBudget(requests: GraphRequest[]): Promise<GraphResponse[]> {
    const planned = requests.map((req) => ({ req, workload: workloadOf(req) }));
    const wait = this.policy.budget.reserve(this.tenantId, planned);
    if (wait > 0) {
      if (Date.now() + wait >= this.policy.deadline) {
        this.policy.budget.refund(this.tenantId, planned);
        return requests.map(() => ({ status: 429, headers: { "retry-after": String(Math.ceil(wait / 1000)) }, body: { error: { code: "ClientBudgetExhausted" } } }));
      }
      await sleep(wait, this.policy.signal);
    }
    return this.sendAll(requests);
  }

  private sendAll(requests: GraphRequest[]): Promise<GraphResponse[]> {
    if (requests.length === 1) return this.limited(() => this.send(requests[0])).then((r) => [r]);
    const chunks: GraphRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_LIMIT) chunks.push(requests.slice(i, i + BATCH_LIMIT));
    return Promise.all(chunks.map((c) => this.limited(() => this.batch(c)))).then((r) => r.flat());
  }

  private limited<T>(fn: () => Promise<T>): Promise<T> {
    return this.policy.limits.run(this.tenantId, fn, this.policy.signal).catch((err: unknown) => {
      if (this.policy.signal.aborted) throw timeout(this.tenantId);
      throw err;
    });
  }

  private async send(req: GraphRequest): Promise<GraphResponse> {
    // Interactive: a person waits for this answer. Graph throttles low priority first.
    let request = this.client
      .api(req.url)
      .responseType(ResponseType.RAW)
      .middlewareOptions([NO_SDK_RETRY])
      .option("signal", AbortSignal.timeout(Math.max(1, this.policy.deadline - Date.now())))
      .header("x-ms-throttle-priority", "High");
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
      if (Date.now() >= this.policy.deadline) throw timeout(this.tenantId);
      throw new PartnerGraphError("UPSTREAM_UNAVAILABLE", "Microsoft Graph could not be reached.", { tenantId: this.tenantId });
    }
  }
}

/** The answer for items whose circuit is open: no call is made; retry when it may close. */
function circuitOpen(blockedMs: number): GraphResponse {
  return { status: 503, headers: { "retry-after": String(Math.ceil(blockedMs / 1000)) }, body: { error: { code: "CircuitOpen" } } };
}

function timeout(tenantId: string): PartnerGraphError {
  return new PartnerGraphError("TIMEOUT", "This customer tenant did not answer within the operation's deadline.", { tenantId });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
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
