import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What every bench child process (the hand-written client, the floor client) shares with the runner:
 * its settings from the environment, the "ready" line with its port, and how it stops.
 */
export function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

/** Listens on a free loopback port and tells the runner which (one JSON line on stdout). */
export async function announceReady(server: Server): Promise<void> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  process.stdout.write(`${JSON.stringify({ ready: true, port: (server.address() as AddressInfo).port })}\n`);
  process.on("SIGTERM", () => process.exit(0));
}

/** Runs the child's main; a failure goes to stderr with its stack (bench code, not the product) and exits 1. */
export function runChild(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

/** A request's JSON body from the runner (an empty body is `{}`). */
export async function jsonBodyOf(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}
