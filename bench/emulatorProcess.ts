import { writeFileSync } from "node:fs";
import { startEmulator } from "../emulator";
import type { SeedOptions } from "../emulator/data/seed";

/**
 * Benchmark child: the built-in Microsoft cloud as its own process (pinned by the runner).
 * BENCH_PRESET picks the seeded world; BENCH_CA_FILE receives the CA so other processes can trust it
 * explicitly. Prints one JSON line {url, partnerConfig} on stdout when listening.
 */
async function main(): Promise<void> {
  const preset = (process.env.BENCH_PRESET ?? "demo") as SeedOptions["preset"];
  const emulator = await startEmulator({ seed: { preset }, settings: { throttling: false, batchLimit: "enforce" } });
  if (process.env.BENCH_CA_FILE) writeFileSync(process.env.BENCH_CA_FILE, emulator.caCert);
  process.stdout.write(`${JSON.stringify({ ready: true, url: emulator.url, partnerConfig: emulator.partnerConfig() })}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench emulator failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
