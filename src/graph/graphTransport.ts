import { randomUUID } from "node:crypto";
import type { Agent, Dispatcher } from "undici";
import { customerTimedOut, graphUnreachable, identityPlatformUnavailable, PartnerGraphError } from "../errors";
import type { GraphBudget } from "./budget";
import { abortListenerOf, settleBeforeAbort, sleep, waitFor } from "./cancellation";
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
import type { GraphObserver, TokenReporter } from "./observer";
import { parseRetryAfter } from "./retryAfter";
import { graphErrorOf, type GraphRequest, type GraphResponse } from "./types";

/** Graph's limit of requests in one JSON batch. */
export const BATCH_LIMIT = 20;

/** The code of the answer for requests our own budget kept back (not sent, so not Graph's answer). */
const BUDGET_CODE = "ClientBudgetExhausted";

/** The Graph version every request is sent to. */
const VERSION_ROOT = "/v1.0";

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
  /** The operation's recorder: told of every call, retry, wait, breaker decision and token (src/graph/observer.ts). */
  observer?: GraphObserver;
}

/** What sends a tick's Graph requests of one tenant: the HTTP transport below, or a fake in unit tests. */
export interface GraphTransport {
  execute(requests: readonly GraphRequest[]): Promise<GraphResponse[]>;
}

/**
 * Microsoft Graph for one tenant, over undici on the process's one HTTPS Agent: plain requests, and
 * `$batch` for several, with retries, breakers, budget and the operation's deadline. Knows nothing of
 * GraphQL; gets its bearer token from a TokenSource.
 *
 * Not through @microsoft/microsoft-graph-client: every call through it built a WHATWG Request and
 * Response over web streams (Node's fetch), which cost more CPU than the rest of a 1,000-customer
 * operation (README, "Transport"). What this keeps of the SDK's behaviour: the bearer only for the
 * configured Graph origin (its customHosts rule), `client-request-id` on every call, JSON bodies with
 * `Content-Type: application/json`, and no redirect following (Graph's JSON APIs answer none).
 */
export class HttpGraphTransport implements GraphTransport {
  /** The last token failure, so a failed call is told apart from a failed token (identity circuit). */
  private tokenError?: Error;
  /** This caller partition's circuit of the tenant's token endpoint. */
  private readonly identity: Circuit;
  /** Tells the operation's recorder how each token was had (absent without a recorder). */
  private readonly reportToken?: TokenReporter;

