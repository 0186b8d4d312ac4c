/**
 * `npm run supergraph` as it runs (node dist/supergraph/main.js, a child process on free ports): the
 * built-in cloud, Partner Graph in demo mode, the billing subgraph and @apollo/gateway serving the
 * committed supergraph SDL. Queries through the gateway join both subgraphs, for an agent (its token
 * forwarded: its region only) and app-only; errors keep their codes; SIGTERM stops it all. Then the
 * gateway module in this process, with a recording hop in front of each subgraph, shows which client
 * headers reach the subgraphs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Agent, fetch } from "undici";
import { committedSupergraph } from "../../supergraph/compose";
import { startGateway, type RunningGateway } from "../../supergraph/gateway";
import type { SeededCustomer } from "../helpers/harness";
import { freePort } from "../helpers/subgraphProcess";

const ENTRY = resolve(__dirname, "../../dist/supergraph/main.js");
const CURRENCY: Record<string, string> = { NA: "USD", EU: "EUR", AS: "SGD", OC: "AUD" };

interface GatewayAnswer<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> };
}

async function post<T = any>(url: string, query: string, headers: Record<string, string> = {}): Promise<GatewayAnswer<T>> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
  return { status: res.status, headers: res.headers as unknown as Headers, body: (await res.json()) as GatewayAnswer<T>["body"] };
}

const BILLED_CUSTOMERS = `{
  customers(first: 100) {
    nodes { id displayName region billing { accountNumber currency monthlySpend openInvoices invoices(last: 12) { number status amount } } }
  }
}`;

interface BilledCustomer {
  id: string;
  displayName: string;
  region: string;
  billing: {
    accountNumber: string;
    currency: string;
    monthlySpend: number;
    openInvoices: number;
    invoices: Array<{ number: string; status: string; amount: number }>;
  };
}

/** Each customer's billing is the ledger's for that customer: its id in the account number, its region's currency, its open invoices counted. */
function expectBilledByBilling(nodes: BilledCustomer[]): void {
  for (const c of nodes) {
    expect(c.displayName).toEqual(expect.any(String));
    expect(c.billing.accountNumber).toBe(`BA-${c.id.slice(0, 8).toUpperCase()}`);
    expect(c.billing.currency).toBe(CURRENCY[c.region]);
    expect(c.billing.monthlySpend).toBeGreaterThan(0);
    expect(c.billing.invoices).toHaveLength(12);
    expect(c.billing.invoices.filter((i) => i.status === "OPEN")).toHaveLength(c.billing.openInvoices);
  }
}

