import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Where a running built-in cloud tells other local processes (`npm run token`, benchmarks) its URL
 * and CA: .emulator/ in the working directory (npm scripts run in the project root). The CA is
 * public material; no secret is written.
 */
const DIR = resolve(process.cwd(), ".emulator");

export function writeEmulatorState(url: string, caCert: string): { caFile: string } {
  mkdirSync(DIR, { recursive: true });
  const caFile = resolve(DIR, "ca.pem");
  writeFileSync(caFile, caCert);
  writeFileSync(resolve(DIR, "url"), url);
  return { caFile };
}

export function readEmulatorState(): { url: string; caCert: string } | undefined {
  try {
    return { url: readFileSync(resolve(DIR, "url"), "utf8").trim(), caCert: readFileSync(resolve(DIR, "ca.pem"), "utf8") };
  } catch {
    return undefined;
  }
}
