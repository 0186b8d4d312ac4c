import { getEventListeners } from "node:events";
import { Writable } from "node:stream";
import { createLogger } from "../../src/log";
import {
  CustomersFirstUserGroupDeviceDocument,
  CustomersFirstUserIdDocument,
  CustomerUserIdsDocument,
  CustomerUserNamesDocument,
  CustomerUsersSearchedDocument,
} from "../__generated__/operations";
import { startHarness, type Answer, type Harness } from "../helpers/harness";

/** The answer to ENTITIES (`_entities` is not in the subgraph's own SDL, so not a codegen document). */
type UserEntities = Answer<{ _entities: Array<{ tenantId: string; id: string; userPrincipalName: string | null } | null> }>;

/**
 * How Graph's failures reach the client (issue 9 items 5, 10, 12): read-only POSTs retried like GETs,
 * a 400 is the client's fault only when the client's own text caused it, and retry waits leave no
 * listener pile on the operation's abort signal.
 */
describe("Graph failures as the client sees them", () => {
  let h: Harness;
  let logs = "";
  let tenant: string;
  let users: Array<{ id: string; userPrincipalName: string | null }>;

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _enc, done) => ((logs += chunk.toString()), done()) });
    h = await startHarness({ log: createLogger("info", sink), env: { GRAPH_BUDGET_SCALE: "0" } });
    const seeded = (await h.control<{ customers: Array<{ id: string; sizes: { users: number } }> }>("GET", "/tenants")).customers;
    tenant = seeded.filter((c) => c.sizes.users >= 30).sort((a, b) => a.sizes.users - b.sizes.users)[0]!.id;
    users = (await h.run(CustomerUserNamesDocument, { id: tenant, first: 30 })).body.data!.customer!.users!.nodes;
    // Warm the customer list and the tokens of 50 customers, so fault injection below meets Graph calls only.
    await h.run(CustomersFirstUserIdDocument, { first: 50 });
  });
  afterEach(async () => void (await h.control("POST", "/reset")));
  afterAll(async () => h?.close());

  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { tenantId id userPrincipalName } } }`;

  it("waits out a throttled directoryObjects/getByIds (a POST that only reads) and re-sends it", async () => {
    // The seeded draw makes the first Graph answer a 429 with Retry-After and the second a success.
    await h.control("PUT", "/faults", { graphErrorRates: { "429": 0.5 }, retryAfter: "0.05", seed: 8 });
    await h.resetCounters();
    const r: UserEntities = await h.query(ENTITIES, { r: users.map((u) => ({ __typename: "User", tenantId: tenant, id: u.id })) });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!._entities.map((e) => e!.userPrincipalName)).toEqual(users.map((u) => u.userPrincipalName));
    const getByIds = (await h.counters()).requests.filter(
      (q) => q.tenantId === tenant && q.method === "POST" && q.url.startsWith("/v1.0/directoryObjects/getByIds"),
    );
    expect(getByIds).toHaveLength(2);
  });

  it("answers BAD_USER_INPUT when Graph rejects the client's free-text search", async () => {
    await h.control("PUT", "/faults", { graphErrorRates: { "400": 1 } });
    const r = await h.run(CustomerUsersSearchedDocument, { id: tenant, search: "anything" });
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", tenantId: tenant });
  });

  it("treats a 400 on a request our code built as our fault: masked INTERNAL_SERVER_ERROR, logged with Graph's request-id and code", async () => {
    await h.control("PUT", "/faults", { graphErrorRates: { "400": 1 } });
    logs = "";
    const r = await h.run(CustomerUserIdsDocument, { id: tenant, first: 5 });
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors![0]).toMatchObject({ message: "Internal server error.", path: ["customer", "users"], extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(JSON.stringify(r.body)).not.toMatch(/BadRequest|request-id|\/users/);
    const line = logs.split("\n").find((l) => l.includes("BadRequest"));
    expect(line).toBeDefined();
    expect(line).toMatch(/request-id [0-9a-f-]{36}/);
    expect(line).toContain(tenant);
  });

  it("emits no MaxListenersExceededWarning while 50 items wait to be retried in one operation", async () => {
    // Node warns when an EventTarget gets more than 10 listeners of one type. Jest's sandboxed
    // `process` never receives Node's own warnings, so besides listening for them this test watches
    // the very condition Node warns on: the abort listeners on any one signal.
    const warnings: string[] = [];
    const onWarning = (w: Error) => void (w.name === "MaxListenersExceededWarning" && warnings.push(w.message));
    process.on("warning", onWarning);
    const add = EventTarget.prototype.addEventListener;
    let mostOnOneSignal = 0;
    const spy = jest.spyOn(EventTarget.prototype, "addEventListener").mockImplementation(function (this: EventTarget, type, listener, options) {
      add.call(this, type, listener, options);
      if (type === "abort") mostOnOneSignal = Math.max(mostOnOneSignal, getEventListeners(this, "abort").length);
    });
    try {
      await h.control("PUT", "/faults", { graphErrorRates: { "429": 0.6 }, retryAfter: "0.1", seed: 5 });
      await h.resetCounters();
      // Three lists of each of the 32 seeded customers: 96 items, every tenant's waiting on the same operation.
      const r = await h.run(CustomersFirstUserGroupDeviceDocument, { first: 50 });
      const customers = r.body.data!.customers.nodes.length;
      expect(customers).toBeGreaterThanOrEqual(30);
      const c = await h.counters();
      const itemsSent = (c.total.graph ?? 0) + (c.total.batchItem ?? 0);
      expect(itemsSent - 3 * customers).toBeGreaterThanOrEqual(50);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
      expect(mostOnOneSignal).toBeLessThanOrEqual(10);
    } finally {
      spy.mockRestore();
      process.off("warning", onWarning);
    }
  });
});