/** True while something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), done(true)));
    socket.once("error", () => done(false));
  });
}

describe("npm run supergraph: the demo, billing and @apollo/gateway in front", () => {
  let child: ChildProcess;
  let ports: { api: number; emulator: number; gateway: number; billing: number };
  let gatewayUrl: string;
  let cloud: { url: string; dispatcher: Agent };
  let seeded: SeededCustomer[];
  const output: string[] = [];
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${cloud.url}/_emulator${path}`, {
      method,
      dispatcher: cloud.dispatcher,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const agentToken = async (agent: string) => (await control<{ access_token: string }>("POST", "/agents/token", { agent })).access_token;

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build:demo\` (npm test does it)`);
    ports = { api: await freePort(), emulator: await freePort(), gateway: await freePort(), billing: await freePort() };
    // .emulator/ (the cloud's URL and CA, for `npm run token`) is written to the working directory: one of its own.
    const dir = mkdtempSync(join(tmpdir(), "partner-graph-supergraph-"));
    child = spawn(process.execPath, [ENTRY], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "",
        PORT: String(ports.api),
        EMULATOR_PORT: String(ports.emulator),
        GATEWAY_PORT: String(ports.gateway),
        BILLING_PORT: String(ports.billing),
        LOG_LEVEL: "warn",
        CURSOR_SECRET: "supergraph-test-cursor-secret-of-32-chars",
      },
    });
    child.stdout!.on("data", (b: Buffer) => output.push(b.toString("utf8")));
    child.stderr!.on("data", (b: Buffer) => output.push(b.toString("utf8")));
    exited = new Promise((done) => child.once("exit", (code, signal) => done({ code, signal })));
    gatewayUrl = `http://127.0.0.1:${ports.gateway}/`;
    // Printed once the gateway listens, last of the four.
    for (let i = 0; !output.join("").includes(`@apollo/gateway serves supergraph/supergraph.graphql at ${gatewayUrl}`); i++) {
      if (child.exitCode !== null || i > 600) throw new Error(`npm run supergraph did not start:\n${output.join("")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    cloud = { url: `https://127.0.0.1:${ports.emulator}`, dispatcher: new Agent({ connect: { ca: readFileSync(join(dir, ".emulator", "ca.pem"), "utf8") } }) };
    seeded = (await control<{ customers: SeededCustomer[] }>("GET", "/tenants")).customers;
  });

  afterAll(async () => {
    if (child?.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await cloud?.dispatcher.close();
  });

  it("prints where the gateway and both subgraphs are", () => {
    const printed = output.join("");
    expect(printed).toContain(`subgraph partner-graph at http://127.0.0.1:${ports.api}/graphql, subgraph billing at http://127.0.0.1:${ports.billing}/graphql`);
    expect(printed).toContain(`curl -s ${gatewayUrl}`);
  });

  it("answers app-only in demo mode a query that joins both subgraphs: every customer, each with its billing", async () => {
    const r = await post<{ customers: { nodes: BilledCustomer[] } }>(gatewayUrl, BILLED_CUSTOMERS);
    expect(r.body.errors).toBeUndefined();
    const nodes = r.body.data!.customers.nodes;
    expect(nodes.map((c) => c.id).sort()).toEqual(seeded.map((c) => c.id).sort());
    expect(new Set(nodes.map((c) => c.region))).toEqual(new Set(["NA", "EU", "AS", "OC"]));
    expectBilledByBilling(nodes);
  });

  it("forwards an agent's token: the answer is that agent's region only, with billing for each", async () => {
    const token = await agentToken("reader@fabrikampartnerseu.onmicrosoft.com");
    const r = await post<{ me: { mode: string; userName: string }; customers: { nodes: BilledCustomer[] } }>(
      gatewayUrl,
      `{ me { mode userName } ${BILLED_CUSTOMERS.slice(1, -1)} }`,
      { authorization: `Bearer ${token}` },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.me).toEqual({ mode: "AGENT", userName: "reader@fabrikampartnerseu.onmicrosoft.com" });
    const nodes = r.body.data!.customers.nodes;
    expect(nodes.map((c) => c.id).sort()).toEqual(
      seeded
        .filter((c) => c.region === "EU")
        .map((c) => c.id)
        .sort(),
    );
    expect(new Set(nodes.map((c) => c.region))).toEqual(new Set(["EU"]));
    expectBilledByBilling(nodes);
  });

  it("passes Partner Graph's errors through with their codes and details, beside billing's data", async () => {
    const invalid = await post(gatewayUrl, `{ customer(id: "not-a-guid") { id billing { currency } } }`);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: ["customer"], extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) })]);

    // The helpdesk agent's GDAP roles do not reach a DAP-only customer's users: ROLE_MISSING there, and billing still answers.
    const token = await agentToken("helpdesk@fabrikampartnersna.onmicrosoft.com");
    const list = await post<{ customers: { nodes: Array<{ id: string; relationship: { kind: string } }> } }>(
      gatewayUrl,
      `{ customers(first: 100) { nodes { id relationship { kind } } } }`,
      { authorization: `Bearer ${token}` },
    );
    const dapOnly = list.body.data!.customers.nodes.find((c) => c.relationship.kind === "DAP")!;
    expect(dapOnly).toBeDefined();
    const r = await post<{ customer: { users: unknown; billing: { currency: string } } }>(
      gatewayUrl,
      `{ customer(id: "${dapOnly.id}") { users(first: 1) { nodes { id } } billing { currency } } }`,
      { authorization: `Bearer ${token}` },
    );
    expect(r.body.data!.customer).toEqual({ users: null, billing: { currency: "USD" } });
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        path: ["customer", "users"],
        extensions: expect.objectContaining({ code: "ROLE_MISSING", tenantId: dapOnly.id, requiredRoles: expect.arrayContaining(["Global Reader"]) }),
      }),
    ]);
  });

  it("passes Partner Graph's refusal of a bad token as its own error, without the subgraph's address", async () => {
    const r = await post(gatewayUrl, BILLED_CUSTOMERS, { authorization: "Bearer not-a-token" });
    expect(r.body.data).toBeNull();
    expect(r.body.errors).toEqual([{ message: "A valid bearer token for this API is required.", extensions: { code: "UNAUTHENTICATED" } }]);
    expect(JSON.stringify(r.body)).not.toContain(String(ports.api));
  });

  it("passes billing's own errors through with their codes", async () => {
    const r = await post(gatewayUrl, `{ customers(first: 1) { nodes { billing { invoices(last: 13) { number } } } } }`);
    expect(r.body.errors).toEqual([
      expect.objectContaining({ message: "last must be 1 to 12.", extensions: expect.objectContaining({ code: "BAD_USER_INPUT", argument: "last" }) }),
    ]);
  });

  it("stops everything on SIGTERM: exit code 0, no port left listening", async () => {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const end = await exited;
    clearTimeout(timer);
    expect(end).toEqual({ code: 0, signal: null });
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);
  });
});

/** An HTTP hop in front of a subgraph that records the headers of every request it passes on. */
async function recordingHop(target: string): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k))) as Record<
        string,
        string
      >;
      const answer = await fetch(target, { method: req.method, headers, body: Buffer.concat(chunks) });
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen, server };
}