  constructor(
    readonly tenantId: string,
    private readonly tokens: () => Promise<TokenSource>,
    private readonly graphEndpoint: string,
    private readonly dispatcher: Agent,
    private readonly policy: CallPolicy,
  ) {
    this.identity = identityCircuit(policy.partition ?? "app");
    const { observer } = policy;
    this.reportToken = observer && ((t) => observer.token(tenantId, t));
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
    const pendingToken = this.admit(this.identity);
    const token = pendingToken instanceof Promise ? await pendingToken : pendingToken;
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
            const pendingAdmission = this.admit(w);
            a = pendingAdmission instanceof Promise ? await pendingAdmission : pendingAdmission;
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
              attempt + 1,
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
        this.reportRetry(
          attempt + 1,
          wait,
          retry.map((i) => results[i]),
        );
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
  private admit(circuit: Circuit): Admitted | Promise<Admitted> {
    // Decided at once unless a probe is out (the common case: no promise, no tick).
    const a = this.policy.breakers.admit(this.tenantId, circuit);
    return a.go || !a.probeInFlight ? this.reportAdmission(circuit, a, undefined) : this.admitAfterProbe(circuit, a.probeInFlight, a.retryAfterMs);
  }

  private async admitAfterProbe(circuit: Circuit, probeInFlight: Promise<unknown>, retryAfterMs: number): Promise<Admitted> {
    const waitedSince = Date.now();
    for (;;) {
      const left = this.policy.deadline - Date.now();
      if (left <= 0 || this.policy.signal.aborted) return this.reportAdmission(circuit, { go: false, retryAfterMs }, waitedSince);
      await waitFor(probeInFlight, left, this.policy.signal);
      const a = this.policy.breakers.admit(this.tenantId, circuit);
      if (a.go || !a.probeInFlight) return this.reportAdmission(circuit, a, waitedSince);
      probeInFlight = a.probeInFlight;
      retryAfterMs = a.retryAfterMs;
    }
  }

  /**
   * Waits until the tenant's client-side budget allows these requests (and any Retry-After Graph gave
   * for the tenant's workload, to this replica or another, has passed), then sends them. A wait that
   * would pass the deadline sends nothing: the requests are answered as throttled, with when to retry.
   * Graph's own 429/503 Retry-After in the answers holds the tenant's workload for everyone.
   */
  private async withinBudget(requests: GraphRequest[], started: (sent: readonly GraphRequest[]) => void, attempt: number): Promise<GraphResponse[]> {
    const planned = requests.map((req) => ({ req, workload: workloadOf(req) }));
    const wait = await this.policy.budget.reserve(this.tenantId, planned);
    if (wait > 0) {
      if (Date.now() + wait >= this.policy.deadline) {
        await this.policy.budget.refund(this.tenantId, planned);
        this.policy.observer?.budgetWait(this.tenantId, { waitMs: wait, items: requests.length, sent: false });
        return requests.map(() => ({ status: 429, headers: { "retry-after": String(Math.ceil(wait / 1000)) }, body: { error: { code: BUDGET_CODE } } }));
      }
      await sleep(wait, this.policy.signal);
      this.policy.observer?.budgetWait(this.tenantId, { waitMs: wait, items: requests.length, sent: true });
    }
    const answers = await this.sendAll(requests, started, attempt);
    await this.policy.budget.heedRetryAfter(this.tenantId, planned, answers);
    return answers;
  }

  private sendAll(requests: GraphRequest[], started: (sent: readonly GraphRequest[]) => void, attempt: number): Promise<GraphResponse[]> {
    if (requests.length === 1) return this.observed(requests, attempt, started, () => this.send(requests[0]).then((r) => ({ outer: r, items: [r] })));
    return Promise.all(chunks(requests, BATCH_LIMIT).map((c) => this.observed(c, attempt, started, () => this.batch(c)))).then((r) => r.flat());
  }

  // ── What the operation's recorder hears (src/graph/observer.ts); nothing is reported without one ──

  /**
   * One plain call or one `$batch` in an in-flight slot, reported when it ends with Graph's
   * request-ids (from the answer's headers; a batch's are the envelope's) and every item's status.
   */
  private observed(
    requests: GraphRequest[],
    attempt: number,
    started: (sent: readonly GraphRequest[]) => void,
    send: () => Promise<{ outer: GraphResponse; items: GraphResponse[] }>,
  ): Promise<GraphResponse[]> {
    const { observer } = this.policy;
    if (!observer) return this.limited(() => (started(requests), send())).then((r) => r.items);
    const queuedAt = Date.now();
    let sentAt: number | undefined;
    const report = (answer?: { outer: GraphResponse; items: GraphResponse[] }, failure?: string) => {
      if (sentAt === undefined) return; // never left its queue: nothing happened at Graph
      const plain = requests.length === 1;
      observer.call(this.tenantId, {
        kind: plain ? "plain" : "batch",
        method: plain ? requests[0].method : "POST",
        url: plain ? requests[0].url : "/$batch",
        attempt,
        items: requests.map((r, i) => ({ method: r.method, url: r.url, workload: workloadOf(r), status: answer?.items[i]?.status })),
        status: answer?.outer.status,
        failure,
        requestId: answer?.outer.headers["request-id"],
        clientRequestId: answer?.outer.headers["client-request-id"],
        queuedAt,
        sentAt,
        endedAt: Date.now(),
      });
    };
    return this.limited(() => {
      started(requests);
      sentAt = Date.now();
      return send();
    }).then(
      (answer) => {
        report(answer);
        return answer.items;
      },
      (err: unknown) => {
        report(undefined, err instanceof PartnerGraphError ? err.code : "INTERNAL_SERVER_ERROR");
        throw err;
      },
    );
  }

  private reportRetry(attempt: number, waitMs: number, failed: readonly GraphResponse[]): void {
    const { observer } = this.policy;
    if (!observer) return;
    const retryAfter = failed.map((r) => parseRetryAfter(r.headers["retry-after"])).filter((s): s is number => s !== undefined);
    observer.retry(this.tenantId, {
      attempt,
      waitMs,
      statuses: failed.map((r) => r.status),
      retryAfterMs: retryAfter.length ? Math.ceil(Math.max(...retryAfter) * 1000) : undefined,
    });
  }

  /** A breaker's decision, told when it was not a plain "go"; returns the admission as it was. */
  private reportAdmission<A extends { go: boolean; probe?: boolean; retryAfterMs?: number }>(circuit: Circuit, a: A, waitedSince: number | undefined): A {
    const { observer } = this.policy;
    if (!observer) return a;
    const decision = !a.go ? "refused" : a.probe ? "probe" : waitedSince !== undefined ? "waited" : undefined;
    if (decision) {
      observer.breaker(this.tenantId, {
        circuit: circuit.startsWith("identity") ? "identity" : (circuit as Workload),
        decision,
        retryAfterMs: a.retryAfterMs,
        waitedMs: waitedSince === undefined ? undefined : Date.now() - waitedSince,
      });
    }
    return a;
  }

  private limited<T>(fn: () => Promise<T>): Promise<T> {
    return this.policy.limits.run(this.tenantId, fn, this.policy.signal).catch((err: unknown) => {
      if (this.policy.signal.aborted) throw customerTimedOut(this.tenantId);
      throw err;
    });
  }

  /** One HTTP call to Graph: the bearer (for the Graph origin only), our headers, the operation's abort signal. */
  private async send(req: GraphRequest): Promise<GraphResponse> {
    const target = targetOf(req.url, this.graphEndpoint);
    // Interactive: a person waits for this answer. Graph throttles low priority first.
    const headers: Record<string, string> = { "x-ms-throttle-priority": "High", "client-request-id": randomUUID(), ...lowerKeys(req.headers) };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] ??= "application/json";
    }
    return this.call(async () => {
      // The SDK's rule, kept: a bearer token goes to the configured Graph origin only, never elsewhere.
      if (bearerAllowed(target.origin, this.graphEndpoint)) headers.authorization = `Bearer ${await this.accessToken()}`;
      else delete headers.authorization;
      const res = await this.dispatcher.request({
        origin: target.origin,
        path: target.path,
        method: req.method,
        headers,
        body,
        signal: abortListenerOf(this.policy.signal),
      });
      return { status: res.statusCode, headers: flatHeaders(res.headers), body: parseBody(await res.body.text()) };
    });
  }

  /** The tenant's token, or the operation's TIMEOUT if it is still out at the deadline; its outcome counts on the identity circuit. */
  private async accessToken(): Promise<string> {
    try {
      // A token request still out at the deadline must not hold the operation's answer back.
      const token = await settleBeforeAbort(
        this.tokens().then((source) => source.getToken(this.reportToken)),
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
      throw this.tokenError;
    }
  }

  private async batch(requests: GraphRequest[]): Promise<{ outer: GraphResponse; items: GraphResponse[] }> {
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
      return { outer, items: requests.map(() => outer) };
    }
    // Graph answers items in any order: match them by id.
    const byId = new Map<string, GraphResponse>();
    for (const item of items as Array<{ id?: unknown; status?: unknown; headers?: Record<string, string>; body?: unknown }>) {
      byId.set(String(item.id), { status: Number(item.status), headers: lowerKeys(item.headers ?? {}), body: item.body });
    }
    return { outer, items: requests.map((_, i) => byId.get(String(i + 1)) ?? { status: 502, headers: {}, body: { error: { code: "MissingBatchItem" } } }) };
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof PartnerGraphError || err === this.tokenError) throw err;
      if (Date.now() >= this.policy.deadline) throw customerTimedOut(this.tenantId);
      throw graphUnreachable(this.tenantId);
    }
  }
}

