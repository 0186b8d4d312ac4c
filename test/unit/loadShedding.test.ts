import { CostInFlight } from "../../src/loadShedding";

describe("cost in flight", () => {
  it("admits while the sum stays under the budget, refuses beyond it, and gets every cost back exactly once", () => {
    const gauge = new CostInFlight(100);
    const a = gauge.ticket();
    const b = gauge.ticket();
    const c = gauge.ticket();
    a.admit(60);
    expect(() => b.admit(50)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "THROTTLED", retryAfter: 1, cost: 50, maxCostInFlight: 100 }) }),
    );
    c.admit(40);
    expect(gauge.current).toBe(100);
    a.release();
    a.release();
    b.release(); // refused: held nothing, gives nothing back
    expect(gauge.current).toBe(40);
    c.release();
    expect(gauge.current).toBe(0);
  });

  it("always admits one operation when nothing is in flight, whatever its cost", () => {
    const gauge = new CostInFlight(10);
    const big = gauge.ticket();
    big.admit(1_000);
    expect(gauge.current).toBe(1_000);
    big.release();
    expect(gauge.current).toBe(0);
  });
});