describe("the gateway's header forwarding (supergraph/gateway.ts)", () => {
  let child: ChildProcess;
  let gateway: RunningGateway;
  let hops: Record<"partner-graph" | "billing", Awaited<ReturnType<typeof recordingHop>>>;

  beforeAll(async () => {
    // The same demo and billing, without their gateway (--no-gateway); this process's gateway reaches them through the hops.
    const [api, emulator, billing] = [await freePort(), await freePort(), await freePort()];
    child = spawn(process.execPath, [ENTRY, "--no-gateway"], {
      cwd: mkdtempSync(join(tmpdir(), "partner-graph-supergraph-")),
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", PORT: String(api), EMULATOR_PORT: String(emulator), BILLING_PORT: String(billing), LOG_LEVEL: "warn" },
    });
    const output: string[] = [];
    child.stdout!.on("data", (b: Buffer) => output.push(b.toString("utf8")));
    child.stderr!.on("data", (b: Buffer) => output.push(b.toString("utf8")));
    for (let i = 0; !output.join("").includes("No gateway (--no-gateway)"); i++) {
      if (child.exitCode !== null || i > 600) throw new Error(`npm run supergraph -- --no-gateway did not start:\n${output.join("")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    hops = {
      "partner-graph": await recordingHop(`http://127.0.0.1:${api}/graphql`),
      billing: await recordingHop(`http://127.0.0.1:${billing}/graphql`),
    };
    gateway = await startGateway({
      supergraphSdl: committedSupergraph(),
      subgraphUrls: { "partner-graph": hops["partner-graph"].url, billing: hops.billing.url },
      port: 0,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    for (const hop of Object.values(hops ?? {})) await new Promise((done) => hop.server.close(done));
    if (child?.exitCode === null) {
      const ended = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await ended;
    }
  });

  const QUERY = `{ customers(first: 2) { nodes { id billing { currency } } } }`;

  it("sends the client's Authorization, trace context and request id to both subgraphs, and nothing else of the client's", async () => {
    const sent = {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      tracestate: "congo=t61rcWkgMzE",
      "x-request-id": "supergraph-test-1",
    };
    for (const hop of Object.values(hops)) hop.seen.length = 0;
    // No token: app-only in demo mode, so the plan reaches billing too.
    const r = await post(gateway.url, QUERY, { ...sent, cookie: "session=secret", "x-client-secret": "s" });
    expect(r.body.errors).toBeUndefined();
    expect(r.headers.get("x-request-id")).toBe("supergraph-test-1");
    for (const [name, hop] of Object.entries(hops)) {
      expect({ name, count: hop.seen.length }).toEqual({ name, count: 1 });
      expect(hop.seen[0]).toMatchObject(sent);
      expect(hop.seen[0]).not.toHaveProperty("cookie");
      expect(hop.seen[0]).not.toHaveProperty("x-client-secret");
    }
  });

  it("forwards the bearer token (the subgraph refuses a bad one) and makes one request id for all subgraphs when the client sent none", async () => {
    for (const hop of Object.values(hops)) hop.seen.length = 0;
    const ok = await post(gateway.url, QUERY);
    expect(ok.body.errors).toBeUndefined();
    const id = ok.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(hops["partner-graph"].seen.map((h) => h["x-request-id"])).toEqual([id]);
    expect(hops.billing.seen.map((h) => h["x-request-id"])).toEqual([id]);
    expect(hops["partner-graph"].seen[0]).not.toHaveProperty("authorization");

    const refused = await post(gateway.url, QUERY, { authorization: "Bearer not-a-token" });
    expect(hops["partner-graph"].seen.at(-1)!.authorization).toBe("Bearer not-a-token");
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: { code: "UNAUTHENTICATED" } })]);
  });
});
