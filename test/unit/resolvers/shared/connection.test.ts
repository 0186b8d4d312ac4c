import "reflect-metadata";
import { graphPage } from "../../../../src/loaders/paging";
import { connection } from "../../../../src/resolvers/shared/connection";
import { CountingCodec } from "../../fakes/countingCodec";
import { objects, RecordingTenantGraph } from "../../fakes/recordingTenantGraph";

describe("connection", () => {
  it("shapes a page without signing a cursor; pageInfo's start and end cursors are the edges', each signed once", async () => {
    const codec = new CountingCodec(Buffer.from("a-secret-of-at-least-thirty-two-bytes!!"));
    const graph = new RecordingTenantGraph("t1", { lists: { users: objects(100) } });
    const page = await graphPage("t1", { kind: "users" }, {}, { select: ["id"], count: false }, { first: 10 }, codec)(graph);
    const c = connection(page, (o) => ({ id: o.id }));
    expect(c.nodes.map((n) => n.id)).toEqual(Array.from({ length: 10 }, (_, i) => `o${i}`));
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(codec.signed).toBe(0);
    expect(c.pageInfo.endCursor).toBe(c.edges[9]!.cursor);
    expect(c.pageInfo.startCursor).toBe(c.edges[0]!.cursor);
    expect(codec.signed).toBe(2);
  });
});
