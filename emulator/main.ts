import { startEmulator } from "./index";
import type { SeedOptions } from "./data/seed";
import { writeEmulatorState } from "./state";

/**
 * `npm run emulator`: the built-in Microsoft cloud as a standalone HTTPS service.
 * EMULATOR_PORT (default 4443), EMULATOR_PRESET (demo | scale-customers | scale-users).
 * Writes the CA certificate to .emulator/ca.pem so other processes can trust it explicitly
 * (NODE_EXTRA_CA_CERTS=.emulator/ca.pem, or the subgraph's EMULATOR_CA_FILE).
 */
async function main(): Promise<void> {
  const port = Number(process.env.EMULATOR_PORT ?? 4443);
  const preset = (process.env.EMULATOR_PRESET ?? "demo") as SeedOptions["preset"];
  const emulator = await startEmulator({ port, seed: { preset } });
  const { caFile } = writeEmulatorState(emulator.url, emulator.caCert);
  const customers = emulator.ctx.world.dataset.customers.length;
  process.stdout.write(
    [
      `Built-in Microsoft cloud listening on ${emulator.url} (${preset}: ${customers} customers)`,
      `  identity platform: ${emulator.url}/{tenant}/v2.0/.well-known/openid-configuration`,
      `  Microsoft Graph:   ${emulator.url}/v1.0`,
      `  control API:       ${emulator.url}/_emulator/ (loopback only)`,
      `  CA certificate:    ${caFile}`,
      "",
    ].join("\n"),
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
