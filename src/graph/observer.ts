import type { Workload } from "./resilience";

/**
 * What the Graph layer tells about one operation's work, as it happens: the port an operation's
 * recorder (src/observability) implements. The Graph layer never imports that recorder; it reports
 * finished facts (a call answered, a wait decided) to whatever observer the operation's CallPolicy
 * carries, and nothing when it carries none. Reports hold no token and no response body: only what
 * Graph's headers and statuses say about a call.
 */
export interface GraphObserver {
  /** A Graph HTTP request (a plain call or one `$batch`) answered, or failed without an answer. */
  call(tenantId: string, call: GraphCallReport): void;
  /** Items of a tenant that are re-sent after `waitMs` (Retry-After, or backoff). */
  retry(tenantId: string, retry: GraphRetryReport): void;
  /** Requests our client-side budget held back (`sent: false`: not sent at all, answered as throttled). */
  budgetWait(tenantId: string, wait: { waitMs: number; items: number; sent: boolean }): void;
  /** A breaker that did not simply let a call go. */
  breaker(tenantId: string, decision: BreakerDecision): void;
  /** A bearer token asked of a TokenSource for this tenant (from the cache, or acquired). */
  token(tenantId: string, token: TokenReport): void;
}

/** One Graph HTTP request as the transport saw it. Epoch milliseconds. */
export interface GraphCallReport {
  kind: "plain" | "batch";
  /** The request's own method and URL (relative to the version root); for a batch, `POST /$batch`. */
  method: string;
  url: string;
  /** Attempt of these items, from 1. */
  attempt: number;
  /** The items the request carried: one for a plain call, up to 20 for a batch, each with its answer's status. */
  items: ReadonlyArray<{ method: string; url: string; workload: Workload; status?: number }>;
  /** HTTP status of the answer; absent when none came (timeout, unreachable). */
  status?: number;
  /** Why no answer came: the error code the call ended with. */
  failure?: string;
  /** Graph's `request-id` and the `client-request-id` it echoed, from the answer's headers. */
  requestId?: string;
  clientRequestId?: string;
  /** When the call was asked for (it may wait for an in-flight slot), when it left, when it ended. */
  queuedAt: number;
  sentAt: number;
  endedAt: number;
}

export interface GraphRetryReport {
  /** The attempt that failed, from 1. */
  attempt: number;
  waitMs: number;
  /** Status of each item to be re-sent (429, 503, 504). */
  statuses: readonly number[];
  /** The longest `Retry-After` Graph sent among them, in ms, when any. */
  retryAfterMs?: number;
}

/**
 * - `refused`: open, the items were answered at once (CircuitOpen);
 * - `probe`: this call was let through as the half-open probe;
 * - `waited`: another call held the probe, this one waited `waitedMs` for its outcome.
 */
export interface BreakerDecision {
  circuit: Workload | "identity";
  decision: "refused" | "probe" | "waited";
  retryAfterMs?: number;
  waitedMs?: number;
}

/** How a bearer token was had: the mode of access, and where it came from. */
export interface TokenReport {
  /** App-only (the regional app), delegated (on-behalf-of the agent), or the agent's own customer token. */
  mode: "app" | "delegated" | "customer";
  /** `cache`: our token cache; `endpoint`: a token request to the identity platform; `shared`: joined one in flight; `request`: the caller's own token. */
  source: "cache" | "endpoint" | "shared" | "request";
  ok: boolean;
  /** The error code when it failed. */
  code?: string;
  startedAt: number;
  endedAt: number;
}

/** Reports a token of one TokenSource; given to `getToken` by the transport, for this operation only. */
export type TokenReporter = (report: TokenReport) => void;
