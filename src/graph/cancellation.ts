/**
 * Waiting on an operation's abort signal without adding a listener per wait. One operation can have
 * hundreds of retry sleeps and queued Graph calls at once (one per tenant, per batch); a listener each
 * on the same AbortSignal makes Node warn (MaxListenersExceededWarning above 10) and costs a scan per
 * removal. Here every signal gets exactly one listener, which fans out to the waits registered now.
 */
const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `fn` once when `signal` aborts (at once if it has); the returned function unregisters it. */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    queueMicrotask(fn);
    return () => undefined;
  }
  let set = waiters.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    waiters.set(signal, fresh);
    signal.addEventListener(
      "abort",
      () => {
        waiters.delete(signal);
        for (const f of fresh) f();
        fresh.clear();
      },
      { once: true },
    );
    set = fresh;
  }
  const entry = () => fn();
  set.add(entry);
  return () => void set!.delete(entry);
}

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    const stop = onAbort(signal, done);
  });
}

/** The error a cancelled wait rejects with: the signal's reason when it is an Error. */
export function cancelled(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("The operation was cancelled.");
}

/** Resolves when `event` settles, `ms` pass or `signal` aborts, whichever is first; never rejects, leaves no timer. */
export function waitFor(event: Promise<unknown>, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    const stop = onAbort(signal, done);
    event.then(done, done);
  });
}

/**
 * `work`, or `abortedError()` as soon as `signal` aborts, whichever is first. The work goes on (a token
 * request finishing late still fills the cache for the next operation); its late failure is observed
 * here, so nothing rejects unhandled.
 */
export function settleBeforeAbort<T>(work: Promise<T>, signal: AbortSignal, abortedError: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = onAbort(signal, () => reject(abortedError()));
    work.then(
      (value) => {
        stop();
        resolve(value);
      },
      (err: unknown) => {
        stop();
        reject(err);
      },
    );
  });
}

/**
 * An EventEmitter-shaped view of `signal` for undici's `signal` option (it takes an EventTarget or an
 * EventEmitter), whose listener goes through `onAbort`'s one listener per signal: the operation's
 * thousand Graph calls in flight share one AbortSignal without a thousand listeners on it.
 */
export function abortListenerOf(signal: AbortSignal): AbortEmitter {
  let stop: (() => void) | undefined;
  const emitter: AbortEmitter = {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.reason as unknown;
    },
    on: (_event, listener) => ((stop = onAbort(signal, listener)), emitter),
    addListener: (_event, listener) => ((stop = onAbort(signal, listener)), emitter),
    removeListener: () => (stop?.(), (stop = undefined), emitter),
    off: () => (stop?.(), (stop = undefined), emitter),
  };
  return emitter;
}

/** The part of an EventEmitter undici uses of a request's `signal`. */
export interface AbortEmitter {
  readonly aborted: boolean;
  readonly reason: unknown;
  on(event: "abort", listener: () => void): AbortEmitter;
  addListener(event: "abort", listener: () => void): AbortEmitter;
  removeListener(event: "abort", listener: () => void): AbortEmitter;
  off(event: "abort", listener: () => void): AbortEmitter;
}
