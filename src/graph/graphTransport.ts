import { Client, ResponseType, RetryHandlerOptions } from "@microsoft/microsoft-graph-client";
import type { Agent } from "undici";
import { customerTimedOut, graphUnreachable, identityPlatformUnavailable, PartnerGraphError } from "../errors";
import type { GraphBudget } from "./budget";
import { settleBeforeAbort, sleep, waitFor } from "./cancellation";
import { chunks } from "./chunks";
import type { TokenSource } from "./credentials";
import {
  identityCircuit,
  isIdempotent,
  MAX_ATTEMPTS,
  RETRYABLE,
  retryDelayMs,
  workloadOf,
  type Circuit,
  type InFlightLimits,
  type TenantBreakers,
  type Workload,
} from "./resilience";
import { graphErrorOf, type GraphRequest, type GraphResponse } from "./types";

/** Graph's limit of requests in one JSON batch. */
export const BATCH_LIMIT = 20;

/** The code of the answer for requests our own budget kept back (not sent, so not Graph's answer). */
const BUDGET_CODE = "ClientBudgetExhausted";

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
  /** The caller's partition ("app", or one agent's): token-endpoint failures are counted per partition. */
  partition?: string;
}

/** What sends a tick's Graph requests of one tenant: the SDK transport below, or a fake in unit tests. */
export interface GraphTransport {
  execute(requests: readonly GraphRequest[]): Promise<GraphResponse[]>;
}

/**
 * Microsoft Graph for one tenant, through @microsoft/microsoft-graph-client: plain requests, and
 * `$batch` for several, with retries, breakers, budget and the operation's deadline. Knows nothing of
 * GraphQL; gets its bearer token from a TokenSource.
 */
export class SdkGraphTransport implements GraphTransport {
  private readonly client: Client;
  /** The SDK wraps whatever the auth provider throws into a GraphError; this keeps our typed error. */
  private tokenError?: Error;
  /** This caller partition's circuit of the tenant's token endpoint. */
  private readonly identity: Circuit;

