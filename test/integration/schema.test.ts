import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { print } from "graphql";
import { buildPartnerGraphSchema, printSdl } from "../../src/schema";
import { CustomersWithUsersDocument, type CustomersWithUsersQuery } from "../__generated__/operations";
import { startHarness } from "../helpers/harness";

describe("subgraph schema", () => {
  it("matches the committed schema/subgraph.graphql (run `npm run schema:emit` after changing types)", async () => {
    const committed = readFileSync(resolve(__dirname, "../../schema/subgraph.graphql"), "utf8");
    expect(`${printSdl(await buildPartnerGraphSchema()).trim()}\n`).toBe(committed);
  });

  it("declares the federation keys of every entity", async () => {
    const sdl = printSdl(await buildPartnerGraphSchema());
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    expect(sdl).toMatch(/type Customer\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type User\s+@key\(fields: "tenantId id"\)/);
  });

  it("serves the typed documents codegen generates from it", async () => {
    const h = await startHarness();
    try {
      const r = await h.query(print(CustomersWithUsersDocument), { first: 2, users: 2 });
      const data = r.body.data as CustomersWithUsersQuery;
      expect(r.body.errors).toBeUndefined();
      expect(data.customers.nodes).toHaveLength(2);
      expect(data.customers.nodes[0].users!.nodes[0].tenantId).toBe(data.customers.nodes[0].id);
    } finally {
      await h.close();
    }
  });
});
