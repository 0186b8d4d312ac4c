import { retryDelayMs, TenantBreakers, workloadOf, isIdempotent } from "../../src/graph/resilience";
import type { GraphResponse } from "../../src/graph/types";

const res = (retryAfter?: string): GraphResponse => ({ status: 429, headers: retryAfter === undefined ? {} : { "retry-after": retryAfter }, body: {} });

describe("retryDelayMs", () => {
  it("waits the longest Retry-After of the failed items, fractional seconds included", () => {
    expect(retryDelayMs([res("1"), res("2.128"), res("0.5")], 0)).toBe(2128);
  });

  it("reads an HTTP date", () => {
    const now = Date.parse("2026-11-27T00:00:00Z");
    expect(retryDelayMs([res("Fri, 27 Nov 2026 00:00:07 GMT")], 0, Math.random, now)).toBe(7000);
  });

  it("backs off exponentially with jitter when no item says how long", () => {
    expect(retryDelayMs([res()], 0, () => 0)).toBe(250);
    expect(retryDelayMs([res()], 0, () => 1)).toBe(500);
    expect(retryDelayMs([res()], 3, () => 1)).toBe(4000);
    expect(retryDelayMs([res()], 10, () => 1)).toBe(8000);
  });
});

describe("TenantBreakers", () => {
  it("opens after consecutive failures, for that tenant and workload only", () => {
    let now = 0;
    const b = new TenantBreakers(3, 10_000, () => now);
    for (let i = 0; i < 3; i++) b.record("t1", "intune", true);
    expect(b.blockedFor("t1", "intune")).toBe(10_000);
    expect(b.blockedFor("t1", "directory")).toBe(0);
    expect(b.blockedFor("t2", "intune")).toBe(0);
    now = 4_000;
    expect(b.blockedFor("t1", "intune")).toBe(6_000);
  });

  it("lets one probe through when the open time is over, and closes on its success", () => {
    let now = 0;
    const b = new TenantBreakers(1, 1_000, () => now);
    b.record("t", "directory", true);
    now = 1_001;
    expect(b.blockedFor("t", "directory")).toBe(0);
    expect(b.blockedFor("t", "directory")).toBeGreaterThan(0);
    b.record("t", "directory", false);
    expect(b.blockedFor("t", "directory")).toBe(0);
  });

  it("re-opens at once when the probe fails", () => {
    let now = 0;
    const b = new TenantBreakers(5, 1_000, () => now);
    for (let i = 0; i < 5; i++) b.record("t", "directory", true);
    now = 2_000;
    expect(b.blockedFor("t", "directory")).toBe(0);
    b.record("t", "directory", true);
    expect(b.blockedFor("t", "directory")).toBe(1_000);
  });
});

describe("workloadOf and isIdempotent", () => {
  it("tells Intune from the directory", () => {
    expect(workloadOf({ method: "GET", url: "/deviceManagement/managedDevices?$top=1" })).toBe("intune");
    expect(workloadOf({ method: "GET", url: "/users/abc/managedDevices" })).toBe("intune");
    expect(workloadOf({ method: "GET", url: "/users?$select=id" })).toBe("directory");
  });

  it("re-sends reads, and POSTs only when marked idempotent", () => {
    expect(isIdempotent({ method: "GET", url: "/users" })).toBe(true);
    expect(isIdempotent({ method: "POST", url: "/directoryObjects/getByIds", idempotent: true })).toBe(true);
    expect(isIdempotent({ method: "POST", url: "/something" })).toBe(false);
  });
});
