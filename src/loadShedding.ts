import { PartnerGraphError, withHttpStatus } from "./errors";

/** Seconds a refused client is told to wait: operations in flight finish (or pass their deadline) in that order of time. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Load shedding by what operations cost, not by how many there are: the sum of the estimated costs
 * (operationLimits) of the operations in progress stays under a budget, and an operation that would
 * pass it is refused at once with THROTTLED (503, Retry-After). Counting operations let 800 heavy ones
 * in together (p50 53.6 s against a 25 s deadline, RSS 2.4 GB); their cost is what holds memory and
 * Graph capacity. An operation is always admitted when nothing is in flight, so any operation within
 * the per-operation limit can run.
 */
export class CostInFlight {
  private inFlight = 0;

  constructor(private readonly max: number) {}

  get current(): number {
    return this.inFlight;
  }

  /** One per request: admits the operation's cost at most once and gives it back exactly once. */
  ticket(): CostTicket {
    let held = 0;
    let released = false;
    return {
      admit: (cost: number) => {
        if (released || held > 0 || cost <= 0) return;
        if (this.inFlight > 0 && this.inFlight + cost > this.max) throw busy(cost, this.max);
        held = cost;
        this.inFlight += cost;
      },
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= held;
        held = 0;
      },
    };
  }
}

export interface CostTicket {
  admit(cost: number): void;
  release(): void;
}

/** The answer when the server is at capacity, before or after the operation is read. */
export function busy(cost?: number, maxCostInFlight?: number): PartnerGraphError {
  return withHttpStatus(new PartnerGraphError("THROTTLED", "The server is busy; retry shortly.", { retryAfter: RETRY_AFTER_SECONDS, cost, maxCostInFlight }), 503);
}
