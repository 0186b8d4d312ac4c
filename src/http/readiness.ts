import type { ServerResponse } from "node:http";
import type { RegionalApps } from "../auth/regionalApps";
import type { RegionResolver } from "../auth/regions";
import type { Config } from "../config";
import { PartnerGraphError } from "../errors";
import { describeError, type Logger } from "../log";

/** One thing the process needs from Microsoft to serve; `run` throws when it cannot have it now. */
export interface ReadinessCheck {
  name: string;
  region?: string;
  run(): Promise<void>;
}

/** A check's outcome as `/ready` shows it: a stable code and a message meant for operators, never a secret or a token. */
export interface CheckOutcome {
  name: string;
  region?: string;
  ok: boolean;
  code?: string;
  message?: string;
  retryAfter?: number;
  ms: number;
}

export interface ReadinessReport {
  status: "ready" | "unready" | "draining";
  /** When the checks ran (their outcome is reused up to READINESS_CACHE_MS). */
  checkedAt?: string;
  checks: CheckOutcome[];
}

/** A check still running after this failed (MSAL's token request has no timeout of its own). */
const CHECK_TIMEOUT_MS = 5_000;

/**
 * `/ready`: whether this process can serve now, for a load balancer or Kubernetes' readiness probe.
 * The checks' outcome is reused for `cacheMs`: probes, however many and however often, reach Microsoft
 * at most once per period, and concurrent probes of a stale outcome share one run (single flight).
 * Nothing runs until the first probe: a process nobody probes never calls Microsoft for this. Once
 * shutting down (`drain`), it answers "draining" without running anything.
 */
export class Readiness {
  private last?: { at: number; report: ReadinessReport };
  private running?: Promise<ReadinessReport>;
  private drainingSince?: number;

  constructor(
    private readonly checks: readonly ReadinessCheck[],
    private readonly options: { cacheMs: number; log: Logger; now?: () => number; checkTimeoutMs?: number },
  ) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** From now on the process is going away: `/ready` answers 503 so that traffic moves elsewhere. */
  drain(): void {
    this.drainingSince ??= this.now();
  }

  async report(): Promise<ReadinessReport> {
    if (this.draining) return DRAINING;
    if (this.last && this.now() - this.last.at < this.options.cacheMs) return this.last.report;
    this.running ??= this.run().finally(() => (this.running = undefined));
    const report = await this.running;
    return this.draining ? DRAINING : report;
  }

  private async run(): Promise<ReadinessReport> {
    const at = this.now();
    const checks = await Promise.all(this.checks.map((c) => this.outcomeOf(c)));
    const report: ReadinessReport = { status: checks.every((c) => c.ok) ? "ready" : "unready", checkedAt: new Date(at).toISOString(), checks };
    this.last = { at, report };
    return report;
  }

  private async outcomeOf(check: ReadinessCheck): Promise<CheckOutcome> {
    const started = this.now();
    const where = { name: check.name, ...(check.region ? { region: check.region } : {}) };
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.options.checkTimeoutMs ?? CHECK_TIMEOUT_MS;
    try {
      await Promise.race([check.run(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CheckTimedOut(timeoutMs)), timeoutMs)))]);
      return { ...where, ok: true, ms: this.now() - started };
    } catch (err) {
      const failure = failureOf(err);
      this.options.log.warn({ readiness: where, code: failure.code, err: describeError(err) }, "readiness check failed");
      return { ...where, ok: false, ...failure, ms: this.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

const DRAINING: ReadinessReport = {
  status: "draining",
  checks: [{ name: "shutdown", ok: false, code: "DRAINING", message: "The process is shutting down; operations in flight are finishing.", ms: 0 }],
};

class CheckTimedOut extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Our errors carry a stable code and a message safe to show; anything else (a refused client secret,
 * a bug) shows only its AADSTS code, when it has one: the log has the rest, scrubbed.
 */
function failureOf(err: unknown): Pick<CheckOutcome, "code" | "message" | "retryAfter"> {
  if (err instanceof CheckTimedOut) return { code: "TIMEOUT", message: `No answer within ${err.ms} ms.` };
  if (err instanceof PartnerGraphError) {
    const retryAfter = err.extensions.retryAfter;
    return { code: err.code, message: err.message, ...(typeof retryAfter === "number" ? { retryAfter } : {}) };
  }
  const aadsts = /AADSTS\d+/.exec(err instanceof Error ? err.message : String(err))?.[0];
  return { code: "INTERNAL_SERVER_ERROR", message: aadsts ? `The identity platform refused the app (${aadsts}).` : "The check failed; the log says why." };
}

/**
 * What this API needs of Microsoft, per configured region: the partner tenant's discovery document
 * (the identity platform answers for it, as it must for every customer lookup) and a new token of the
 * region's app at its partner tenant — past every cache, so that an expired secret or a failing token
 * endpoint shows here before callers meet it.
 */
export function partnerReadinessChecks(config: Config, apps: RegionalApps, regions: RegionResolver): ReadinessCheck[] {
  return [
    // The process runs: its configuration was read and validated at start (src/config.ts).
    { name: "config", run: async () => undefined },
    ...config.partnerTenants.flatMap((p): ReadinessCheck[] => [
      { name: "discovery", region: p.region, run: async () => void (await regions.check(p.tenantId)) },
      { name: "token", region: p.region, run: () => apps.checkToken(p.region) },
    ]),
  ];
}

/** The report as JSON: 200 when ready, 503 otherwise (unready or draining); never cached by a proxy. */
export function sendReadiness(res: ServerResponse, report: ReadinessReport): void {
  res.writeHead(report.status === "ready" ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(report));
}
