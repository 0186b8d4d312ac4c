import { startBanner } from "../../src/banner";

describe("the start banner", () => {
  it("advertises a token-less curl only in demo mode", () => {
    const demo = startBanner({ demoMode: true, port: 4000 });
    expect(demo).toContain("served app-only");
    expect(demo).not.toMatch(/authorization: Bearer \$TOKEN/);
  });

  it("outside demo mode, every example call carries a bearer token and says how a caller gets one", () => {
    const prod = startBanner({ demoMode: false, port: 4000 });
    const curls = prod.split("\n").filter((l) => l.includes("curl"));
    expect(curls.length).toBeGreaterThan(0);
    for (const line of curls) expect(line).toContain(`-H "authorization: Bearer $TOKEN"`);
    expect(prod).toContain("PartnerGraph.Read.All");
    expect(prod).not.toContain("served app-only");
  });
});
