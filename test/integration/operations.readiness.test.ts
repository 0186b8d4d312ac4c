import { fetch } from "undici";
import type { ReadinessReport } from "../../src/http/readiness";
import { startHarness, type Harness } from "../helpers/harness";

/**
 * `/health` (live) and `/ready` (can serve): the built-in cloud and the subgraph, real MSAL over real
 * HTTPS. The readiness outcome is cached for READINESS_CACHE_MS; the token endpoint is failed through
 * the emulator's control API (`tokenFailure`) and restored.
 */
describe("health and readiness", () => {
  let h: Harness;
  let base: string;
  const CACHE_MS = 400;
  const ready = async () => {
    const res = await fetch(`${base}/ready`);
    return { status: res.status, cacheControl: res.headers.get("cache-control"), text: await res.text() };
  };
  const report = (r: { text: string }) => JSON.parse(r.text) as ReadinessReport;
  const tokenRequests = async () => (await h.counters()).total.token ?? 0;
  const past = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Probes until `/ready` answers `status` (each probe past the cache, so each one sees a new outcome). */
  const until = async (status: number, attempts = 20) => {
    let last = await ready();
    for (let i = 0; last.status !== status && i < attempts; i++) {
      await past(CACHE_MS + 50);
      last = await ready();
    }
    return last;
  };

  beforeAll(async () => {
    h = await startHarness({ env: { READINESS_CACHE_MS: String(CACHE_MS) } });
    base = h.graphqlUrl.replace(/\/graphql$/, "");
  });
  afterEach(async () => void (await h.control("POST", "/reset")));
  afterAll(async () => h?.close());

  it("is ready when the configuration is loaded and every region's discovery and app token answer, saying so per check", async () => {
    const r = await ready();
    expect(r.status).toBe(200);
    expect(r.cacheControl).toBe("no-store");
    const regions = h.config.partnerTenants.map((p) => p.region);
    expect(report(r).status).toBe("ready");
    expect(report(r).checks.map((c) => [c.name, c.region ?? null, c.ok])).toEqual([
      ["config", null, true],
      ...regions.flatMap((region) => [
        ["discovery", region, true],
        ["token", region, true],
      ]),
    ]);
  });

  it("reaches Microsoft at most once per cache period, however many probes come, concurrent ones sharing one run", async () => {
    await past(CACHE_MS + 50);
    await h.resetCounters();
    const answers = await Promise.all(Array.from({ length: 25 }, ready));
    expect(answers.map((a) => a.status)).toEqual(Array(25).fill(200));
    const regions = h.config.partnerTenants.length;
    // One new token per regional app for all 25 probes, and one discovery lookup per partner tenant.
    const c = await h.counters();
    expect([c.total.token, c.total.discovery]).toEqual([regions, regions]);
    expect(new Set(answers.map((a) => report(a).checkedAt)).size).toBe(1);
    // Sequential probes: one run per distinct outcome (a slow machine may see the cache expire once).
    const runs = new Set(answers.map((a) => report(a).checkedAt));
    for (let i = 0; i < 10; i++) {
      const r = await ready();
      expect(r.status).toBe(200);
      runs.add(report(r).checkedAt);
    }
    expect(runs.size).toBeLessThan(11);
    expect(await tokenRequests()).toBe(regions * runs.size);
  });

  it("fails while the token endpoint is down, naming the failed check of every region, and recovers after", async () => {
    // Retry-After 1 s: MSAL replays a token endpoint's 5xx for that long (60 s when there is none, or below 1 s).
    await h.control("PUT", "/faults", { tokenFailure: { rate: 1 }, retryAfter: "1" });
    const down = await until(503);
    expect(down.status).toBe(503);
    const failed = report(down).checks.filter((c) => !c.ok);
    expect(report(down).status).toBe("unready");
    expect(failed.map((c) => [c.name, c.region])).toEqual(h.config.partnerTenants.map((p) => ["token", p.region]));
    for (const c of failed) expect(c).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", message: expect.any(String) });
    // Discovery still answers, and the process is alive all along: liveness is not readiness.
    expect(report(down).checks.filter((c) => c.name === "discovery" && c.ok)).toHaveLength(h.config.partnerTenants.length);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // No secret, no token, no tenant id in what any prober may read.
    const partners = h.emulator.partnerConfig().partnerTenants;
    for (const secret of [...partners.map((p) => p.app.clientSecret), ...partners.map((p) => p.tenantId), "eyJ"]) expect(down.text).not.toContain(secret);

    await h.control("PUT", "/faults", { tokenFailure: { rate: 0 } });
    const up = await until(200);
    expect(up.status).toBe(200);
    expect(report(up).checks.every((c) => c.ok)).toBe(true);
  });

  it("names a refused client secret by its AADSTS code only", async () => {
    const wrong = await startHarness({
      env: { READINESS_CACHE_MS: String(CACHE_MS) },
      partnerConfig: (raw) => ({
        partnerTenants: raw.partnerTenants.map((p) => (p.region === "EU" ? { ...p, app: { clientId: p.app.clientId, clientSecret: "wrong-secret" } } : p)),
      }),
    });
    try {
      const res = await fetch(`${wrong.graphqlUrl.replace(/\/graphql$/, "")}/ready`);
      const body = (await res.json()) as ReadinessReport;
      expect(res.status).toBe(503);
      expect(body.checks.filter((c) => !c.ok)).toEqual([
        {
          name: "token",
          region: "EU",
          ok: false,
          code: "INTERNAL_SERVER_ERROR",
          message: expect.stringMatching(/^The identity platform refused the app \(AADSTS\d+\)\.$/),
          ms: expect.any(Number),
        },
      ]);
      expect(JSON.stringify(body)).not.toContain("wrong-secret");
    } finally {
      await wrong.close();
    }
  });

  it("answers 503 draining, without asking Microsoft, once the app is shutting down; /health stays live", async () => {
    const draining = await startHarness({ env: { READINESS_CACHE_MS: String(CACHE_MS) } });
    try {
      const root = draining.graphqlUrl.replace(/\/graphql$/, "");
      expect((await fetch(`${root}/ready`)).status).toBe(200);
      await draining.resetCounters();
      draining.app.readiness.drain();
      await past(CACHE_MS + 50);
      const res = await fetch(`${root}/ready`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as ReadinessReport).status).toBe("draining");
      expect((await draining.counters()).total.token ?? 0).toBe(0);
      const health = await fetch(`${root}/health`);
      expect(health.status).toBe(200);
      // While draining, each answer closes its connection so that keep-alive clients go elsewhere.
      expect(health.headers.get("connection")).toBe("close");
    } finally {
      await draining.close();
    }
  });
});
