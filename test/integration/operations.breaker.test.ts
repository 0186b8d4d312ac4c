import { CustomerIdsDocument, CustomerUserIdsDocument } from "../__generated__/operations";
import { graphCallsTo, startHarness, type Answer, type Harness } from "../helpers/harness";
import { MAX_ATTEMPTS } from "../../src/graph/resilience";

const OPEN_MS = 400;
const past = (ms: number) => new Promise((r) => setTimeout(r, ms));
type UserIds = Answer<{ customer: { users: { nodes: { id: string }[] } | null } | null }>;

/**
 * The half-open probe of a tenant's workload decides for every call waiting on that circuit: the other
 * items of its operation and the calls of concurrent operations wait for it instead of failing because
 * another call was chosen as the probe, and fail at once, without reaching Graph, only when it fails.
 * (The items of one operation carried by several $batches of one call: resilience.test.ts.)
 */
describe("breaker half-open: the probe decides for the whole batch in flight", () => {
  let h: Harness;
  let tenant: string;
  const users = (): Promise<UserIds> => h.run(CustomerUserIdsDocument, { id: tenant, first: 1 });
  const codeOf = (a: UserIds) => a.body.errors?.[0]?.extensions?.code;
  const graphCodeOf = (a: UserIds) => a.body.errors?.[0]?.extensions?.graphCode;
  /** Opens the tenant's directory circuit with final failures (500s are not retried) and checks that it answers at once. */
  const openCircuit = async () => {
    await h.control("PUT", "/faults", { graphErrorRates: { "500": 1 } });
    for (let i = 0; i < 5; i++) expect(codeOf(await users())).toBe("UPSTREAM_UNAVAILABLE");
    expect(graphCodeOf(await users())).toBe("CircuitOpen");
  };

  beforeEach(async () => {
    h = await startHarness({ env: { BREAKER_OPEN_MS: String(OPEN_MS), BREAKER_MIN_VOLUME: "5", OPERATION_TIMEOUT_MS: "10000" } });
    tenant = (await h.run(CustomerIdsDocument, { first: 1 })).body.data!.customers.nodes[0]!.id;
    // Warm: the customer listing and the tenant's token are cached, so only the tenant's users calls remain.
    expect((await users()).body.errors).toBeUndefined();
  });
  afterEach(async () => h?.close());

  it("lets concurrent operations of the same tenant and workload wait for the probe, and serves them all when it succeeds", async () => {
    await openCircuit();
    await h.control("PUT", "/faults", { graphErrorRates: {} });
    // The tenant answers again, slowly: the probe is still out when the others arrive.
    await h.control("PUT", "/latency", { tenants: { [tenant]: { kind: "fixed", ms: 800 } } });
    await past(OPEN_MS + 50);
    const answers = await Promise.all(Array.from({ length: 8 }, () => users()));
    expect(answers.map((a) => a.body.errors ?? null)).toEqual(Array(8).fill(null));
    expect(answers.every((a) => a.body.data!.customer!.users!.nodes.length === 1)).toBe(true);
  });

  it("fails every waiting operation at once when the probe fails, with only the probe's calls reaching Graph", async () => {
    await openCircuit();
    await h.control("PUT", "/latency", { tenants: { [tenant]: { kind: "fixed", ms: 300 } } });
    await past(OPEN_MS + 50);
    await h.resetCounters();
    const answers = await Promise.all(Array.from({ length: 8 }, () => users()));
    expect(answers.map(codeOf)).toEqual(Array(8).fill("UPSTREAM_UNAVAILABLE"));
    // One probe; the other seven were answered by the re-opened circuit, not by Graph.
    expect(answers.filter((a) => graphCodeOf(a) === "CircuitOpen")).toHaveLength(7);
    const calls = graphCallsTo(await h.counters(), tenant);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(MAX_ATTEMPTS);
  });

  it("is not re-opened by the late failure of a call sent before the circuit opened: the probe, still out, decides", async () => {
    // A slow call goes out while the circuit is closed; it will fail, but only after the probe has gone.
    await h.control("PUT", "/faults", { graphErrorRates: { "500": 1 } });
    await h.control("PUT", "/latency", { tenants: { [tenant]: { kind: "fixed", ms: 1500 } } });
    let lateAnswered = false;
    const late = users().finally(() => (lateAnswered = true));
    await past(150);
    await h.control("PUT", "/latency", { tenants: {} });
    await openCircuit();
    await past(OPEN_MS + 50);
    // The probe and the operations waiting for it: the tenant is slow but will answer well.
    await h.control("PUT", "/latency", { tenants: { [tenant]: { kind: "fixed", ms: 2500 } } });
    const probe = users();
    await past(150);
    const waiting = Array.from({ length: 4 }, () => users());
    // The early call's failure arrives while the probe is out; then the tenant is healthy again.
    expect(codeOf(await late)).toBe("UPSTREAM_UNAVAILABLE");
    expect(lateAnswered).toBe(true);
    await h.control("PUT", "/faults", { graphErrorRates: {} });
    const answers = await Promise.all([probe, ...waiting]);
    expect(answers.map((a) => a.body.errors ?? null)).toEqual(Array(5).fill(null));
  });
});
