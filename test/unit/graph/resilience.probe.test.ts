import fc from "fast-check";
import { TenantBreakers } from "../../../src/graph/resilience";

/** A breaker of tenant "t", directory, opened by one failure and past its open time, its probe admitted. */
function probing() {
  let now = 0;
  const b = new TenantBreakers({ minVolume: 1, openMs: 1_000, probeTimeoutMs: 5_000, now: () => now });
  b.settle("t", "directory", { ok: 0, failed: 1 });
  now = 1_000;
  expect(b.admit("t", "directory")).toEqual({ go: true, probe: true });
  return { b, at: (ms: number) => (now = ms) };
}

describe("TenantBreakers half-open: the probe decides", () => {
  it("ignores the failure of a call admitted before the circuit opened: the callers waiting for the probe still wait", async () => {
    const { b } = probing();
    const waiting = b.admit("t", "directory");
    expect(waiting).toMatchObject({ go: false, probeInFlight: expect.any(Promise) });
    let woken = false;
    void (waiting as { probeInFlight: Promise<void> }).probeInFlight.then(() => (woken = true));
    b.settle("t", "directory", { ok: 0, failed: 3 }, false);
    await Promise.resolve();
    expect(woken).toBe(false);
    expect(b.admit("t", "directory")).toMatchObject({ go: false, probeInFlight: expect.any(Promise) });
    // The probe's own success closes the circuit and wakes them.
    b.settle("t", "directory", { ok: 1, failed: 0 }, true);
    await Promise.resolve();
    expect(woken).toBe(true);
    expect(b.admit("t", "directory")).toEqual({ go: true, probe: false });
  });

  it("re-opens on the probe's failure", () => {
    const { b } = probing();
    b.settle("t", "directory", { ok: 0, failed: 1 }, true);
    expect(b.blockedFor("t", "directory")).toBe(1_000);
  });

  it("closes on any success while probing: Graph answers, whoever asked", () => {
    const { b } = probing();
    b.settle("t", "directory", { ok: 1, failed: 2 }, false);
    expect(b.admit("t", "directory")).toEqual({ go: true, probe: false });
  });

  it("still ends a probe by its lease when only old failures come", () => {
    const { b, at } = probing();
    b.settle("t", "directory", { ok: 0, failed: 1 }, false);
    at(6_000); // lease over: failed, open for openMs from its end
    expect(b.blockedFor("t", "directory")).toBe(1_000);
    at(7_000);
    expect(b.admit("t", "directory")).toEqual({ go: true, probe: true });
  });

  it("wedges under no random sequence of admissions, probe and non-probe outcomes, abandons and lost probes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("admit", "ok", "fail", "probeOk", "probeFail", "abandon", "tick"), fc.integer({ min: 0, max: 3_000 })), {
          maxLength: 200,
        }),
        (steps) => {
          let now = 0;
          const b = new TenantBreakers({ minVolume: 2, openMs: 1_000, probeTimeoutMs: 2_000, now: () => now });
          for (const [step, ms] of steps) {
            now += step === "tick" ? ms : 1;
            if (step === "admit") b.admit("t", "directory");
            else if (step === "ok" || step === "probeOk") b.settle("t", "directory", { ok: 1, failed: 0 }, step === "probeOk");
            else if (step === "fail" || step === "probeFail") b.settle("t", "directory", { ok: 0, failed: 1 }, step === "probeFail");
            else if (step === "abandon") b.abandon("t", "directory");
          }
          now += 2_000 + 1_000 + 1;
          return b.admit("t", "directory").go === true;
        },
      ),
      { numRuns: 500 },
    );
  });
});
