import { startHarness, type Harness } from "../helpers/harness";

/**
 * Steady load on one tenant, with Graph's limits scaled down to 1% in the emulator and in the client's
 * budget alike: paced by the budget, the load never meets a 429; without the budget it does.
 */
describe("client-side budget after Graph's documented limits", () => {
  const run = async (budgetScale: string) => {
    const h: Harness = await startHarness({ env: { GRAPH_BUDGET_SCALE: budgetScale, OPERATION_TIMEOUT_MS: "30000" } });
    try {
      const tenant = (await h.query(`{ customers(first: 1) { nodes { id } } }`)).body.data.customers.nodes[0].id;
      const ids = (
        await h.query(`query($id: ID!) { customer(id: $id) { users(first: 10) { nodes { id } } } }`, { id: tenant })
      ).body.data.customer.users.nodes.map((u: any) => u.id);
      await h.control("PUT", "/settings", { throttleScale: 0.01 });
      await h.control("POST", "/throttling/reset");
      await h.resetCounters();
      // Each operation is one getByIds call: 5 resource units; 12 of them spend 60, more than a 1% tenant allows in 10 s.
      const answers = [];
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
