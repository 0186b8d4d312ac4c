import { startEmulator } from "../emulator";
import { writeEmulatorState } from "../emulator/state";
import { loadSettings } from "../src/config";
import { createLogger } from "../src/log";
import { guardProcess } from "../src/processGuard";
import { serve, startFailed } from "../src/serve";
import { demoConfig } from "./config";

/**
 * The demo entry (`npm start`): starts the built-in Microsoft cloud (emulator/) in this process and
 * the API against it, in demo mode (a request without a token is served app-only). The environment's
 * settings apply as in production; PARTNER_CONFIG is not read: the cloud's own partner tenants are used.
 */
async function main(): Promise<void> {
  const settings = loadSettings();
  const log = createLogger(settings.logLevel);
  // From the first line on: an unhandled rejection is a defect to log, never a reason to stop serving.
  guardProcess(log);
  // A fixed port, so `npm run token` and Sandbox users find the same cloud on every start.
  const emulator = await startEmulator({ port: settings.emulatorPort });
  writeEmulatorState(emulator.url, emulator.caCert);
  log.info({ emulator: emulator.url }, "demo mode: built-in Microsoft cloud started; requests without a token are served app-only");
  await serve(demoConfig(settings, emulator), log, emulator.close);
}

main().catch(startFailed);
