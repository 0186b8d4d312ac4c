import { loadConfig, parsePartnerConfig, type Config } from "./config";
import { createApp } from "./app";
import { startBanner } from "./banner";
import { createLogger } from "./log";
import { guardProcess } from "./processGuard";

/**
 * Entry point. Without PARTNER_CONFIG it starts the built-in Microsoft cloud in this process (demo
 * mode) and points the API at it; with it, the API talks to the configured cloud.
 */
async function main(): Promise<void> {
  let config = loadConfig();
  const log = createLogger(config.logLevel);
  // From the first line on: an unhandled rejection is a defect to log, never a reason to stop serving.
  guardProcess(log);
  let stopEmulator: (() => Promise<void>) | undefined;
  if (config.demoMode) {
    // Only the entry point may start the emulator; src/ reaches it over HTTPS like any cloud.
    const { startEmulator } = await import("../emulator");
    const { writeEmulatorState } = await import("../emulator/state");
    // A fixed port, so `npm run token` and Sandbox users find the same cloud on every start.
    const emulator = await startEmulator({ port: config.emulatorPort });
    writeEmulatorState(emulator.url, emulator.caCert);
    stopEmulator = emulator.close;
    config = demoConfig(config, emulator.url, emulator.caCert, emulator.partnerConfig());
    log.info({ emulator: emulator.url }, "demo mode: built-in Microsoft cloud started; requests without a token are served app-only");
  }
  const app = await createApp(config, log);
  await new Promise<void>((resolve) => app.http.listen(config.port, resolve));
  process.stdout.write(startBanner(config));
  const stop = async () => {
    await app.close();
    await stopEmulator?.();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

function demoConfig(base: Config, url: string, caCert: string, partnerConfig: unknown): Config {
  return Object.freeze({ ...base, graphEndpoint: url, authorityHost: url, extraCaPem: caCert, partnerTenants: parsePartnerConfig(partnerConfig) });
}

main().catch((err: unknown) => {
  process.stderr.write(`Partner Graph failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
