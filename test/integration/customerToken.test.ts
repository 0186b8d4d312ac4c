import { createHash, randomBytes } from "node:crypto";
import { SignJWT, decodeJwt, generateKeyPair } from "jose";
import { Agent, fetch } from "undici";
import { CustomerAndAnotherDocument, CustomerCountDocument, CustomerIdsDocument } from "../__generated__/operations";
import { graphCallsTo, startHarness, type Harness } from "../helpers/harness";

/**
 * Microsoft's documented partner flow: the agent signs in with the authorization code flow (PKCE) at
 * the CUSTOMER tenant's authority and gets that tenant's Graph token; the API uses it for that tenant
 * only.
 */
describe("an agent's own Graph token for one customer tenant", () => {
  let h: Harness;
  let agent: Agent;
  const AGENT = "reader@fabrikampartnersna.onmicrosoft.com";

  beforeAll(async () => {
    h = await startHarness({ demoMode: false });
    agent = new Agent({ connect: { ca: h.emulator.caCert } });
  });
  afterAll(async () => {
    await agent?.close();
    await h?.close();
  });

  async function signInAtCustomer(customerId: string): Promise<string> {
    const na = h.config.partnerTenants.find((p) => p.region === "NA")!;
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const redirect = "http://localhost:3000/callback";
    const params = {
      client_id: na.app.clientId,
      redirect_uri: redirect,
      response_type: "code",
      scope: `${h.emulator.url}/.default`,
      state: "s1",
      code_challenge: challenge,
      code_challenge_method: "S256",
    };
    const authorize = `${h.emulator.url}/${customerId}/oauth2/v2.0/authorize`;
    const page = await fetch(`${authorize}?${new URLSearchParams(params)}`, { dispatcher: agent });
    expect(await page.text()).toContain("<form");
    const posted = await fetch(authorize, {
      method: "POST",
      dispatcher: agent,
      redirect: "manual",
      body: new URLSearchParams({ ...params, username: AGENT, password: "Passw0rd!demo" }),
    });
    expect(posted.status).toBe(302);
    const code = new URL(posted.headers.get("location")!).searchParams.get("code")!;
    const token = await fetch(`${h.emulator.url}/${customerId}/oauth2/v2.0/token`, {
      method: "POST",
      dispatcher: agent,
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: na.app.clientId,
        client_secret: na.app.clientSecret!,
        code,
        redirect_uri: redirect,
        code_verifier: verifier,
        scope: params.scope,
      }),
    });
    const body = (await token.json()) as { access_token: string };
    expect(token.status).toBe(200);
    return body.access_token;
  }

  it("reads that customer with it, and refuses every other customer in the operation", async () => {
    const apiToken = (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: AGENT })).access_token;
    const mine = (await h.run(CustomerIdsDocument, { first: 2 }, { authorization: `Bearer ${apiToken}` })).body.data!.customers.nodes.map((n) => n.id);
    const graphToken = await signInAtCustomer(mine[0]);
    await h.resetCounters();
    const headers = { authorization: `Bearer ${apiToken}`, "x-customer-graph-token": `Bearer ${graphToken}` };
    const r = await h.run(CustomerAndAnotherDocument, { a: mine[0], b: mine[1] }, headers);
    expect(r.body.data!.a!.users!.nodes.map((u) => u.tenantId)).toEqual([mine[0], mine[0]]);
    expect(r.body.data!.customers.totalCount).toBe(1);
    expect(r.body.data!.b).toBeNull();
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors![0]!.path).toEqual(["b"]);
    expect(r.body.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    // No token was acquired: neither on-behalf-of nor app-only.
    expect((await h.counters()).total.token ?? 0).toBe(0);
  });

  it("refuses a customer token of another agent", async () => {
    const apiToken = (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: "admin@fabrikampartnersna.onmicrosoft.com" })).access_token;
    const mine = (await h.run(CustomerIdsDocument, { first: 1 }, { authorization: `Bearer ${apiToken}` })).body.data!.customers.nodes.map((n) => n.id);
    const readersToken = await signInAtCustomer(mine[0]);
    const r = await h.query(`{ me { mode } }`, {}, { authorization: `Bearer ${apiToken}`, "x-customer-graph-token": readersToken });
    expect(r.status).toBe(403);
    expect(r.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("refuses a customer token of a tenant that is not one of the caller's customers (its own partner tenant), with no Graph call there", async () => {
    const apiToken = (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: AGENT })).access_token;
    const partnerTenantId = String(decodeJwt(apiToken).tid);
    // The agent's listing is fresh; an id missing from it is re-read once (a customer may be new), but
    // nothing is read with the customer token.
    await h.run(CustomerCountDocument, { first: 1 }, { authorization: `Bearer ${apiToken}` });
    const graphToken = await signInAtCustomer(partnerTenantId);
    expect(decodeJwt(graphToken).tid).toBe(partnerTenantId);
    await h.resetCounters();
    const r = await h.query(
      `query($id: ID!) { customers(first: 5) { nodes { id } } customer(id: $id) { users(first: 1) { nodes { id } } } }`,
      { id: partnerTenantId },
      {
        authorization: `Bearer ${apiToken}`,
        "x-customer-graph-token": `Bearer ${graphToken}`,
      },
    );
    expect(r.status).toBe(403);
    expect(r.body.errors).toEqual([
      { message: "The customer token is for a tenant that is not one of the caller's customers.", extensions: { code: "FORBIDDEN" } },
    ]);
    const calls = (await h.counters()).requests.filter((q) => q.tenantId === partnerTenantId && q.kind !== "batch");
    expect(calls.length).toBeLessThanOrEqual(3);
    for (const call of calls) expect(call.url).toMatch(/\/(contracts|tenantRelationships\/)/);
  });

  it("refuses a customer token naming another region's customer, with no Graph call to that tenant", async () => {
    const apiToken = (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: AGENT })).access_token;
    const seeded = await h.control<{ customers: Array<{ id: string; region: string }> }>("GET", "/tenants");
    const eu = seeded.customers.find((c) => c.region === "EU")!;
    // Graph tokens are not ours to verify: one the agent made up names the tenant it wants.
    const { privateKey } = await generateKeyPair("RS256");
    const now = Math.floor(Date.now() / 1000);
    const madeUp = await new SignJWT({ tid: eu.id, oid: decodeJwt(apiToken).oid, aud: h.emulator.url, iat: now, nbf: now, exp: now + 3600 })
      .setProtectedHeader({ alg: "RS256" })
      .sign(privateKey);
    await h.resetCounters();
    const r = await h.query(
      `{ customers(first: 5) { nodes { id users(first: 1) { nodes { id } } } } }`,
      {},
      {
        authorization: `Bearer ${apiToken}`,
        "x-customer-graph-token": madeUp,
      },
    );
    expect(r.status).toBe(403);
    expect(r.body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect(graphCallsTo(await h.counters(), eu.id)).toBe(0);
  });
});
