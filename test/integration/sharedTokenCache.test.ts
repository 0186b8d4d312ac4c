import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { fetch } from "undici";
import { createClient } from "redis";
import { CustomersUserUpnsDocument } from "../__generated__/operations";
import { startHarness, type Answer, type Harness } from "../helpers/harness";

const REDIS_URL = "redis://127.0.0.1:6379";
const ENTRY = resolve(__dirname, "../../dist/src/main.js");

/**
 * Two subgraph processes on one Redis: the jest process runs one, a child `node dist/src/main.js`
 * the other (npm test builds dist first). What one acquired, the other must not acquire again.
 */
describe("token cache shared through Redis by two subgraph processes", () => {
  const prefix = `partner-graph-test:${randomUUID()}:`;
  const encryptionKey = randomBytes(32).toString("base64");
  let h: Harness;
  let child: ChildProcess;
  let childUrl: string;
  const redis = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false, connectTimeout: 3000 } });

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error("dist/src/main.js is missing: run `npm run build` (npm test does it)");
    await redis.connect().catch((err: Error) => {
      throw new Error(`These tests need Redis at ${REDIS_URL} (.ci/run starts it): ${err.message}`);
    });
    h = await startHarness({
      demoMode: false,
      env: { REDIS_URL, REDIS_KEY_PREFIX: prefix, REDIS_ENCRYPTION_KEY: encryptionKey, CUSTOMER_LIST_TTL_SECONDS: "0" },
    });
    const dir = mkdtempSync(join(tmpdir(), "partner-graph-"));
    writeFileSync(join(dir, "partner.json"), JSON.stringify(h.emulator.partnerConfig()), { mode: 0o600 });
    writeFileSync(join(dir, "ca.pem"), h.emulator.caCert);
    const port = 40000 + Math.floor(Math.random() * 20000);
    childUrl = `http://127.0.0.1:${port}/graphql`;
    child = spawn(process.execPath, [ENTRY], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        PARTNER_CONFIG: join(dir, "partner.json"),
        GRAPH_ENDPOINT: h.emulator.url,
        AUTHORITY_HOST: h.emulator.url,
        EXTRA_CA_FILE: join(dir, "ca.pem"),
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        REDIS_ENCRYPTION_KEY: encryptionKey,
        CUSTOMER_LIST_TTL_SECONDS: "0",
        LOG_LEVEL: "error",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await waitForHealth(childUrl.replace("/graphql", "/health"));
  });

  afterAll(async () => {
    child?.kill("SIGTERM");
    if (redis.isOpen) {
      for await (const key of redis.scanIterator({ MATCH: `${prefix}*` })) await redis.del(key);
      await redis.quit();
    }
    await h?.close();
  });

  /** Runs a document on a subgraph at `url` (this process's or the child's) as the token's caller. */
  const ask = async <TData, TVariables>(url: string, token: string, [document, variables]: readonly [TypedDocumentNode<TData, TVariables>, TVariables]) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(document), variables }),
    });
    return (await res.json()) as Answer<TData>["body"];
  };
  const QUERY = [CustomersUserUpnsDocument, { first: 4, users: 1 }] as const;

  it("lets the second process use the app-only tokens the first acquired", async () => {
    const appToken = await h.appToken("NA");
    await h.resetCounters();
    const first = await ask(h.graphqlUrl, appToken, QUERY);
    expect(first.errors).toBeUndefined();
    const acquired = (await h.counters()).total.token ?? 0;
    expect(acquired).toBe(1 + 4); // its own partner tenant (an app caller reaches its region only), four customers

    await h.resetCounters();
    const second = await ask(childUrl, appToken, QUERY);
    expect(second.data).toEqual(first.data);
    expect((await h.counters()).total.token ?? 0).toBe(0);

    // Partitioned per app and tenant.
    const keys: string[] = [];
    for await (const key of redis.scanIterator({ MATCH: `${prefix}token:app:*` })) keys.push(key);
    const ids: string[] = first.data!.customers.nodes.map((n) => n.id);
    for (const id of ids) expect(keys.some((k) => k.endsWith(`:${id}`))).toBe(true);
  });

  it("lets the second process use an agent's on-behalf-of tokens, and only for that agent", async () => {
    const agentToken = (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: "reader@fabrikampartnersna.onmicrosoft.com" }))
      .access_token;
    await h.resetCounters();
    const first = await ask(h.graphqlUrl, agentToken, QUERY);
    expect(first.errors).toBeUndefined();
    expect((await h.counters()).total.token).toBe(1 + 4); // the partner tenant and four customers

    await h.resetCounters();
    await ask(childUrl, agentToken, QUERY);
    expect((await h.counters()).total.token ?? 0).toBe(0);

    const otherAgent = (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: "admin@fabrikampartnersna.onmicrosoft.com" })).access_token;
    await h.resetCounters();
    await ask(childUrl, otherAgent, QUERY);
    expect((await h.counters()).total.token).toBe(1 + 4);
  });
});

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the second subgraph process did not start (${url})`);
}