type Admitted = { go: true; probe: boolean } | { go: false; retryAfterMs: number };

/** The answer for items whose circuit is open: no call is made; retry when it may close. */
function circuitOpen(blockedMs: number): GraphResponse {
  return { status: 503, headers: { "retry-after": String(Math.ceil(blockedMs / 1000)) }, body: { error: { code: "CircuitOpen" } } };
}

/**
 * Where a request goes: a path under the Graph version root (every URL we build), or an absolute URL
 * as given (none today; the SDK accepted them too, and `bearerAllowed` decides whether it gets a token).
 */
export function targetOf(url: string, graphEndpoint: string): { origin: string; path: string } {
  if (url.startsWith("/")) return { origin: graphEndpoint, path: `${VERSION_ROOT}${url}` };
  const u = new URL(url);
  return { origin: u.origin, path: `${u.pathname}${u.search}` };
}

/**
 * The bearer goes to the configured Graph origin only, over https (the SDK's customHosts rule with one
 * host, and its port too): no other host, port or scheme ever sees a token.
 */
export function bearerAllowed(origin: string, graphEndpoint: string): boolean {
  return origin === graphEndpoint && origin.startsWith("https://");
}

function flatHeaders(h: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h) for (const k in h) out[k.toLowerCase()] = String(h[k]);
  return out;
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
