import { CursorCodec } from "../../../src/loaders/cursor";

describe("CursorCodec", () => {
  const codec = new CursorCodec(Buffer.from("a-secret-of-at-least-thirty-two-bytes!!"));
  const scope = { tenantId: "tenant-a", query: "/users\u0000\u0000\u0000" };

  it("round-trips a position for the same tenant and query", () => {
    const cursor = codec.encode(scope, { offset: 3 });
    expect(codec.decode(cursor, scope)).toEqual({ offset: 3 });
  });

  it("keeps a page's skiptoken together with the exact options it belongs to", () => {
    const position = { offset: 13, page: { skiptoken: "abc", skip: 3, options: { top: 10, count: true, select: "digest" } } };
    expect(codec.decode(codec.encode(scope, position), scope)).toEqual(position);
  });

  it("never carries a URL: the payload holds only the token value, numbers and digests", () => {
    const cursor = codec.encode(scope, { offset: 1, page: { skiptoken: "tok", skip: 0, options: { top: 5, count: false, select: "d" } } });
    const body = Buffer.from(cursor, "base64url").subarray(16).toString("utf8");
    expect(body).not.toMatch(/https?:|\/v1\.0|\$select|\$top/);
  });

  it("treats an absent cursor as the start", () => {
    expect(codec.decode(undefined, scope)).toBeUndefined();
    expect(codec.decode(null, scope)).toBeUndefined();
  });

  it("refuses a cursor replayed against another tenant", () => {
    const cursor = codec.encode(scope, { offset: 1 });
    expect(() => codec.decode(cursor, { ...scope, tenantId: "tenant-b" })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }),
    );
  });

  it("refuses a cursor of another query", () => {
    const cursor = codec.encode(scope, { offset: 1 });
    expect(() => codec.decode(cursor, { ...scope, query: "/groups" })).toThrow("The cursor is not valid for this list.");
  });

  it("refuses a tampered cursor", () => {
    const cursor = codec.encode(scope, { offset: 3, page: { skiptoken: "abc", skip: 3, options: { top: 10, count: false, select: "d" } } });
    const raw = Buffer.from(cursor, "base64url");
    raw[raw.length - 3] ^= 1;
    expect(() => codec.decode(raw.toString("base64url"), scope)).toThrow("The cursor is not valid for this list.");
  });

  it("refuses a cursor signed with another secret", () => {
    const other = new CursorCodec(Buffer.from("another-secret-of-at-least-thirty-two!!"));
    expect(() => codec.decode(other.encode(scope, { offset: 0 }), scope)).toThrow("The cursor is not valid for this list.");
  });

  it("refuses garbage without echoing it", () => {
    for (const bad of ["", "not base64!", "AAAA", "x".repeat(5000)]) {
      if (bad === "") continue;
      expect(() => codec.decode(bad, scope)).toThrow("The cursor is not valid for this list.");
    }
  });
});
