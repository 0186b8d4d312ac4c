// First: production semantics before any library reads NODE_ENV (src/productionMode.ts).
import "./productionMode";
import { loadConfig } from "./config";
import { createLogger } from "./log";
import { guardProcess } from "./processGuard";
import { serve, startFailed } from "./serve";

/**
 * The production entry (`npm run start:production`, `node dist/src/main.js`): the API against the
 * cloud PARTNER_CONFIG names. Without PARTNER_CONFIG it refuses to start, naming the variable. It never
 * reaches the built-in cloud: that is the demo entry's (demo/main.ts), and not part of this build.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  // From the first line on: an unhandled rejection is a defect to log, never a reason to stop serving.
  guardProcess(log);
  await serve(config, log);
}

main().catch(startFailed);
