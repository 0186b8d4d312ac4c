// First, as in the production entry: NODE_ENV=production before graphql-js loads (both servers measured alike).
import "../src/productionMode";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { createHandler } from "graphql-http/lib/use/http";
import { createApp } from "../src/app";
import { loadSettings, parsePartnerConfig, type Config } from "../src/config";
import { createLogger } from "../src/log";

/**
 * Benchmark child, pinned to its own core by the runner. BENCH_SERVER=subgraph runs the product
 * (createApp, configured as test/helpers/harness.ts does: demo mode, so token-less requests are
 * app-only; the emulator's CA trusted explicitly). BENCH_SERVER=graphql-http runs a bare graphql-http
 * server of the same SDL (buildSubgraphSchema) answering S0's trivial field, the S0 baseline.
 * Prints one JSON line {ready, port} on stdout.
 */
async function main(): Promise<void> {
  const kind = process.env.BENCH_SERVER ?? "subgraph";
  let port: number;
  let close: () => Promise<void>;
  if (kind === "graphql-http") {
    const sdl = readFileSync(resolve(__dirname, "../../schema/subgraph.graphql"), "utf8");
    const schema = buildSubgraphSchema({
      typeDefs: parse(sdl),
      resolvers: { Query: { me: () => ({ mode: "APP", demo: true, partnerTenants: [] }) } } as never,
    });
    const handler = createHandler({ schema });
    const http = createServer((req, res) => {
      if (req.url?.startsWith("/graphql")) handler(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    port = (http.address() as AddressInfo).port;
    close = () => new Promise<void>((r) => http.close(() => r()));
  } else {
    const ca = readFileSync(required("BENCH_CA_FILE"), "utf8");
    const partner = JSON.parse(readFileSync(required("BENCH_PARTNER_FILE"), "utf8"));
    const url = required("BENCH_EMULATOR_URL");
    // These pass through (S6 runs the client-side budget scaled and off; the memory probe raises the
    // per-tenant cap); unset keeps the default.
    const passed = Object.fromEntries(PASSED_SETTINGS.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
    const base = loadSettings({ LOG_LEVEL: "silent", CURSOR_SECRET: "bench-cursor-secret-of-at-least-32-chars", ...passed });
    const config: Config = Object.freeze({
      ...base,
      demoMode: true,
      port: 0,
      graphEndpoint: url,
      authorityHost: url,
      extraCaPem: ca,
      partnerTenants: parsePartnerConfig(partner),
      appCallers: [],
    });
    const app = await createApp(config, createLogger("silent"));
    await new Promise<void>((r) => app.http.listen(0, "127.0.0.1", r));
    port = (app.http.address() as AddressInfo).port;
    close = () => app.close();
  }
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
  // The runner's live-memory probe (a server started with --expose-gc): on SIGUSR2, a full GC, then the heap.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    process.on("SIGUSR2", () => {
      gc();
      const m = process.memoryUsage();
      const mb = (n: number) => n / 2 ** 20;
      process.stdout.write(`${JSON.stringify({ heapAfterGc: { heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external), rssMb: mb(m.rss) } })}\n`);
    });
  }
  const stop = () =>
    void close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** The product settings a bench section may set for partner-graph's server. */
const PASSED_SETTINGS = ["GRAPH_BUDGET_SCALE", "GRAPH_MAX_IN_FLIGHT_PER_TENANT"];

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
