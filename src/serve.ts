import { createApp, type PartnerGraphApp } from "./app";
import { startBanner } from "./banner";
import type { Config } from "./config";
import { describeError, type Logger } from "./log";

/**
 * Runs the app as this process's server, for both entries (src/main.ts, demo/main.ts): listens on
 * config.port, prints the banner, and on SIGTERM/SIGINT shuts down gracefully (see shutDown).
 */
export async function serve(config: Config, log: Logger, alsoClose?: () => Promise<void>): Promise<void> {
  const app = await createApp(config, log);
  await new Promise<void>((resolve) => app.http.listen(config.port, resolve));
  process.stdout.write(startBanner(config));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C (or SIGTERM) means now: whatever is still in flight is cut off.
      log.warn({ signal }, "second signal during shutdown: exiting at once");
      process.exit(1);
    }
    stopping = true;
    shutDown(signal, config, log, app, alsoClose);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/**
 * The graceful shutdown, bounded by SHUTDOWN_TIMEOUT_MS: `/ready` answers 503 at once (draining)
 * while operations are still served for SHUTDOWN_DELAY_MS, so that a load balancer stops sending new
 * ones; then Apollo stops, and its drain plugin closes the listener, ends idle connections and lets
 * the operations in flight answer; then the connections to Graph, Redis and the demo's cloud close
 * and the process exits 0. Past the bound, whatever still runs, it exits 1.
 */
function shutDown(signal: NodeJS.Signals, config: Config, log: Logger, app: PartnerGraphApp, alsoClose?: () => Promise<void>): void {
  const started = Date.now();
  // Not unref'd: it is what ends a shutdown that hangs (a Graph call that never answers keeps undici's close waiting).
  setTimeout(() => {
    log.error({ signal, shutdownTimeoutMs: config.shutdownTimeoutMs }, "shutdown did not finish within SHUTDOWN_TIMEOUT_MS: exiting with work still in flight");
    process.exit(1);
  }, config.shutdownTimeoutMs);
  app.readiness.drain();
  log.info(
    { signal, shutdownDelayMs: config.shutdownDelayMs, shutdownTimeoutMs: config.shutdownTimeoutMs },
    "shutting down: /ready answers 503, then draining",
  );
  const run = async () => {
    if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
    await app.close();
    await alsoClose?.();
    log.info({ signal, ms: Date.now() - started }, "shut down");
    process.exit(0);
  };
  run().catch((err: unknown) => {
    log.error({ signal, err: describeError(err) }, "shutdown failed");
    process.exit(1);
  });
}

/** An entry's answer to a failed start: the reason on stderr (a ConfigError names its variable), exit code 1. */
export function startFailed(err: unknown): never {
  process.stderr.write(`Partner Graph failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
