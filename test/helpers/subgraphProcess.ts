import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Agent, fetch } from "undici";
import type { RunningEmulator } from "../../emulator";

/** The two entries: demo (`npm start`) and production (`npm run start:production`). */
const ENTRIES = { demo: resolve(__dirname, "../../dist/demo/main.js"), production: resolve(__dirname, "../../dist/src/main.js") };

/**
 * The subgraph as its own process (`node dist/demo/main.js` or `node dist/src/main.js`), so that a
 * request that kills it is seen as a dead process, not as a failure inside jest. Demo mode: the demo
 * entry, which starts its own built-in cloud. Production mode: the production entry, with
 * PARTNER_CONFIG for an emulator the test runs.
 * Everything the process writes (pino's JSON lines) is kept, so a test can read what it logged
 * while serving one request.
 */
export interface SubgraphProcess {
  mode: "demo" | "production";
  graphqlUrl: string;
  healthUrl: string;
  /** Demo mode: the process's own emulator (URL and a dispatcher trusting its CA). */
  emulator?: { url: string; dispatcher: Agent };
  alive(): boolean;
  /** How the last process ended ("exit code 1", "signal SIGKILL") and the tail of its stderr. */
  lastExit(): string | undefined;
  /** Lines written to stdout and stderr so far; `output().length` marks a position. */
  output(): readonly string[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSubgraphProcess(
  options: { mode: "demo"; env?: Record<string, string> } | { mode: "production"; emulator: RunningEmulator; env?: Record<string, string> },
): Promise<SubgraphProcess> {
  const ENTRY = ENTRIES[options.mode];
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build && npm run build:demo\` (npm test does it)`);
  const dir = mkdtempSync(join(tmpdir(), "partner-graph-proc-"));
  const port = await freePort();
  const emulatorPort = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    PORT: String(port),
    LOG_LEVEL: "warn",
    CURSOR_SECRET: "subgraph-process-cursor-secret-of-32-chars",
    // Any free port: several processes run at once, and 9464 (the default) may be taken.
    METRICS_PORT: "0",
    ...options.env,
  };
  if (options.mode === "production") {
    writeFileSync(join(dir, "partner.json"), JSON.stringify(options.emulator.partnerConfig()), { mode: 0o600 });
    writeFileSync(join(dir, "ca.pem"), options.emulator.caCert);
    Object.assign(env, {
      PARTNER_CONFIG: join(dir, "partner.json"),
      GRAPH_ENDPOINT: options.emulator.url,
      AUTHORITY_HOST: options.emulator.url,
      EXTRA_CA_FILE: join(dir, "ca.pem"),
    });
  } else {
    env.EMULATOR_PORT = String(emulatorPort);
  }

  const lines: string[] = [];
  let child: ChildProcess | undefined;
  let exited: string | undefined;
  let emulator: SubgraphProcess["emulator"];
  const healthUrl = `http://127.0.0.1:${port}/health`;

  const collect = (stream: NodeJS.ReadableStream | null, tag: string) => {
    let rest = "";
    stream?.on("data", (chunk: Buffer) => {
      const parts = (rest + chunk.toString("utf8")).split("\n");
      rest = parts.pop() ?? "";
      for (const p of parts) if (p) lines.push(`${tag}${p}`);
    });
  };

  const start = async () => {
    exited = undefined;
    // The demo process writes its cloud's URL and CA to .emulator/ in its working directory: a
    // directory of its own, not the project's.
    const proc = spawn(process.execPath, [ENTRY], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    collect(proc.stdout, "");
    collect(proc.stderr, "stderr: ");
    proc.on("exit", (code, signal) => {
      const tail = lines
        .filter((l) => l.startsWith("stderr: "))
        .slice(-40)
        .join("\n");
      exited = `${signal ? `signal ${signal}` : `exit code ${code}`}${tail ? `\n${tail}` : ""}`;
    });
    await waitForHealth(healthUrl, () => exited);
    if (options.mode === "demo") {
      await emulator?.dispatcher.close();
      const caCert = readFileSync(join(dir, ".emulator", "ca.pem"), "utf8");
      emulator = { url: `https://127.0.0.1:${emulatorPort}`, dispatcher: new Agent({ connect: { ca: caCert } }) };
    }
  };
  await start();

  const stop = async () => {
    const proc = child;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const ended = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await ended;
      clearTimeout(timer);
    }
  };

  return {
    mode: options.mode,
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    healthUrl,
    get emulator() {
      return emulator;
    },
    alive: () => !!child && child.exitCode === null && child.signalCode === null && exited === undefined,
    lastExit: () => exited,
    output: () => lines,
    async restart() {
      await stop();
      await start();
    },
    async stop() {
      await stop();
      await emulator?.dispatcher.close();
    },
  };
}

async function waitForHealth(url: string, failed: () => string | undefined): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const why = failed();
    if (why) throw new Error(`the subgraph process ended while starting: ${why}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the subgraph process did not answer ${url}`);
}

/** A port free on 127.0.0.1 right now (tests run side by side: never a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}
