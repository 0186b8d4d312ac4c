import { identityPlatformUnavailable } from "../../src/errors";
import { Readiness, type ReadinessCheck } from "../../src/http/readiness";
import { createLogger } from "../../src/log";

const log = createLogger("silent");

describe("Readiness", () => {
  it("bounds a check that never answers (MSAL's token request has no timeout) and runs it again on the next stale probe", async () => {
    let runs = 0;
    const hangs: ReadinessCheck = { name: "token", region: "NA", run: () => (runs++, new Promise(() => undefined)) };
    let now = 0;
    const r = new Readiness([hangs], { cacheMs: 1_000, log, now: () => now, checkTimeoutMs: 50 });
    const first = await r.report();
    expect(first).toMatchObject({ status: "unready", checks: [{ name: "token", region: "NA", ok: false, code: "TIMEOUT" }] });
    now = 500;
    await r.report();
    expect(runs).toBe(1);
    now = 1_000;
    await r.report();
    expect(runs).toBe(2);
  });

  it("runs every check once for concurrent probes, and reports each, our errors with their code, message and retryAfter", async () => {
    let runs = 0;
    const ok: ReadinessCheck = { name: "discovery", region: "EU", run: async () => void runs++ };
    const down: ReadinessCheck = { name: "token", region: "EU", run: async () => Promise.reject(identityPlatformUnavailable("t", 7)) };
    const bug: ReadinessCheck = { name: "other", run: async () => Promise.reject(new Error("secret eyJhbGciOi.x.y in a message")) };
    const r = new Readiness([ok, down, bug], { cacheMs: 60_000, log });
    const reports = await Promise.all(Array.from({ length: 10 }, () => r.report()));
    expect(runs).toBe(1);
    expect(new Set(reports).size).toBe(1);
    expect(reports[0]!.checks).toEqual([
      { name: "discovery", region: "EU", ok: true, ms: expect.any(Number) },
      { name: "token", region: "EU", ok: false, code: "UPSTREAM_UNAVAILABLE", message: expect.any(String), retryAfter: 7, ms: expect.any(Number) },
      { name: "other", ok: false, code: "INTERNAL_SERVER_ERROR", message: "The check failed; the log says why.", ms: expect.any(Number) },
    ]);
  });

  it("answers draining without running anything once drained, even for a probe that was waiting on a run", async () => {
    let release!: () => void;
    let runs = 0;
    const slow: ReadinessCheck = { name: "token", run: () => (runs++, new Promise<void>((r) => (release = r))) };
    const r = new Readiness([slow], { cacheMs: 0, log });
    const waiting = r.report();
    r.drain();
    release();
    expect((await waiting).status).toBe("draining");
    expect((await r.report()).status).toBe("draining");
    expect(runs).toBe(1);
    expect(r.draining).toBe(true);
  });
});
