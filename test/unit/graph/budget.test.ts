import { GraphBudget, resourceUnits } from "../../../src/graph/budget";

describe("resourceUnits", () => {
  it("follows Graph's cost table and its adjustments", () => {
    expect(resourceUnits({ method: "GET", url: "/users" })).toBe(2);
    expect(resourceUnits({ method: "GET", url: "/users?$select=id&$top=50" })).toBe(1);
    expect(resourceUnits({ method: "GET", url: "/groups/g1/members?$top=100" })).toBe(3);
    expect(resourceUnits({ method: "GET", url: "/groups/g1/transitiveMembers" })).toBe(5);
    expect(resourceUnits({ method: "POST", url: "/directoryObjects/getByIds" })).toBe(5);
    expect(resourceUnits({ method: "GET", url: "/contracts?$select=customerId" })).toBe(2);
    expect(resourceUnits({ method: "GET", url: "/users/u1/memberOf?$select=id&$top=5" })).toBe(1);
    expect(resourceUnits({ method: "GET", url: "/devices?$top=5" })).toBe(1);
  });
});

describe("GraphBudget", () => {
  const users = (n: number) => Array.from({ length: n }, () => ({ req: { method: "GET" as const, url: "/users" }, workload: "directory" as const }));

  it("lets a burst through up to the budget, then paces at the refill rate", () => {
    let now = 0;
    const budget = new GraphBudget(0.01, () => now); // 31.5 RU per 10 s
    expect(budget.reserve("t", users(15))).toBe(0); // 30 RU
    const wait = budget.reserve("t", users(1)); // 0.5 RU short at 3.15 RU/s
    expect(wait).toBe(159);
    now += 10_000;
    expect(budget.reserve("t", users(1))).toBe(0);
  });

  it("keeps tenants and workloads apart", () => {
    const budget = new GraphBudget(0.01, () => 0);
    budget.reserve("a", users(16));
    expect(budget.reserve("b", users(1))).toBe(0);
    expect(budget.reserve("a", [{ req: { method: "GET", url: "/deviceManagement/managedDevices" }, workload: "intune" }])).toBe(0);
  });

  it("gives back what it reserved for requests not sent", () => {
    const budget = new GraphBudget(0.01, () => 0);
    budget.reserve("t", users(15));
    budget.refund("t", users(15));
    expect(budget.reserve("t", users(15))).toBe(0);
  });

  it("is off at scale 0", () => {
    const budget = new GraphBudget(0, () => 0);
    expect(budget.reserve("t", users(10_000))).toBe(0);
  });
});
