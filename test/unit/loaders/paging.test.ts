import { CursorCodec } from "../../../src/loaders/cursor";
import { graphPage, type Wanted } from "../../../src/loaders/paging";
import { CountingCodec } from "../fakes/countingCodec";
import { objects, RecordingTenantGraph } from "../fakes/recordingTenantGraph";

const codec = new CursorCodec(Buffer.from("a-secret-of-at-least-thirty-two-bytes!!"));
const users = { kind: "users" } as const;
const fakeGraph = (size: number) => new RecordingTenantGraph("t1", { lists: { users: objects(size) } });
const ids = (p: { edges: Array<{ node: { id: string } }> }) => p.edges.map((e) => e.node.id);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => `o${a + i}`);
const endCursor = (p: { edges: Array<{ cursor: string }> }) => p.edges[p.edges.length - 1]?.cursor ?? null;
const run = (g: RecordingTenantGraph, first: number, after?: string | null, over: Partial<Wanted> = {}) =>
  graphPage("t1", users, {}, { select: ["id"], count: false, ...over }, { first, after }, codec)(g);
const listCalls = (g: RecordingTenantGraph) => g.callsOf("list").map((c) => c.position);

describe("graphPage continuations", () => {
  it("pages on with another first, reusing the token with its own options or re-paging when cheaper", async () => {
    const g = fakeGraph(3000);
    const p1 = await run(g, 10);
    const p2 = await run(g, 20, endCursor(p1));
    expect(ids(p2)).toEqual(range(10, 30));
    const p3 = await run(g, 10, endCursor(p2));
    expect(ids(p3)).toEqual(range(30, 40));
    expect(p3.hasNextPage).toBe(true);
    // Each page costs one list call: the first page asks for exactly its size, the others re-page or resume.
    expect(listCalls(g)).toEqual([
      { top: 10, count: false },
      { top: 30, count: false },
      { top: 30, count: false, skiptoken: expect.any(String) },
    ]);
  });

  it("resumes deep in a list from its token with the options it came with", async () => {
    const g = fakeGraph(5000);
    let after: string | null = null;
    for (let i = 0; i < 3; i++) after = endCursor(await run(g, 999, after));
    g.calls.length = 0;
    const next = await run(g, 5, after);
    expect(ids(next)).toEqual(range(2997, 3002));
    expect(listCalls(g)).toEqual([{ top: 999, count: false, skiptoken: expect.any(String) }]);
  });

  it("crosses into the next Graph page when a resumed page runs out", async () => {
    const g = fakeGraph(5000);
    let after: string | null = null;
    for (let i = 0; i < 2; i++) after = endCursor(await run(g, 999, after));
    const p = await run(g, 999, (await run(g, 999, after)).edges[990]!.cursor);
    expect(ids(p)).toEqual(range(2989, 3988));
  });

  it("re-pages from the position when the selection changed, walking pages of 999 past the first", async () => {
    const g = fakeGraph(3000);
    const p1 = await run(g, 999);
    const p2 = await run(g, 999, endCursor(p1));
    g.calls.length = 0;
    const p3 = await run(g, 10, endCursor(p2), { select: ["displayName", "id"] });
    expect(ids(p3)).toEqual(range(1998, 2008));
    expect(listCalls(g).map((c) => c.skiptoken === undefined)).toEqual([true, false, false]);
    expect(g.callsOf("list").every((c) => c.query.select.join() === "displayName,id")).toBe(true);
  });

  it("keeps the count on the first page only, and asks for it separately on a later page", async () => {
    const g = fakeGraph(300);
    const p1 = await run(g, 10, null, { count: true });
    expect(p1.totalCount).toBe(300);
    expect(g.callsOf("count")).toHaveLength(0);
    const p2 = await run(g, 10, endCursor(p1));
    expect(ids(p2)).toEqual(range(10, 20));
    expect(p2.totalCount).toBeNull();
    const p3 = await run(g, 10, endCursor(p2), { count: true });
    expect(p3.totalCount).toBe(300);
    expect(ids(p3)).toEqual(range(20, 30));
    expect(g.callsOf("count")).toEqual([{ op: "count", source: users, query: {} }]);
  });

  it("ends with hasNextPage false on the last item", async () => {
    const g = fakeGraph(25);
    const p1 = await run(g, 10);
    const p2 = await run(g, 10, endCursor(p1));
    const p3 = await run(g, 10, endCursor(p2));
    expect(ids(p3)).toEqual(range(20, 25));
    expect(p3.hasNextPage).toBe(false);
  });

  it("checks the page size and the cursor before reading anything", () => {
    const g = fakeGraph(5);
    expect(() => graphPage("t1", users, {}, { select: ["id"], count: false }, { first: 0 }, codec)).toThrow("'first' must be between 1 and 999.");
    const other = codec.encode({ tenantId: "t2", query: "x" }, { offset: 1 });
    expect(() => graphPage("t1", users, {}, { select: ["id"], count: false }, { first: 1, after: other }, codec)).toThrow(
      "The cursor is not valid for this list.",
    );
    expect(g.calls).toEqual([]);
  });

  it("binds cursors to the list: a cursor of one user's memberOf is refused for another's", async () => {
    const g = new RecordingTenantGraph("t1", { lists: { "userLinks:u1:memberOf": objects(3) } });
    const p = await graphPage("t1", { kind: "userLinks", userId: "u1", link: "memberOf" }, {}, { select: ["id"], count: false }, { first: 1 }, codec)(g);
    expect(() =>
      graphPage("t1", { kind: "userLinks", userId: "u2", link: "memberOf" }, {}, { select: ["id"], count: false }, { first: 1, after: endCursor(p) }, codec),
    ).toThrow("The cursor is not valid for this list.");
  });
});

describe("cursors are signed only when read", () => {
  it("signs no cursor for a page whose edges' cursors nobody reads, one per edge read, and the same cursor each time", async () => {
    const counting = new CountingCodec(Buffer.from("a-secret-of-at-least-thirty-two-bytes!!"));
    const p = await graphPage("t1", users, {}, { select: ["id"], count: false }, { first: 50 }, counting)(fakeGraph(100));
    expect(ids(p)).toEqual(range(0, 50));
    expect(counting.signed).toBe(0);
    const last = p.edges[49]!.cursor;
    expect(p.edges[49]!.cursor).toBe(last);
    expect(counting.signed).toBe(1);
    // Still the cursor of that position: the next page starts after it.
    expect(ids(await run(fakeGraph(100), 5, last))).toEqual(range(50, 55));
  });
});
