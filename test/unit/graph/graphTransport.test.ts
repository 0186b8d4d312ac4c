import { getEventListeners } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Agent } from "undici";
import { createTlsMaterial } from "../../../emulator/tls";
import { createHttpsAgent } from "../../../src/auth/trust";
import { GraphBudget } from "../../../src/graph/budget";
import type { TokenSource } from "../../../src/graph/credentials";
import { HttpGraphTransport, type CallPolicy } from "../../../src/graph/graphTransport";
import { InFlightLimits, TenantBreakers } from "../../../src/graph/resilience";
import type { GraphRequest } from "../../../src/graph/types";

/**
 * The transport over real HTTP(S) on local servers (TLS verified against a test CA): what one call
 * sends, where the bearer may go, what comes back, and what the operation's deadline ends.
 */

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (seen: Seen, res: ServerResponse) => void;

const TOKEN = "token-of-t1";
let agent: Agent;
let graph: { origin: string; seen: Seen[]; handle: Handler; server: Server };
let elsewhere: { origin: string; seen: Seen[]; server: Server };
let insecure: { origin: string; seen: Seen[]; server: Server };

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

function recorder(seen: Seen[], handle: () => Handler) {
  return (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      handle()(s, res);
    });
  };
}

async function listen(server: Server, host: string, scheme: "https" | "http"): Promise<string> {
  await new Promise<void>((r) => server.listen(0, host, r));
  return `${scheme}://${host}:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const tls = await createTlsMaterial();
  agent = createHttpsAgent(tls.caCert);
  const graphSeen: Seen[] = [];
  graph = { origin: "", seen: graphSeen, handle: (_s, res) => json(res, 200, { value: [] }), server: undefined as never };
  graph.server = createHttpsServer(
    { cert: tls.cert, key: tls.key },
    recorder(graphSeen, () => graph.handle),
  );
  graph.origin = await listen(graph.server, "127.0.0.1", "https");
  const otherSeen: Seen[] = [];
  const other = createHttpsServer(
    { cert: tls.cert, key: tls.key },
    recorder(otherSeen, () => (_s, res) => json(res, 200, { value: [] })),
  );
  elsewhere = { origin: await listen(other, "localhost", "https"), seen: otherSeen, server: other };
  const plainSeen: Seen[] = [];
  const plain = createHttpServer(recorder(plainSeen, () => (_s, res) => json(res, 200, { value: [] })));
  insecure = { origin: await listen(plain, "127.0.0.1", "http"), seen: plainSeen, server: plain };
});

afterAll(async () => {
  await agent.close();
  for (const s of [graph.server, elsewhere.server, insecure.server]) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

beforeEach(() => {
  graph.seen.length = 0;
  elsewhere.seen.length = 0;
  insecure.seen.length = 0;
  graph.handle = (_s, res) => json(res, 200, { value: [] });
});

function policy(timeoutMs = 10_000): CallPolicy {
  return {
    limits: new InFlightLimits(256, 64),
    breakers: new TenantBreakers(),
    budget: new GraphBudget(0),
    deadline: Date.now() + timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  };
}

function transport(p: CallPolicy = policy(), endpoint = graph.origin) {
  let asked = 0;
  const source: TokenSource = { tenantId: "t1", getToken: async () => (asked++, TOKEN), renew: () => undefined };
  const t = new HttpGraphTransport("t1", async () => source, endpoint, agent, p);
  return { t, asked: () => asked };
}

describe("HttpGraphTransport", () => {
  it("sends one call under /v1.0 of the Graph origin with the bearer, high priority, a client-request-id and the request's headers", async () => {
    const { t } = transport();
    const [res] = await t.execute([{ method: "GET", url: "/users/$count?$filter=accountEnabled%20eq%20true", headers: { ConsistencyLevel: "eventual" } }]);
    expect(res!.status).toBe(200);
    expect(graph.seen).toHaveLength(1);
    const s = graph.seen[0]!;
    expect(`${s.method} ${s.url}`).toBe("GET /v1.0/users/$count?$filter=accountEnabled%20eq%20true");
    expect(s.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(s.headers["x-ms-throttle-priority"]).toBe("High");
    expect(s.headers.consistencylevel).toBe("eventual");
    expect(s.headers["client-request-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("gives the bearer to the configured Graph origin only: another host or port, or plain http, gets none, even when the request names one", async () => {
    const { t, asked } = transport();
    const foreign: GraphRequest[] = [
      { method: "GET", url: `${elsewhere.origin}/v1.0/users`, headers: { Authorization: `Bearer ${TOKEN}` } },
      { method: "GET", url: `${insecure.origin}/v1.0/users` },
      // The Graph host's name on another port is another origin.
      { method: "GET", url: `https://127.0.0.1:${new URL(elsewhere.origin).port}/v1.0/groups` },
    ];
    for (const req of foreign) await t.execute([req]);
    expect(asked()).toBe(0);
    expect(elsewhere.seen.map((s) => s.url)).toEqual(["/v1.0/users", "/v1.0/groups"]);
    expect(insecure.seen.map((s) => s.url)).toEqual(["/v1.0/users"]);
    for (const s of [...elsewhere.seen, ...insecure.seen]) expect(s.headers.authorization).toBeUndefined();

    await t.execute([{ method: "GET", url: `${graph.origin}/v1.0/users` }]);
    expect(graph.seen.map((s) => s.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);
    expect(asked()).toBe(1);
  });

  it("returns Graph's error answers as they came: status, lower-cased headers, the JSON error body, a text body as text", async () => {
    graph.handle = (s, res) =>
      s.url.includes("text")
        ? res.writeHead(503, { "content-type": "text/plain", "Retry-After": "0" }).end("Service Unavailable")
        : json(res, 404, { error: { code: "Request_ResourceNotFound", message: "gone" } }, { "Request-Id": "r-9" });
    const { t } = transport();
    const [missing] = await t.execute([{ method: "GET", url: "/users/x" }]);
    expect(missing).toMatchObject({ status: 404, headers: { "request-id": "r-9" }, body: { error: { code: "Request_ResourceNotFound", message: "gone" } } });
    const [text] = await t.execute([{ method: "GET", url: "/text" }]);
    // 503 is re-sent (up to its attempts, within the deadline); the last answer stands.
    expect(text).toMatchObject({ status: 503, headers: { "retry-after": "0" }, body: "Service Unavailable" });
  });

  it("sends several requests as one JSON $batch and matches Graph's answers by id, in any order", async () => {
    graph.handle = (s, res) => {
      const { requests } = JSON.parse(s.body) as { requests: Array<{ id: string; url: string }> };
      json(res, 200, {
        responses: [...requests].reverse().map((r) => ({ id: r.id, status: 200, headers: { "Content-Type": "application/json" }, body: { url: r.url } })),
      });
    };
    const { t } = transport();
    const reqs: GraphRequest[] = [
      { method: "GET", url: "/users?$select=id", headers: { ConsistencyLevel: "eventual" } },
      {
        method: "POST",
        url: "/directoryObjects/getByIds",
        body: { ids: ["a"], types: ["user"] },
        headers: { "Content-Type": "application/json" },
        idempotent: true,
      },
    ];
    const answers = await t.execute(reqs);
    expect(answers.map((a) => (a.body as { url: string }).url)).toEqual(["/users?$select=id", "/directoryObjects/getByIds"]);
    expect(answers[0]!.headers).toEqual({ "content-type": "application/json" });
    expect(graph.seen).toHaveLength(1);
    const s = graph.seen[0]!;
    expect(`${s.method} ${s.url}`).toBe("POST /v1.0/$batch");
    expect(s.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(s.body)).toEqual({
      requests: [
        { id: "1", method: "GET", url: "/users?$select=id", headers: { ConsistencyLevel: "eventual" } },
        {
          id: "2",
          method: "POST",
          url: "/directoryObjects/getByIds",
          body: { ids: ["a"], types: ["user"] },
          headers: { "Content-Type": "application/json" },
        },
      ],
    });
  });

  it("ends calls still out at the operation's deadline with TIMEOUT, many on the operation's one signal with one listener on it", async () => {
    const held: ServerResponse[] = [];
    graph.handle = (_s, res) => void held.push(res);
    try {
      // A deadline long enough for 40 TLS handshakes on a loaded machine (the full suite runs beside this).
      const p = policy(4_000);
      const started = Date.now();
      // 40 tenants' calls of one operation, all on the operation's one signal.
      const calls = Array.from({ length: 40 }, (_, i) =>
        new HttpGraphTransport(`t${i}`, async () => ({ tenantId: `t${i}`, getToken: async () => TOKEN, renew: () => undefined }), graph.origin, agent, p)
          .execute([{ method: "GET", url: `/users?i=${i}` }])
          .then(
            () => "answered",
            (e: { code?: string }) => e.code,
          ),
      );
      while (held.length < 40 && Date.now() - started < 3_900) await new Promise((r) => setTimeout(r, 5));
      expect(held).toHaveLength(40);
      // Node warns past 10 listeners on one AbortSignal, and each removal scans them: the calls share one.
      expect(getEventListeners(p.signal, "abort").length).toBeLessThanOrEqual(1);
      expect(new Set(await Promise.all(calls))).toEqual(new Set(["TIMEOUT"]));
      expect(Date.now() - started).toBeLessThan(7_000);
    } finally {
      for (const res of held) res.destroy();
    }
  });
});
