import { cancelled, onAbort } from "./cancellation";

/**
 * A counting semaphore whose queued waiters can be cancelled wherever they stand in the queue.
 * (cockatiel 3.2.1's bulkhead noticed a cancelled waiter only once it reached the head of its queue,
 * and then stopped draining: cancelled operations kept slots forever.) A released slot passes straight
 * to the oldest waiter still waiting; a cancelled waiter leaves the queue at once and never holds one.
 */
export class Semaphore {
  private active = 0;
  /** Waiters in arrival order (a Set iterates in insertion order and deletes in O(1)). */
  private readonly queue = new Set<() => void>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
  }

  /** Slots taken, and waiters queued. */
  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.size;
  }

  get idle(): boolean {
    return this.active === 0 && this.queue.size === 0;
  }

  /** Takes a slot; rejects (and takes none) if `signal` aborts first. Pair every success with release(). */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled(signal));
    if (this.active < this.capacity && this.queue.size === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let stop = () => undefined as void;
      const grant = () => {
        stop();
        resolve();
      };
      this.queue.add(grant);
      if (signal) {
        stop = onAbort(signal, () => {
          if (this.queue.delete(grant)) reject(cancelled(signal));
        });
      }
    });
  }

  release(): void {
    const next = this.queue.values().next();
    if (next.done) {
      if (this.active === 0) throw new Error("release() without a slot taken");
      this.active--;
      return;
    }
    // The slot moves to the next waiter: `active` stays as it is.
    this.queue.delete(next.value);
    next.value();
  }
}
