import { Agent, fetch } from "undici";
import { readEmulatorState } from "../emulator/state";

/**
 * `npm run token -- <agent>`: signs a demo agent in to the running built-in cloud and prints a token
 * for this API. `<agent>` is a user principal name, or a short name (admin, helpdesk, intune, reader,
 * mfa) with an optional region (`helpdesk eu`); NA by default.
 */
async function main(): Promise<void> {
  const [who = "admin", region = "na"] = process.argv.slice(2);
  const state = readEmulatorState();
  if (!state) throw new Error("No built-in cloud is running: start it with `npm start` (or `npm run emulator`) first.");
  const agent = who.includes("@") ? who : `${who}@fabrikampartners${region.toLowerCase()}.onmicrosoft.com`;
  const dispatcher = new Agent({ connect: { ca: state.caCert } });
  const res = await fetch(`${state.url}/_emulator/agents/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ agent }),
    dispatcher,
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!res.ok || !body.access_token) throw new Error(body.error ?? `token request failed (${res.status})`);
  process.stdout.write(`${body.access_token}\n`);
  await dispatcher.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
