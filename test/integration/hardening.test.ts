import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getIntrospectionQuery } from "graphql";
import { fetch } from "undici";
import { startHarness, type Harness } from "../helpers/harness";

const NIL_TENANT = "00000000-0000-0000-0000-000000000000";
const codes = (body: any): string[] => (body.errors ?? []).map((e: any) => e.extensions?.code);

/**
 * Targeted reproductions of issue 10's front-door findings, each over HTTP through the harness (demo
 * mode: no token needed, as the attacker had it). Every one answered wrongly before the fix.
 */
describe("hostile and careless requests at the front door", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  describe("_entities", () => {
    it("answers an unknown type BAD_USER_INPUT at its index and still looks the others up", async () => {
      const customers = (await h.query(`{ customers(first: 1) { nodes { id } } }`)).body.data.customers.nodes;
      const r = await h.query(`query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Customer { id } } }`, {
        r: [
          { __typename: "Customer", id: NIL_TENANT },
          { __typename: "Nope" },
          { __typename: "Customer", id: customers[0].id },
          "not an object",
          { __typename: "User", tenantId: "x", id: "y" },
        ],
      });
      expect(r.status).toBe(200);
      expect(r.body.data._entities[2]).toEqual({ __typename: "Customer", id: customers[0].id });
      const byIndex = Object.fromEntries(r.body.errors.map((e: any) => [e.path[1], e.extensions.code]));
      expect(byIndex).toEqual({ 0: expect.stringMatching(/^(FORBIDDEN|NOT_FOUND)$/), 1: "BAD_USER_INPUT", 3: "BAD_USER_INPUT", 4: "BAD_USER_INPUT" });
      expect(codes(r.body)).not.toContain("INTERNAL_SERVER_ERROR");
    });

    it("checks every representation before any lookup: malformed keys cost no Graph call", async () => {
      await h.resetCounters();
      const r = await h.query(
        `{ _entities(representations: [{ __typename: "User", tenantId: "${NIL_TENANT}" }, { __typename: "Group", tenantId: "nope", id: "1" }, { __typename: "Customer" }]) { __typename } }`,
      );
      expect(codes(r.body)).toEqual(["BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT"]);
      const c = await h.counters();
      expect((c.total.graph ?? 0) + (c.total.batch ?? 0) + (c.total.token ?? 0)).toBe(0);
    });
  });

  describe("operation limits", () => {
    it("refuses nested fragments F0 { ...F1 ...F1 } … F21 at once (measured once each, not expanded)", async () => {
      const defs = Array.from({ length: 21 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(" ");
      const r = await h.query(`query { ...F0 } ${defs} fragment F21 on Query { me { mode } }`);
      expect(r.status).toBe(400);
      expect(r.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", rootFields: 2 ** 21, maxRootFields: 20 });
      expect((await fetch(h.graphqlUrl.replace("/graphql", "/health"))).status).toBe(200);
    });

    it("counts a missing `first` as its default, before any Graph call", async () => {
      await h.resetCounters();
      const r = await h.query(`{ customers { nodes { users { nodes { memberOf { nodes { __typename } } } } } } }`);
      expect(r.status).toBe(400);
      expect(r.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", cost: 50 * (1 + 50 * (1 + 50)), maxCost: 100000 });
      const c = await h.counters();
      expect((c.total.graph ?? 0) + (c.total.batch ?? 0)).toBe(0);
    });

    it("resolves a variable's default before estimating", async () => {
      const r = await h.query(`query($n: Int! = 999) { customers(first: $n) { nodes { users(first: $n) { nodes { id } } } } }`);
      expect(r.status).toBe(400);
      expect(r.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", cost: 999 * 1000 });
    });

    it("limits aliases (user(id:) ×2,000, signInRouting ×500, users(search:) ×300) with graphql-armor", async () => {
      const id = "00000000-0000-0000-0000-000000000001";
      const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(" ");
      await h.resetCounters();
      const answers = [
        await h.query(`{ customer(id: "${NIL_TENANT}") { ${many(2000, (i) => `u${i}: user(id: "${id}") { id }`)} } }`),
        await h.query(`{ ${many(500, (i) => `s${i}: signInRouting(userName: "u${i}@contoso${i}.com") { region }`)} }`),
        await h.query(`{ customer(id: "${NIL_TENANT}") { ${many(300, (i) => `q${i}: users(search: "a${i}") { nodes { id } }`)} } }`),
      ];
      // These also pass the token limit, which the parser meets first; both refuse before any Graph call.
      for (const a of answers) {
        expect(a.status).toBe(400);
        expect(a.body.errors[0].extensions.code).toMatch(/^GRAPHQL_(PARSE|VALIDATION)_FAILED$/);
      }
      const aliases = await h.query(`{ customer(id: "${NIL_TENANT}") { ${many(201, (i) => `u${i}: user(id: "${id}") { id }`)} } }`);
      expect(aliases.status).toBe(400);
      expect(aliases.body.errors[0]).toMatchObject({
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        message: expect.stringMatching(/Aliases limit of 200 exceeded, found 201/),
      });
      const c = await h.counters();
      expect((c.total.graph ?? 0) + (c.total.batch ?? 0) + (c.total.discovery ?? 0)).toBe(0);
    });

    it("limits root fields, directives and lexical tokens", async () => {
      const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(" ");
      const roots = await h.query(`{ ${many(25, (i) => `c${i}: customer(id: "${NIL_TENANT}") { id }`)} }`);
      expect(roots.status).toBe(400);
      expect(roots.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", rootFields: 25, maxRootFields: 20 });
      const directives = await h.query(`{ me { mode ${many(60, () => "@include(if: true)")} } }`);
      expect(directives.status).toBe(400);
      expect(directives.body.errors[0]).toMatchObject({
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        message: expect.stringMatching(/Directives limit of 50 exceeded/),
      });
      const tokens = await h.query(`{ me { ${many(6000, () => "mode")} } }`);
      expect(tokens.status).toBe(400);
      expect(tokens.body.errors[0]).toMatchObject({ extensions: { code: "GRAPHQL_PARSE_FAILED" }, message: expect.stringMatching(/5000 tokens/) });
    });

    it("serves the standard introspection query (Sandbox's) where introspection is on, and bounds abusive nesting", async () => {
      const r = await h.query(
        getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }),
      );
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.__schema.queryType.name).toBe("Query");
      const deep = await h.query(`{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`);
      expect(deep.status).toBe(400);
      // Apollo Server's own introspection-depth rule meets it first; ours (3 nested lists) stands behind it.
      expect(deep.body.errors[0].extensions.code).toMatch(/^(GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT)$/);
    });
  });

  describe("requests that are not queries, too large or malformed", () => {
    it("answers mutation and subscription operations 400 BAD_REQUEST", async () => {
      for (const op of [`mutation { __typename }`, `subscription { __typename }`, `subscription { me { mode } }`]) {
        const r = await h.query(op);
        expect(r.status).toBe(400);
        expect(codes(r.body)).toEqual(["BAD_REQUEST"]);
      }
    });

    it("answers a body over 1 MB with 413 and a JSON GraphQL error, not a reset", async () => {
      const res = await fetch(h.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ me { mode } }`, variables: { pad: "x".repeat(2 * 1024 * 1024) } }),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: "BAD_REQUEST", maxBodyBytes: 1048576 } }] });
      expect((await h.query(`{ me { mode } }`)).status).toBe(200);
    });

    it("answers headers over 16 KB (a 100 KB token) with 431 and a JSON GraphQL error", async () => {
      const res = await fetch(h.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${"a".repeat(100_000)}` },
        body: JSON.stringify({ query: `{ me { mode } }` }),
      });
      expect(res.status).toBe(431);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(await res.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: "BAD_REQUEST", maxHeaderBytes: 16384 } }] });
    });

    it("answers a persisted-query hash that does not match its query 400 BAD_REQUEST, not a masked defect (found by the fuzz suite)", async () => {
      const res = await fetch(h.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ me { mode } }`, extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ errors: [{ message: "provided sha does not match query", extensions: { code: "BAD_REQUEST" } }] });
    });

    it("marks GraphQL answers Cache-Control: no-store, with data or errors (tenant data is never to be stored)", async () => {
      for (const query of [`{ me { mode } }`, `{ customer(id: "${NIL_TENANT}") { id } }`, `{ nope }`]) {
        const res = await fetch(h.graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
        await res.arrayBuffer();
        expect(res.headers.get("cache-control")).toBe("no-store");
      }
    });
  });
});

/** Production mode (a partner configuration): introspection follows its setting, suggestions are hidden. */
describe("production mode", () => {
  let h: Harness;
  let agent: string;
  beforeAll(async () => {
    h = await startHarness({ demoMode: false });
    agent = (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: "reader@fabrikampartnerseu.onmicrosoft.com" })).access_token;
  });
  afterAll(async () => h?.close());

  it("refuses introspection unless configured, and gives no 'Did you mean' suggestions", async () => {
    const auth = { authorization: `Bearer ${agent}` };
    const introspection = await h.query(`{ __schema { queryType { name } } }`, {}, auth);
    expect(introspection.status).toBe(400);
    expect(codes(introspection.body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    const typo = await h.query(`{ customers(first: 1) { nodes { displayNam } } }`, {}, auth);
    expect(codes(typo.body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean|displayName/);
    const enumTypo = await h.query(
      `query($f: ManagedDeviceFilter) { customers(first: 1) { nodes { managedDevices(filter: $f) { nodes { id } } } } }`,
      { f: { complianceState: "COMPLIANTT" } },
      auth,
    );
    expect(codes(enumTypo.body)).toEqual(["BAD_USER_INPUT"]);
    expect(JSON.stringify(enumTypo.body)).not.toMatch(/Did you mean|"COMPLIANT"/);
  });

  it("serves introspection when GRAPHQL_INTROSPECTION=true", async () => {
    const on = await startHarness({ demoMode: false, env: { GRAPHQL_INTROSPECTION: "true" } });
    try {
      const token = (await on.control<{ access_token: string }>("POST", "/agents/token", { agent: "reader@fabrikampartnerseu.onmicrosoft.com" })).access_token;
      const r = await on.query(getIntrospectionQuery(), {}, { authorization: `Bearer ${token}` });
      expect(r.status).toBe(200);
      expect(r.body.data.__schema.queryType.name).toBe("Query");
    } finally {
      await on.close();
    }
  });
});

/** Capacity: answers at the deadline whatever still runs. */
describe("deadlines", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { OPERATION_TIMEOUT_MS: "1500" } });
  });
  afterAll(async () => h?.close());

  it("answers an operation still waiting at its deadline with TIMEOUT, not later with data", async () => {
    // Tokens take 6 s (cold cache): the operation cannot finish within its 1.5 s deadline.
    await h.control("PUT", "/latency", { token: { kind: "fixed", ms: 6000 } });
    try {
      const r = await h.query(`{ customers(first: 5) { nodes { id } } }`);
      // Answered while the token requests it waited on are still out: at the deadline, not after them.
      expect((await h.counters()).concurrency.token.current).toBeGreaterThan(0);
      expect(r.body.errors?.length).toBeGreaterThan(0);
      expect(new Set(codes(r.body))).toEqual(new Set(["TIMEOUT"]));
      expect(r.body.data?.customers?.nodes ?? []).toEqual([]);
    } finally {
      await h.control("PUT", "/latency", { token: { kind: "none" } });
    }
  });

  it("answers the customers whose tokens are still out with TIMEOUT at their path, beside the data it has", async () => {
    // The listing is warm (its partner tenants' tokens cached; the test before leaves them out for 6 s);
    // each customer's own token then takes 6 s.
    for (let i = 0; i < 40 && (await h.query(`{ customers(first: 3) { totalCount nodes { id } } }`)).body.errors; i++)
      await new Promise((r) => setTimeout(r, 250));
    await h.control("PUT", "/latency", { token: { kind: "fixed", ms: 6000 } });
    try {
      const r = await h.query(`{ customers(first: 3) { totalCount nodes { id users(first: 1) { nodes { id } } } } }`);
      // 200 with data: answered by the customers' own deadline (not the whole operation's 504 after it).
      expect(r.status).toBe(200);
      expect(r.body.data.customers.totalCount).toBeGreaterThan(0);
      const nodes = r.body.data.customers.nodes;
      expect(nodes).toHaveLength(3);
      for (const n of nodes) expect(n.users).toBeNull();
      expect(r.body.errors.map((e: any) => [e.extensions.code, e.path.join(".")]).sort()).toEqual(
        [0, 1, 2].map((i) => ["TIMEOUT", `customers.nodes.${i}.users`]),
      );
    } finally {
      await h.control("PUT", "/latency", { token: { kind: "none" } });
    }
  });
});

/** Capacity: shedding by estimated cost in flight, not by the number of operations. */
describe("load shedding", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { MAX_COST_IN_FLIGHT: "2000" } });
  });
  afterAll(async () => h?.close());

  it("refuses an operation whose cost would pass the budget in flight with 503 THROTTLED, and admits cheap ones", async () => {
    const heavy = `{ customers(first: 10) { nodes { users(first: 150) { nodes { id } } } } }`; // 10 × (1 + 150) = 1,510
    await h.query(`{ customers(first: 10) { nodes { id } } }`); // tokens and listing warm: the next operation is all Graph time
    await h.control("PUT", "/latency", { graph: { kind: "fixed", ms: 1000 } });
    try {
      let answered = false;
      const first = h.query(heavy).finally(() => (answered = true));
      // Until the first operation's Graph calls are in flight (it holds its cost from before its first call).
      while (!answered && (await h.counters()).concurrency.graph.current === 0) await new Promise((r) => setTimeout(r, 20));
      expect(answered).toBe(false);
      const second = await h.query(heavy);
      expect(second.status).toBe(503);
      expect(second.body.errors[0].extensions).toMatchObject({ code: "THROTTLED", retryAfter: 1, cost: 1510, maxCostInFlight: 2000 });
      expect((await h.query(`{ me { mode } }`)).status).toBe(200);
      expect((await first).status).toBe(200);
    } finally {
      await h.control("PUT", "/latency", { graph: { kind: "none" } });
    }
    expect((await h.query(heavy)).status).toBe(200); // the budget came back
  });
});

/** The real entry point in a child process: one bad request must not end it. */
describe("the process", () => {
  const DEMO_ENTRY = resolve(__dirname, "../../dist/demo/main.js");
  const GUARD = resolve(__dirname, "../../dist/src/processGuard.js");
  const LOG = resolve(__dirname, "../../dist/src/log.js");

  it("logs an unhandled rejection as a defect and keeps running", () => {
    if (!existsSync(GUARD)) throw new Error("dist/ is missing: run `npm run build` (npm test does it)");
    const script = `
      const { guardProcess } = require(${JSON.stringify(GUARD)});
      const { createLogger } = require(${JSON.stringify(LOG)});
      guardProcess(createLogger("error"));
      Promise.reject(new Error("boom with eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"));
      setTimeout(() => { process.stdout.write("still serving\\n"); process.exit(0); }, 100);`;
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/"defect":"unhandledRejection"/);
    expect(run.stdout).toMatch(/still serving/);
    expect(run.stdout).not.toMatch(/eyJ/);
  });

  it("refuses to start the production entry without PARTNER_CONFIG, naming it, instead of serving a fake cloud", () => {
    const PRODUCTION_ENTRY = resolve(__dirname, "../../dist/src/main.js");
    if (!existsSync(PRODUCTION_ENTRY)) throw new Error("dist/src/main.js is missing: run `npm run build` (npm test does it)");
    const run = spawnSync(process.execPath, [PRODUCTION_ENTRY], {
      cwd: mkdtempSync(join(tmpdir(), "partner-graph-prod-")),
      env: { PATH: process.env.PATH, PORT: "0", LOG_LEVEL: "error" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/PARTNER_CONFIG is required/);
    expect(run.stdout).toBe(""); // no banner: nothing was served
  });

  it("keeps serving after the _entities request that used to end it (demo mode, no token)", async () => {
    if (!existsSync(DEMO_ENTRY)) throw new Error("dist/demo/main.js is missing: run `npm run build:demo` (npm test does it)");
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const child: ChildProcess = spawn(process.execPath, [DEMO_ENTRY], {
      cwd: mkdtempSync(join(tmpdir(), "partner-graph-guard-")), // demo mode writes .emulator/ in its working directory
      env: { PATH: process.env.PATH, PORT: String(port), EMULATOR_PORT: String(emulatorPort), LOG_LEVEL: "error" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let exited = false;
    child.on("exit", () => (exited = true));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHealth(`${base}/health`, () => exited);
      const ask = async (query: string) =>
        (await (
          await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })
        ).json()) as any;
      for (const first of [`{ __typename: "Customer", id: "${NIL_TENANT}" }`, `{ __typename: "User", tenantId: "${NIL_TENANT}", id: "${NIL_TENANT}" }`]) {
        const r = await ask(`{ _entities(representations: [${first}, { __typename: "Nope" }]) { __typename } }`);
        expect(codes(r)).not.toContain("INTERNAL_SERVER_ERROR");
      }
      // Operations that need the same lookups: by the time they answer, the old rejections had ended the process.
      for (let i = 0; i < 3; i++)
        expect((await ask(`{ customers(first: 2) { nodes { id users(first: 1) { nodes { id } } } } }`)).data.customers.nodes).toHaveLength(2);
      expect(exited).toBe(false);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(url: string, gone: () => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (gone()) throw new Error("the server process exited during start");
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become healthy`);
}
