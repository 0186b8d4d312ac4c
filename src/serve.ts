import { createApp, type PartnerGraphApp } from "./app";
import { startBanner } from "./banner";
import type { Config } from "./config";
import type { Logger } from "./log";

/**
 * Runs the app as this process's server, for both entries (src/main.ts, demo/main.ts): listens on
 * config.port, prints the banner, and on SIGINT/SIGTERM closes the app, then `alsoClose` (the demo's
 * built-in cloud), and exits.
 */
export async function serve(config: Config, log: Logger, alsoClose?: () => Promise<void>): Promise<void> {
  const app = await createApp(config, log);
  await new Promise<void>((resolve) => app.http.listen(config.port, resolve));
  listenForMetrics(app, config, log);
  process.stdout.write(startBanner(config));
  const stop = async () => {
    await app.close();
    await alsoClose?.();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

/**
 * The metrics listener on its own port. One that cannot bind (the port taken) is logged, not fatal:
 * the API keeps serving without metrics rather than not at all.
 */
function listenForMetrics(app: PartnerGraphApp, config: Config, log: Logger): void {
  const { metrics } = app;
  if (!metrics || config.observability.metricsPort === null) return;
  metrics.on("error", (err: NodeJS.ErrnoException) =>
    log.error({ metricsPort: config.observability.metricsPort, code: err.code }, "metrics listener failed (METRICS_PORT)"),
  );
  metrics.listen(config.observability.metricsPort);
}

/** An entry's answer to a failed start: the reason on stderr (a ConfigError names its variable), exit code 1. */
export function startFailed(err: unknown): never {
  process.stderr.write(`Partner Graph failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
