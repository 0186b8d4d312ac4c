import { getIntrospectionQuery } from "graphql";
import { fetch } from "undici";
import { startHarness, type Harness } from "../helpers/harness";

const codes = (body: any): string[] => (body.errors ?? []).map((e: any) => e.extensions?.code);

/** What a browser gets at `/`. */
async function landingPage(h: Harness): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(h.graphqlUrl.replace(/\/graphql$/, "/"), { headers: { accept: "text/html" } });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

/**
 * The production switches: introspection, "Did you mean …?" suggestions and the Sandbox landing page
 * are on in the demo and off in production — the production entry, or NODE_ENV=production — unless
 * their variable says otherwise.
 */
describe("production switches", () => {
  const started: Harness[] = [];
  const harness = async (options: Parameters<typeof startHarness>[0]) => {
    const h = await startHarness(options);
    started.push(h);
    return h;
  };
  afterAll(async () => void (await Promise.all(started.map((h) => h.close()))));

  it("demo: Apollo Sandbox at /, introspection and suggestions on", async () => {
    const h = await harness({});
    const page = await landingPage(h);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toMatch(/sandbox/i);
    expect((await h.query(getIntrospectionQuery())).body.data.__schema.queryType.name).toBe("Query");
    expect(JSON.stringify((await h.query(`{ customers(first: 1) { nodes { displayNam } } }`)).body)).toMatch(/Did you mean/);
  });

  it("NODE_ENV=production, even in the demo entry: no landing page, introspection refused, no suggestions", async () => {
    const h = await harness({ env: { NODE_ENV: "production" } });
    const page = await landingPage(h);
    expect(page.type).not.toMatch(/html/);
    expect(page.text).not.toMatch(/sandbox|<html|<script/i);
    expect(page.status).toBe(400);
    const introspection = await h.query(getIntrospectionQuery());
    expect(introspection.status).toBe(400);
    expect(codes(introspection.body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(introspection.body.data).toBeUndefined();
    const typo = await h.query(`{ customers(first: 1) { nodes { displayNam } } }`);
    expect(codes(typo.body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean|displayName/);
    // Operations are served as before.
    expect((await h.query(`{ customers(first: 1) { nodes { id } } }`)).body.data.customers.nodes).toHaveLength(1);
  });

  it("production entry: no landing page either", async () => {
    const h = await harness({ demoMode: false });
    const page = await landingPage(h);
    expect(page.type).not.toMatch(/html/);
    expect(page.text).not.toMatch(/sandbox|<html|<script/i);
  });

  it("each switch follows its variable when set: Sandbox and introspection in production for a staging deployment", async () => {
    const h = await harness({ env: { NODE_ENV: "production", GRAPHQL_LANDING_PAGE: "sandbox", GRAPHQL_INTROSPECTION: "true", GRAPHQL_SUGGESTIONS: "true" } });
    expect((await landingPage(h)).text).toMatch(/sandbox/i);
    expect((await h.query(getIntrospectionQuery())).body.data.__schema.queryType.name).toBe("Query");
    expect(JSON.stringify((await h.query(`{ customers(first: 1) { nodes { displayNam } } }`)).body)).toMatch(/Did you mean/);
    const off = await harness({ env: { GRAPHQL_LANDING_PAGE: "off", GRAPHQL_INTROSPECTION: "false" } });
    expect((await landingPage(off)).type).not.toMatch(/html/);
    expect(codes((await off.query(getIntrospectionQuery())).body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });
});
