/**
 * Latency profiles and fault injection, set through the control API. Random draws come from a
 * seeded generator so a test that injects 20% errors sees the same sequence on every run.
 */
export type LatencyProfile = { kind: "none" } | { kind: "fixed"; ms: number } | { kind: "lognormal"; medianMs: number; sigma: number };

export interface LatencyConfig {
  graph: LatencyProfile;
  token: LatencyProfile;
  /** Graph latency of particular tenants (a slow tenant next to fast ones). */
  tenants?: Record<string, LatencyProfile>;
}

export interface FaultConfig {
  /** Share of Graph requests (plain requests and each batch item) answered with a status, e.g. {"503": 0.2}. */
  graphErrorRates: Record<string, number>;
  /** Tenants whose Graph answers every request with 503 (an outage). */
  outageTenants: string[];
  /** Token endpoint failures: share of token requests answered 503 temporarily_unavailable, optionally for some tenants only. */
  tokenFailure: { rate: number; tenants?: string[] };
  /** Retry-After sent with injected 429/503 ("" sends none, as Intune sometimes does). */
  retryAfter: string;
  seed: number;
}

export function defaultFaults(): FaultConfig {
  return { graphErrorRates: {}, outageTenants: [], tokenFailure: { rate: 0 }, retryAfter: "1", seed: 1 };
}

export function defaultLatency(): LatencyConfig {
  return { graph: { kind: "none" }, token: { kind: "none" } };
}

/** mulberry32: a small, fast, seedable PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private random: () => number;
  constructor(
    public config: FaultConfig = defaultFaults(),
    public latency: LatencyConfig = defaultLatency(),
  ) {
    this.random = seededRandom(config.seed);
  }

  configure(config: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...config };
    this.random = seededRandom(this.config.seed);
  }

  setLatency(latency: Partial<LatencyConfig>): void {
    this.latency = { ...this.latency, ...latency };
  }

  reset(): void {
    this.config = defaultFaults();
    this.latency = defaultLatency();
    this.random = seededRandom(this.config.seed);
  }

  /** A status to answer a Graph request with instead of serving it, or undefined. */
  graphFault(tenantId: string): number | undefined {
    if (this.config.outageTenants.includes(tenantId)) return 503;
    let r = this.random();
    for (const [status, rate] of Object.entries(this.config.graphErrorRates)) {
      if (r < rate) return Number(status);
      r -= rate;
    }
    return undefined;
  }

  tokenFault(tenantId: string): boolean {
    const f = this.config.tokenFailure;
    if (!f.rate) return false;
    if (f.tenants && !f.tenants.includes(tenantId)) return false;
    return this.random() < f.rate;
  }

  delayMs(kind: "graph" | "token", tenantId?: string): number {
    const p = (kind === "graph" && tenantId && this.latency.tenants?.[tenantId]) || this.latency[kind];
    switch (p.kind) {
      case "none":
        return 0;
      case "fixed":
        return p.ms;
      case "lognormal": {
        // Box-Muller normal draw, exponentiated around the median.
        const u = Math.max(this.random(), 1e-12);
        const v = this.random();
        const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        return p.medianMs * Math.exp(p.sigma * z);
      }
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
