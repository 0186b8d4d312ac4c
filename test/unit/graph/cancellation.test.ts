import { getEventListeners } from "node:events";
import { onAbort, sleep, waitFor } from "../../../src/graph/cancellation";

describe("waits on an operation's abort signal", () => {
  it("put one listener on the signal however many waits there are, and all end when it aborts", async () => {
    const c = new AbortController();
    const waits = Array.from({ length: 200 }, () => sleep(60_000, c.signal));
    const gates = Array.from({ length: 200 }, () => waitFor(new Promise(() => undefined), 60_000, c.signal));
    expect(getEventListeners(c.signal, "abort")).toHaveLength(1);
    c.abort();
    await Promise.all([...waits, ...gates]);
  });

  it("unregister finished waits, so a long operation does not pile them up", async () => {
    const c = new AbortController();
    let calls = 0;
    const stops = Array.from({ length: 50 }, () => onAbort(c.signal, () => calls++));
    stops.slice(0, 40).forEach((stop) => stop());
    await Promise.all(Array.from({ length: 20 }, () => sleep(1, c.signal)));
    c.abort();
    expect(calls).toBe(10);
  });

  it("call back at once for a signal already aborted", async () => {
    const c = new AbortController();
    c.abort();
    let called = false;
    onAbort(c.signal, () => (called = true));
    await Promise.resolve();
    expect(called).toBe(true);
  });
});