  constructor(
    readonly tenantId: string,
    tokens: () => Promise<TokenSource>,
    graphEndpoint: string,
    dispatcher: Agent,
    private readonly policy: CallPolicy,
  ) {
    this.identity = identityCircuit(policy.partition ?? "app");
    this.client = Client.initWithMiddleware({
      authProvider: {
        getAccessToken: async () => {
          try {
            // A token request still out at the deadline must not hold the operation's answer back.
            const token = await settleBeforeAbort(
              tokens().then((source) => source.getToken()),
              this.policy.signal,
              () => customerTimedOut(this.tenantId),
            );
            this.tokenError = undefined;
            this.policy.breakers.record(this.tenantId, this.identity, false);
            return token;
          } catch (err) {
            this.tokenError = err instanceof Error ? err : new Error(String(err));
            // Only an unavailable token endpoint counts against its circuit; a refusal is an answer.
            const unavailable = err instanceof PartnerGraphError && (err.code === "UPSTREAM_UNAVAILABLE" || err.code === "TIMEOUT");
            this.policy.breakers.record(this.tenantId, this.identity, unavailable);
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
    // A tenant whose token endpoint keeps failing (for this caller partition) is answered at once.
    const token = await this.admit(this.identity);
    if (!token.go) {
      throw identityPlatformUnavailable(this.tenantId, Math.ceil(token.retryAfterMs / 1000));
    }
    const results: GraphResponse[] = new Array(requests.length);
    /** Per workload of these requests: may it go, and does this call hold its half-open probe? */
    const admitted = new Map<Workload, { go: true; probe: boolean } | { go: false; retryAfterMs: number }>();
    /** Whether Graph itself gave each item's current answer (not an open circuit or our budget). */
    const fromGraph: boolean[] = new Array(requests.length).fill(false);
    const sentOf = new Map<Workload, number>();
    let thrown = false;
    let tokenFailed = false;
    try {
      let pending = requests.map((_, i) => i);
      for (let attempt = 0; pending.length > 0; attempt++) {
        const go: number[] = [];
        const asked = new Set<Workload>();
        for (const i of pending) {
          const w = workloadOf(requests[i]);
          // Decided once per workload and attempt for all of these items: the probe carries every item
          // of its workload; a refusal is asked again only at the next attempt.
          let a = admitted.get(w);
          if (!a || (!a.go && !asked.has(w))) {
            a = await this.admit(w);
            admitted.set(w, a);
          }
          asked.add(w);
          if (a.go) go.push(i);
          else {
            results[i] = circuitOpen(a.retryAfterMs);
            fromGraph[i] = false;
          }
        }
        // Counted when a call really leaves (not while it waits for a slot): only those can fail at Graph.
        const started = (sent: readonly GraphRequest[]) => sent.forEach((r) => sentOf.set(workloadOf(r), (sentOf.get(workloadOf(r)) ?? 0) + 1));
        const answers = go.length
          ? await this.withinBudget(
              go.map((i) => requests[i]),
              started,
            )
          : [];
        const retry: number[] = [];
        go.forEach((i, k) => {
          const res = answers[k];
          results[i] = res;
          fromGraph[i] = graphErrorOf(res).code !== BUDGET_CODE;
          if (RETRYABLE.has(res.status) && isIdempotent(requests[i]) && attempt + 1 < MAX_ATTEMPTS) retry.push(i);
        });
        if (retry.length === 0) break;
        const wait = retryDelayMs(
          retry.map((i) => results[i]),
          attempt,
        );
        if (Date.now() + wait >= this.policy.deadline) break;
        await sleep(wait, this.policy.signal);
        if (this.policy.signal.aborted) break;
        pending = retry;
      }
      return results;
    } catch (err) {
      // A timeout or an unreachable Graph is a failure of what was sent; a token failure is the identity circuit's.
      tokenFailed = err === this.tokenError;
      thrown = !tokenFailed && err instanceof PartnerGraphError && (err.code === "TIMEOUT" || err.code === "UPSTREAM_UNAVAILABLE");
      throw err;
    } finally {
      this.settleOutcomes(requests, results, fromGraph, admitted, sentOf, thrown, tokenFailed);
      if (token.probe) this.policy.breakers.abandon(this.tenantId, this.identity);
    }
  }

  /**
   * Records each workload's final outcomes (after retries) on its breaker: a 5xx from Graph is a
   * failure, any other answer from Graph a success; a call that threw (timeout, unreachable) failed for
   * every item it sent. A half-open probe that got no answer at all counts as failed, never as nothing.
   */
  private settleOutcomes(
    requests: readonly GraphRequest[],
    results: GraphResponse[],
    fromGraph: boolean[],
    admitted: Map<Workload, { go: boolean; probe?: boolean }>,
    sentOf: Map<Workload, number>,
    thrown: boolean,
    tokenFailed: boolean,
  ): void {
    const tally = new Map<Workload, { ok: number; failed: number }>();
    requests.forEach((req, i) => {
      const w = workloadOf(req);
      const t = tally.get(w) ?? { ok: 0, failed: 0 };
      if (!thrown && fromGraph[i] && results[i]) {
        if (results[i].status >= 500) t.failed++;
        else t.ok++;
      }
      tally.set(w, t);
    });
    for (const [w, a] of admitted) {
      const t = tally.get(w) ?? { ok: 0, failed: 0 };
      const sent = sentOf.get(w) ?? 0;
      if (thrown) t.failed += sent;
      if (a.go && a.probe && t.ok === 0 && t.failed === 0) {
        // A probe that left and got no answer failed (timeout, abort); one that never reached Graph decides nothing.
        if (sent > 0 && !tokenFailed) t.failed = 1;
        else {
          this.policy.breakers.abandon(this.tenantId, w);
          continue;
        }
      }
      this.policy.breakers.settle(this.tenantId, w, t, a.go && a.probe === true);
    }
  }

  /**
   * Asks the circuit's breaker whether to go. While another call probes a half-open circuit, waits
   * for that probe's outcome (within the deadline) instead of failing at once: items of the same
   * operation are not failed because a probe was chosen; they fail only if the probe does.
   */
  private async admit(circuit: Circuit): Promise<{ go: true; probe: boolean } | { go: false; retryAfterMs: number }> {
    for (;;) {
      const a = this.policy.breakers.admit(this.tenantId, circuit);
      if (a.go || !a.probeInFlight) return a;
      const left = this.policy.deadline - Date.now();
      if (left <= 0 || this.policy.signal.aborted) return { go: false, retryAfterMs: a.retryAfterMs };
      await waitFor(a.probeInFlight, left, this.policy.signal);
    }
  }

  /**
   * Waits until the tenant's client-side budget allows these requests (and any Retry-After Graph gave
   * for the tenant's workload, to this replica or another, has passed), then sends them. A wait that
   * would pass the deadline sends nothing: the requests are answered as throttled, with when to retry.
   * Graph's own 429/503 Retry-After in the answers holds the tenant's workload for everyone.
   */
  private async withinBudget(requests: GraphRequest[], started: (sent: readonly GraphRequest[]) => void): Promise<GraphResponse[]> {
    const planned = requests.map((req) => ({ req, workload: workloadOf(req) }));
    const wait = await this.policy.budget.reserve(this.tenantId, planned);
    if (wait > 0) {
      if (Date.now() + wait >= this.policy.deadline) {
        await this.policy.budget.refund(this.tenantId, planned);
        return requests.map(() => ({ status: 429, headers: { "retry-after": String(Math.ceil(wait / 1000)) }, body: { error: { code: BUDGET_CODE } } }));
      }
      await sleep(wait, this.policy.signal);
    }
    const answers = await this.sendAll(requests, started);
    await this.policy.budget.heedRetryAfter(this.tenantId, planned, answers);
    return answers;
  }

  private sendAll(requests: GraphRequest[], started: (sent: readonly GraphRequest[]) => void): Promise<GraphResponse[]> {
    if (requests.length === 1) return this.limited(() => (started(requests), this.send(requests[0]))).then((r) => [r]);
    return Promise.all(chunks(requests, BATCH_LIMIT).map((c) => this.limited(() => (started(c), this.batch(c))))).then((r) => r.flat());
  }

  private limited<T>(fn: () => Promise<T>): Promise<T> {
    return this.policy.limits.run(this.tenantId, fn, this.policy.signal).catch((err: unknown) => {
      if (this.policy.signal.aborted) throw customerTimedOut(this.tenantId);
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
    const items = (outer.body as { responses?: unknown } | undefined)?.responses;
    if (outer.status !== 200 || !Array.isArray(items)) {
      // The whole batch failed (throttled, unavailable, malformed): every item shares that answer.
      return requests.map(() => outer);
    }
    // Graph answers items in any order: match them by id.
    const byId = new Map<string, GraphResponse>();
    for (const item of items as Array<{ id?: unknown; status?: unknown; headers?: Record<string, string>; body?: unknown }>) {
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
      if (Date.now() >= this.policy.deadline) throw customerTimedOut(this.tenantId);
      throw graphUnreachable(this.tenantId);
    }
  }
}

/** The answer for items whose circuit is open: no call is made; retry when it may close. */
function circuitOpen(blockedMs: number): GraphResponse {
  return { status: 503, headers: { "retry-after": String(Math.ceil(blockedMs / 1000)) }, body: { error: { code: "CircuitOpen" } } };
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
