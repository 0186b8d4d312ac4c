import { buildQuery, needsEventualConsistency, odataString, skiptokenOf } from "../../../src/graph/odata";
import { parseRetryAfter } from "../../../src/graph/retryAfter";

describe("odataString", () => {
  it("doubles single quotes inside a literal", () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
    expect(odataString("' or 1 eq 1 or '")).toBe("''' or 1 eq 1 or '''");
  });
});

describe("buildQuery", () => {
  it("percent-encodes every value, quotes included", () => {
    const q = buildQuery({ select: ["id", "displayName"], filter: `startsWith(displayName,${odataString("a&b'c")})`, top: 5 });
    expect(q).toBe("?$select=id%2CdisplayName&$filter=startsWith(displayName%2C%27a%26b%27%27c%27)&$top=5");
    const parsed = new URLSearchParams(q.slice(1));
    expect(parsed.get("$filter")).toBe("startsWith(displayName,'a&b''c')");
  });

  it("adds $count only when asked", () => {
    expect(buildQuery({ top: 1 })).toBe("?$top=1");
    expect(buildQuery({ top: 1, count: true })).toBe("?$count=true&$top=1");
  });

  it("refuses a lone surrogate as BAD_USER_INPUT instead of a URIError", () => {
    expect(() => buildQuery({ search: '"displayName:\ud800"' })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }),
    );
    expect(() => odataString("x\udfff")).toThrow("unpaired UTF-16 surrogate");
  });

  it("builds nothing from nothing", () => {
    expect(buildQuery({})).toBe("");
  });
});

describe("needsEventualConsistency", () => {
  it("is required by $count and $search", () => {
    expect(needsEventualConsistency({ count: true })).toBe(true);
    expect(needsEventualConsistency({ search: '"displayName:a"' })).toBe(true);
    expect(needsEventualConsistency({ select: ["id"], top: 3 })).toBe(false);
  });
});

describe("skiptokenOf", () => {
  it("reads the skip token of a next link and nothing else", () => {
    expect(skiptokenOf("https://graph.microsoft.com/v1.0/users?$top=5&$skiptoken=X%2BY")).toBe("X+Y");
    expect(skiptokenOf(undefined)).toBeUndefined();
    expect(skiptokenOf("not a url")).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds, fractional seconds and HTTP dates", () => {
    expect(parseRetryAfter("10")).toBe(10);
    expect(parseRetryAfter("2.128")).toBeCloseTo(2.128);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30);
  });

  it("is undefined when absent or unreadable", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("")).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});
