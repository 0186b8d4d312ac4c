import { RENEWAL_INTERVAL_MS, TokenRenewals } from "../../../src/auth/renewals";

describe("token renewals after a denial", () => {
  it("renews once per denial, then not again for a denial within Microsoft's 60 s retry step", () => {
    let now = 1_000_000;
    const r = new TokenRenewals(() => now);
    r.mark("agent-a", "T1");
    expect(r.consume("agent-a", "t1")).toBe(true);
    expect(r.consume("agent-a", "t1")).toBe(false);
    // The renewed token is denied too (a role the agent lacks): it is kept until the step has passed…
    now += 5_000;
    r.mark("agent-a", "t1");
    expect(r.consume("agent-a", "t1")).toBe(false);
    // …and then renewed at the next attempt, without another denial needed.
    now += RENEWAL_INTERVAL_MS;
    expect(r.consume("agent-a", "t1")).toBe(true);
    expect(r.consume("agent-a", "t1")).toBe(false);
  });

  it("renews a customer still propagating at every denial (forced)", () => {
    let now = 0;
    const r = new TokenRenewals(() => now);
    r.mark("app", "t1", true);
    expect(r.consume("app", "t1")).toBe(true);
    now += 2_000;
    r.mark("app", "t1", true);
    expect(r.consume("app", "t1")).toBe(true);
  });

  it("keeps partitions and tenants apart", () => {
    const r = new TokenRenewals(() => 0);
    r.mark("agent-a", "t1");
    expect(r.consume("agent-b", "t1")).toBe(false);
    expect(r.consume("agent-a", "t2")).toBe(false);
    r.mark("agent-b", "t1");
    expect(r.consume("agent-a", "t1")).toBe(true);
    expect(r.consume("agent-b", "t1")).toBe(true);
  });
});
