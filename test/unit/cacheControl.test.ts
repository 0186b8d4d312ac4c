import { buildSchema, type GraphQLResolveInfo } from "graphql";
import { loadSettings, type Config } from "../../src/config";
import type { RequestContext } from "../../src/context";
import { createFormatError } from "../../src/formatError";
import { createLogger } from "../../src/log";
import { createApolloServer } from "../../src/server";

describe("Apollo Server as set up by createApolloServer", () => {
  it("runs no cache-control plugin: the schema sets no hints, so it would only wrap every field", async () => {
    const schema = buildSchema("type Query { probe: String }");
    let seen: GraphQLResolveInfo | undefined;
    schema.getQueryType()!.getFields().probe!.resolve = (_source, _args, _context, info) => ((seen = info), "ok");
    const config = { ...loadSettings({}), demoMode: true } as unknown as Config;
    const apollo = await createApolloServer(schema, config, createFormatError(createLogger("silent")));
    try {
      const res = await apollo.executeOperation({ query: "{ probe }" }, { contextValue: { partialErrors: [] } as unknown as RequestContext });
      expect(res.body.kind === "single" && res.body.singleResult.data).toEqual({ probe: "ok" });
      // Apollo's cache-control plugin gives every resolved field `info.cacheControl`.
      expect(seen).toBeDefined();
      expect((seen as GraphQLResolveInfo & { cacheControl?: unknown }).cacheControl).toBeUndefined();
      expect(res.http.headers.get("cache-control")).toBeUndefined();
    } finally {
      await apollo.stop();
    }
  });
});
