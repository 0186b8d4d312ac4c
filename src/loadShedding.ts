import { busy } from "./errors";

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

/**
 * Where a request's cost ticket rides on its context: a symbol key, because Apollo copies the context
 * object (Object.assign keeps symbol keys; a WeakMap keyed by the original would miss the copy).
 */
const COST_TICKET = Symbol("cost ticket");

/** The request's context carrying its ticket: the HTTP front gives it, the operation limits admit the cost on it. */
export function withCostTicket<C extends object>(context: C, ticket: CostTicket): C {
  return Object.assign(context, { [COST_TICKET]: ticket });
}

export function costTicketOf(context: object): CostTicket | undefined {
  return (context as { [COST_TICKET]?: CostTicket })[COST_TICKET];
}
