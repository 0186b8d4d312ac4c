import "reflect-metadata";
import { CursorCodec } from "../../src/resolvers/shared/cursor";
import { graphConnection, type GraphListQuery } from "../../src/resolvers/shared/graphConnection";
import type { ODataQuery } from "../../src/graph/odata";
import type { TenantData } from "../../src/loaders/tenantData";

/**
 * A stand-in for one Graph collection that is as strict as Graph about $skiptoken: a token is
 * honoured only with the exact options ($top, $select, $count, filter…) of the request that made it.
 */
function fakeGraph(size: number) {
  const items = Array.from({ length: size }, (_, i) => ({ id: `o${i}` }));
  const calls: ODataQuery[] = [];
  const key = (q: ODataQuery) => JSON.stringify([q.top, q.select, q.count, q.filter, q.search, q.orderBy]);
  const data = {
    tenantId: "t1",
    async page(_path: string, q: ODataQuery) {
      calls.push(q);
      let at = 0;
      if (q.skiptoken) {
        const t = JSON.parse(q.skiptoken) as { at: number; k: string };
        if (t.k !== key(q)) throw new Error("400: $skiptoken used with other options");
        at = t.at;
      }
      const top = q.top ?? 100;
      const end = Math.min(at + top, size);
      return {
        ...(q.count && !q.skiptoken ? { "@odata.count": size } : {}),
        ...(end < size ? { "@odata.nextLink": `https://graph.local/v1.0/x?$skiptoken=${encodeURIComponent(JSON.stringify({ at: end, k: key(q) }))}` } : {}),
        value: items.slice(at, end),
      };
    },
    async get() {
      return size;
    },
  };
  return { data: data as unknown as TenantData, calls };
}

const codec = new CursorCodec(Buffer.from("a-secret-of-at-least-thirty-two-bytes!!"));
const list = (over: Partial<GraphListQuery> = {}): GraphListQuery => ({ path: "/users", select: ["id"], count: false, ...over });
const ids = (c: { nodes: Array<{ id: string }> }) => c.nodes.map((n) => n.id);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => `o${a + i}`);
const run = (g: ReturnType<typeof fakeGraph>, first: number, after?: string | null, over?: Partial<GraphListQuery>) =>
  graphConnection(g.data, list(over), { first, after }, codec, (o) => o as { id: string });

describe("graphConnection continuations", () => {
  it("pages on with another first, reusing the token with its own options or re-paging when cheaper", async () => {
    const g = fakeGraph(3000);
    const p1 = await run(g, 10);
    const p2 = await run(g, 20, p1.pageInfo.endCursor);
    expect(ids(p2)).toEqual(range(10, 30));
    const p3 = await run(g, 10, p2.pageInfo.endCursor);
    expect(ids(p3)).toEqual(range(30, 40));
    expect(p3.pageInfo.hasNextPage).toBe(true);
  });

  it("resumes deep in a list from its token with the options it came with", async () => {
    const g = fakeGraph(5000);
    let after: string | null = null;
    for (let i = 0; i < 3; i++) after = (await run(g, 999, after)).pageInfo.endCursor;
    g.calls.length = 0;
    const next = await run(g, 5, after);
    expect(ids(next)).toEqual(range(2997, 3002));
    expect(g.calls).toHaveLength(1);
    expect(g.calls[0]).toMatchObject({ top: 999 });
    expect(g.calls[0]!.skiptoken).toBeDefined();
  });

  it("crosses into the next Graph page when a resumed page runs out", async () => {
    const g = fakeGraph(5000);
    let after: string | null = null;
    for (let i = 0; i < 2; i++) after = (await run(g, 999, after)).pageInfo.endCursor;
    const p = await run(g, 999, (await run(g, 999, after)).edges[990]!.cursor);
    expect(ids(p)).toEqual(range(2989, 3988));
  });

  it("re-pages from the position when the selection changed, walking pages of 999 past the first", async () => {
    const g = fakeGraph(3000);
    const p1 = await run(g, 999);
    const p2 = await run(g, 999, p1.pageInfo.endCursor);
    g.calls.length = 0;
    const p3 = await run(g, 10, p2.pageInfo.endCursor, { select: ["displayName", "id"] });
    expect(ids(p3)).toEqual(range(1998, 2008));
    expect(g.calls.map((c) => c.skiptoken === undefined)).toEqual([true, false, false]);
  });

  it("keeps the count on the first page only, and asks for it separately on a later page", async () => {
    const g = fakeGraph(300);
    const p1 = await run(g, 10, null, { count: true });
    expect(p1.totalCount).toBe(300);
    const p2 = await run(g, 10, p1.pageInfo.endCursor);
    expect(ids(p2)).toEqual(range(10, 20));
    const p3 = await run(g, 10, p2.pageInfo.endCursor, { count: true });
    expect(p3.totalCount).toBe(300);
    expect(ids(p3)).toEqual(range(20, 30));
  });

  it("ends with hasNextPage false on the last item", async () => {
    const g = fakeGraph(25);
    const p1 = await run(g, 10);
    const p2 = await run(g, 10, p1.pageInfo.endCursor);
    const p3 = await run(g, 10, p2.pageInfo.endCursor);
    expect(ids(p3)).toEqual(range(20, 25));
    expect(p3.pageInfo.hasNextPage).toBe(false);
  });
});
