import fc from "fast-check";
import { identityCircuit, retryDelayMs, TenantBreakers, workloadOf, isIdempotent, type Circuit } from "../../../src/graph/resilience";
import type { GraphResponse } from "../../../src/graph/types";

const res = (retryAfter?: string): GraphResponse => ({ status: 429, headers: retryAfter === undefined ? {} : { "retry-after": retryAfter }, body: {} });

describe("retryDelayMs", () => {
  it("waits the longest Retry-After of the failed items, fractional seconds included", () => {
    expect(retryDelayMs([res("1"), res("2.128"), res("0.5")], 0)).toBe(2128);
  });

  it("reads an HTTP date", () => {
    const now = Date.parse("2026-11-27T00:00:00Z");
    expect(retryDelayMs([res("Fri, 27 Nov 2026 00:00:07 GMT")], 0, Math.random, now)).toBe(7000);
  });

  it("backs off exponentially with jitter when no item says how long", () => {
    expect(retryDelayMs([res()], 0, () => 0)).toBe(250);
    expect(retryDelayMs([res()], 0, () => 1)).toBe(500);
    expect(retryDelayMs([res()], 3, () => 1)).toBe(4000);
    expect(retryDelayMs([res()], 10, () => 1)).toBe(8000);
  });
});

describe("TenantBreakers", () => {
  const fail = (b: TenantBreakers, t: string, c: Circuit, n = 1) => b.settle(t, c, { ok: 0, failed: n });

  it("opens on a failure rate over a window, for that tenant and circuit only", () => {
    let now = 0;
    const b = new TenantBreakers({ minVolume: 4, failureRate: 0.5, windowMs: 10_000, openMs: 10_000, now: () => now });
    b.settle("t1", "intune", { ok: 2, failed: 1 });
    expect(b.blockedFor("t1", "intune")).toBe(0);
    fail(b, "t1", "intune");
    expect(b.blockedFor("t1", "intune")).toBe(10_000);
    expect(b.blockedFor("t1", "directory")).toBe(0);
    expect(b.blockedFor("t2", "intune")).toBe(0);
    now = 4_000;
    expect(b.blockedFor("t1", "intune")).toBe(6_000);
  });

  it("never opens below the minimum volume, nor below the failure rate, nor on outcomes older than the window", () => {
    let now = 0;
    const b = new TenantBreakers({ minVolume: 5, failureRate: 0.5, windowMs: 10_000, now: () => now });
    fail(b, "t", "directory", 4);
    expect(b.blockedFor("t", "directory")).toBe(0);
    now = 10_001;
    b.settle("t", "directory", { ok: 3, failed: 2 });
    expect(b.blockedFor("t", "directory")).toBe(0);
    // 30% of 1,000 outcomes failed: closed.
    b.settle("t", "directory", { ok: 697, failed: 298 });
    expect(b.blockedFor("t", "directory")).toBe(0);
  });

  it("keeps the token-endpoint circuit of each caller partition apart", () => {
    const b = new TenantBreakers({ minVolume: 5 });
    fail(b, "t", identityCircuit("agent-1"), 5);
    expect(b.blockedFor("t", identityCircuit("agent-1"))).toBeGreaterThan(0);
    expect(b.blockedFor("t", identityCircuit("app"))).toBe(0);
    expect(b.blockedFor("t", identityCircuit("agent-2"))).toBe(0);
  });

  it("lets one probe through when the open time is over, tells the others to wait for it, and closes on its success", async () => {
    let now = 0;
    const b = new TenantBreakers({ minVolume: 1, openMs: 1_000, now: () => now });
    fail(b, "t", "directory");
    now = 1_001;
    expect(b.admit("t", "directory")).toEqual({ go: true, probe: true });
    const other = b.admit("t", "directory");
    expect(other.go).toBe(false);
    const waiting = !other.go && other.probeInFlight;
    expect(waiting).toBeInstanceOf(Promise);
    b.settle("t", "directory", { ok: 1, failed: 0 });
    await waiting;
    expect(b.admit("t", "directory")).toEqual({ go: true, probe: false });
  });

  it("re-opens at once when the probe fails", () => {
    let now = 0;
    const b = new TenantBreakers({ minVolume: 5, openMs: 1_000, now: () => now });
    fail(b, "t", "directory", 5);
    now = 2_000;
    expect(b.blockedFor("t", "directory")).toBe(0);
    fail(b, "t", "directory");
    expect(b.blockedFor("t", "directory")).toBe(1_000);
  });

  it("cannot be wedged: a probe whose outcome is never recorded counts as failed when its lease ends, and a new probe goes", () => {
    let now = 0;
    const b = new TenantBreakers({ minVolume: 1, openMs: 1_000, probeTimeoutMs: 5_000, now: () => now });
    fail(b, "t", "directory");
    now = 1_000;
    expect(b.blockedFor("t", "directory")).toBe(0); // the probe: it never reports back
    now = 5_999;
    expect(b.blockedFor("t", "directory")).toBeGreaterThan(0);
    now = 6_000; // lease over: the probe failed, the circuit is open again for openMs
    expect(b.blockedFor("t", "directory")).toBe(1_000);
    now = 7_000;
    expect(b.admit("t", "directory")).toEqual({ go: true, probe: true });
    b.settle("t", "directory", { ok: 1, failed: 0 });
    expect(b.blockedFor("t", "directory")).toBe(0);
  });

  it("gives an undecided probe slot back at once (abandon): the next caller probes", () => {
    let now = 0;
    const b = new TenantBreakers({ minVolume: 1, openMs: 1_000, now: () => now });
    fail(b, "t", "intune");
    now = 1_000;
    expect(b.admit("t", "intune")).toEqual({ go: true, probe: true });
    b.abandon("t", "intune");
    expect(b.admit("t", "intune")).toEqual({ go: true, probe: true });
  });

  it("wedges under no random sequence of admissions, outcomes, abandons and lost probes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("admit", "ok", "fail", "abandon", "lose", "tick"), fc.integer({ min: 0, max: 3_000 })), { maxLength: 200 }),
        (steps) => {
          let now = 0;
          const b = new TenantBreakers({ minVolume: 2, openMs: 1_000, probeTimeoutMs: 2_000, now: () => now });
          for (const [step, ms] of steps) {
            now += step === "tick" ? ms : 1;
            if (step === "admit" || step === "lose") b.admit("t", "directory");
            else if (step === "ok") b.settle("t", "directory", { ok: 1, failed: 0 });
            else if (step === "fail") fail(b, "t", "directory");
            else if (step === "abandon") b.abandon("t", "directory");
          }
          // Whatever happened, with no further outcome at all, time alone brings a probe (or a closed circuit).
          now += 2_000 + 1_000 + 1;
          return b.admit("t", "directory").go === true;
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("workloadOf and isIdempotent", () => {
  it("tells Intune from the directory", () => {
    expect(workloadOf({ method: "GET", url: "/deviceManagement/managedDevices?$top=1" })).toBe("intune");
    expect(workloadOf({ method: "GET", url: "/users/abc/managedDevices" })).toBe("intune");
    expect(workloadOf({ method: "GET", url: "/users?$select=id" })).toBe("directory");
  });

  it("re-sends reads, and POSTs only when marked idempotent", () => {
    expect(isIdempotent({ method: "GET", url: "/users" })).toBe(true);
    expect(isIdempotent({ method: "POST", url: "/directoryObjects/getByIds", idempotent: true })).toBe(true);
    expect(isIdempotent({ method: "POST", url: "/something" })).toBe(false);
  });
});
