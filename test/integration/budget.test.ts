import { CustomerIdsDocument, CustomerUserIdsDocument } from "../__generated__/operations";
import { startHarness, type Answer, type Harness } from "../helpers/harness";

/** The answer to `_entities` with `... on User { id }` (not in the subgraph's own SDL, so not a codegen document). */
type UserEntities = Answer<{ _entities: Array<{ id: string } | null> }>;

/**
 * Steady load on one tenant, with Graph's limits scaled down to 1% in the emulator and in the client's
 * budget alike: paced by the budget, the load never meets a 429; without the budget it does.
 */
describe("client-side budget after Graph's documented limits", () => {
  const run = async (budgetScale: string) => {
    const h: Harness = await startHarness({ env: { GRAPH_BUDGET_SCALE: budgetScale, OPERATION_TIMEOUT_MS: "30000" } });
    try {
      const tenant = (await h.run(CustomerIdsDocument, { first: 1 })).body.data!.customers.nodes[0]!.id;
      const ids = (await h.run(CustomerUserIdsDocument, { id: tenant, first: 10 })).body.data!.customer!.users!.nodes.map((u) => u.id);
      await h.control("PUT", "/settings", { throttleScale: 0.01 });
      await h.control("POST", "/throttling/reset");
      await h.resetCounters();
      // Each operation is one getByIds call: 5 resource units; 12 of them spend 60, more than a 1% tenant allows in 10 s.
      const answers: UserEntities[] = [];
      const reps = ids.map((id: string) => ({ __typename: "User", tenantId: tenant, id }));
      for (let i = 0; i < 12; i++) answers.push(await h.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }`, { r: reps }));
      const counters = await h.counters();
      return { answers, counters };
    } finally {
      await h.close();
    }
  };

  it("keeps steady load under the limits instead of running into 429s", async () => {
    const paced = await run("0.01");
    expect(paced.answers.every((a) => a.body.errors === undefined)).toBe(true);
    expect(paced.counters.total.throttled ?? 0).toBe(0);
    expect(paced.counters.total.graph).toBe(12);

    const unpaced = await run("0");
    expect(unpaced.counters.total.throttled ?? 0).toBeGreaterThan(0);
  });
});
