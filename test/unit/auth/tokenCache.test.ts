import { appTokenKey, MemoryTokenCache, oboTokenKey, SharedTokenCache } from "../../../src/auth/tokenCache";
import { MemoryValues } from "../../../src/shared/values";

const ASSERTION = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLW9mLXRoZS1hZ2VudA";

describe("token cache keys", () => {
  it("carry no part of the agent's token: the on-behalf-of key holds its SHA-256", () => {
    const key = oboTokenKey(ASSERTION, "TENANT-A");
    expect(key).toMatch(/^obo:[A-Za-z0-9_-]{43}:tenant-a$/);
    for (const part of ASSERTION.split(".")) expect(key).not.toContain(part.slice(0, 12));
    expect(oboTokenKey(ASSERTION, "tenant-b")).not.toBe(key);
    expect(oboTokenKey(`${ASSERTION}x`, "tenant-a")).not.toBe(key);
  });

  it("partition app-only tokens by app and tenant", () => {
    expect(appTokenKey("APP", "Tenant")).toBe("app:app:tenant");
  });
});

describe("SharedTokenCache", () => {
  it("keeps a token until it enters the 5-minute renewal offset, and none already inside it", async () => {
    let now = 0;
    const values = new MemoryValues(() => now);
    const cache = new SharedTokenCache(values, () => now);
    await cache.set("k", "token", new Date(3_600_000));
    await cache.set("late", "token", new Date(299_000));
    expect(await cache.get("late")).toBeUndefined();
    now = 3_600_000 - 300_001;
    expect(await cache.get("k")).toBe("token");
    now += 1;
    expect(await cache.get("k")).toBeUndefined();
  });

  it("in memory, drops the oldest entry past its bound", async () => {
    const cache = new MemoryTokenCache(() => 0, 2);
    for (const k of ["a", "b", "c"]) await cache.set(k, k, new Date(3_600_000));
    expect([await cache.get("a"), await cache.get("b"), await cache.get("c")]).toEqual([undefined, "b", "c"]);
  });
});
