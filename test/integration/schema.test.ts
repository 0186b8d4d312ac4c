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

describe("the HTTP front", () => {
  it("serves Apollo Sandbox's landing page at / and GraphQL at / and /graphql, health at /health", async () => {
    const h = await startHarness();
    try {
      const root = h.graphqlUrl.replace(/\/graphql$/, "/");
      const page = await fetch(root, { headers: { accept: "text/html" } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("embeddable-sandbox");
      for (const url of [root, h.graphqlUrl]) {
        const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ me { mode } }" }) });
        expect(await r.json()).toEqual({ data: { me: { mode: "APP" } } });
      }
      const health = await fetch(h.graphqlUrl.replace(/\/graphql$/, "/health"));
      expect(await health.json()).toEqual({ status: "ok" });
      // CSRF prevention stays on: a simple GET query without a preflight-forcing header is refused.
      const csrf = await fetch(`${h.graphqlUrl}?query=${encodeURIComponent("{ me { mode } }")}`);
      expect(csrf.status).toBe(400);
      // CORS: Apollo Sandbox's origin is allowed in demo mode; any other origin gets no CORS headers.
      const allowed = await fetch(h.graphqlUrl, {
        method: "OPTIONS",
        headers: { origin: "https://sandbox.embed.apollographql.com", "access-control-request-method": "POST" },
      });
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://sandbox.embed.apollographql.com");
      const other = await fetch(h.graphqlUrl, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await h.close();
    }
  });
});
