import { SignJWT, decodeJwt, generateKeyPair } from "jose";
import {
  AgentAndCustomersDocument,
  CustomerRelationshipsDocument,
  CustomersFirstManagedDeviceDocument,
  CustomersUserUpnsDocument,
  CustomerUserIdsDocument,
} from "../__generated__/operations";
import { graphCallsTo, startHarness, type Harness } from "../helpers/harness";

const naAgent = (name: string) => `${name}@fabrikampartnersna.onmicrosoft.com`;

describe("callers: agents on-behalf-of, apps, and who may call at all", () => {
  let h: Harness;
  const tokenOf = async (agent: string) => (await h.control<{ access_token: string }>("POST", "/agents/token", { agent })).access_token;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    h = await startHarness({ demoMode: false });
  });
  afterAll(async () => h?.close());

  it("refuses a request without a token outside demo mode", async () => {
    const r = await h.query(`{ customers(first: 1) { totalCount } }`);
    expect(r.status).toBe(401);
    expect(r.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(r.body.data).toBeUndefined();
  });

  it("gives the same answer for a forged signature, a foreign audience and garbage", async () => {
    const real = await tokenOf(naAgent("admin"));
    const { privateKey } = await generateKeyPair("RS256");
    const claims = decodeJwt(real);
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "x" }).sign(privateKey);
    const foreignAudience = await new SignJWT({ ...claims, aud: "https://graph.microsoft.com" }).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
    const answers = await Promise.all([forged, foreignAudience, "not-a-jwt", `${real}x`].map((t) => h.query(`{ me { mode } }`, {}, as(t))));
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.body.errors).toEqual([{ message: "A valid bearer token for this API is required.", extensions: { code: "UNAUTHENTICATED" } }]);
    }
  });

  it("serves an agent in delegated mode, only its own region's customers", async () => {
    const token = await tokenOf(naAgent("admin"));
    const r = await h.run(AgentAndCustomersDocument, {}, as(token));
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.me).toMatchObject({ mode: "AGENT", userName: naAgent("admin"), partnerTenants: [{ region: "NA" }] });
    const regions = new Set(r.body.data!.customers.nodes.map((c) => c.region));
    expect(regions).toEqual(new Set(["NA"]));
    const seeded = await h.control<{ customers: Array<{ region: string }> }>("GET", "/tenants");
    expect(r.body.data!.customers.nodes).toHaveLength(seeded.customers.filter((c) => c.region === "NA").length);
  });

  it("exchanges the agent's token on-behalf-of at each customer tenant, never app-only", async () => {
    const token = await tokenOf(naAgent("reader"));
    await h.resetCounters();
    const r = await h.run(CustomersUserUpnsDocument, { first: 3, users: 2 }, as(token));
    expect(r.body.errors).toBeUndefined();
    const c = await h.counters();
    const ids = r.body.data!.customers.nodes.map((n) => n.id);
    for (const id of ids) expect(c.byTenant[id]!.token).toBe(1);
    // Every Graph request was made with the agent's delegated token.
    const naApp = h.config.partnerTenants.find((p) => p.region === "NA")!.app.clientId;
    expect(Object.keys(c.byApp)).toEqual([naApp]);
  });

  it("says ROLE_MISSING, with the roles that would do, where the agent's GDAP roles do not reach", async () => {
    const token = await tokenOf(naAgent("helpdesk"));
    const list = await h.run(CustomerRelationshipsDocument, {}, as(token));
    const dapOnly = list.body.data!.customers.nodes.find((c) => c.relationship!.kind === "DAP");
    expect(dapOnly).toBeDefined();
    const r = await h.run(CustomerUserIdsDocument, { id: dapOnly!.id, first: 1 }, as(token));
    expect(r.body.data!.customer!.users).toBeNull();
    expect(r.body.errors![0]!.extensions).toMatchObject({
      code: "ROLE_MISSING",
      tenantId: dapOnly!.id,
      requiredRoles: expect.arrayContaining(["Directory Readers", "Global Reader"]),
    });
    expect(r.body.errors![0]!.path).toEqual(["customer", "users"]);
  });

  it("renews a denied token once, not on every operation, for an agent that lacks the role (one per tenant per 60 s)", async () => {
    const token = await tokenOf(naAgent("helpdesk"));
    const q = CustomersFirstManagedDeviceDocument;
    const first = await h.run(q, {}, as(token));
    const ids = first.body.data!.customers.nodes.map((n) => n.id);
    expect(first.body.errors!.map((e) => e.extensions!.code)).toEqual(ids.map(() => "ROLE_MISSING"));
    // The denied tokens are renewed for the next attempt (Microsoft: a retry needs a new token)…
    await h.resetCounters();
    await h.run(q, {}, as(token));
    for (const id of ids) expect((await h.counters()).byTenant[id]!.token).toBe(1);
    // …and the renewed ones, denied again, are kept within the 60 s retry step.
    await h.resetCounters();
    const third = await h.run(q, {}, as(token));
    expect(third.body.errors!.map((e) => e.extensions!.code)).toEqual(ids.map(() => "ROLE_MISSING"));
    expect((await h.counters()).total.token ?? 0).toBe(0);
  });

  it("passes an MFA challenge on as UNAUTHENTICATED with the claims, without falling back to app-only", async () => {
    const token = await tokenOf(naAgent("mfa"));
    await h.resetCounters();
    const r = await h.query(`{ customers(first: 1) { totalCount } }`, {}, as(token));
    expect(r.body.data.customers.totalCount).toBe(0);
    expect(r.body.errors[0].path).toEqual(["customers"]);
    expect(r.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(typeof r.body.errors[0].extensions.claims).toBe("string");
    const c = await h.counters();
    expect((c.total.graph ?? 0) + (c.total.batch ?? 0)).toBe(0);
  });

  it("keeps agents apart: a second agent's request acquires its own tokens", async () => {
    const a = await tokenOf(naAgent("admin"));
    const b = await tokenOf(naAgent("reader"));
    const q = `{ customers(first: 2) { nodes { id users(first: 1) { nodes { id } } } } }`;
    await h.query(q, {}, as(a));
    await h.resetCounters();
    await h.query(q, {}, as(a));
    expect((await h.counters()).total.token ?? 0).toBe(0);
    await h.query(q, {}, as(b));
    expect((await h.counters()).total.token).toBe(3);
  });

  it("serves an app token (client credentials for this API) in app-only mode", async () => {
    const access_token = await h.appToken("NA");
    await h.resetCounters();
    const r = await h.query(`{ me { mode demo partnerTenants { region } } customers(first: 1) { totalCount } }`, {}, as(access_token));
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.me.mode).toBe("APP");
    expect(r.body.data.me.demo).toBe(false);
    // App-only: the partner tenant that issued the token is listed by its region's app, one $batch;
    // no other region is reached (test/integration/callerTokens.test.ts covers configured extra regions).
    const c = await h.counters();
    for (const p of h.config.partnerTenants) {
      expect(graphCallsTo(c, p.tenantId)).toBe(p.region === "NA" ? 1 : 0);
      expect(c.byApp[p.app.clientId]?.batch ?? 0).toBe(p.region === "NA" ? 1 : 0);
    }
    expect(r.body.data.me.partnerTenants).toEqual([{ region: "NA" }]);
  });

  it("routes a sign-in name to its region's app and the customer's authority", async () => {
    const seeded = await h.control<{ customers: Array<{ id: string; region: string; defaultDomain: string }> }>("GET", "/tenants");
    const eu = seeded.customers.find((c) => c.region === "EU")!;
    const token = await tokenOf(naAgent("admin"));
    const r = await h.query(
      `query($u: String!) { signInRouting(userName: $u) { tenantId region clientId authority partnerTenantId } }`,
      { u: `someone@${eu.defaultDomain}` },
      as(token),
    );
    const euPartner = h.config.partnerTenants.find((p) => p.region === "EU")!;
    expect(r.body.data.signInRouting).toEqual({
      tenantId: eu.id,
      region: "EU",
      clientId: euPartner.app.clientId,
      partnerTenantId: euPartner.tenantId,
      authority: `${h.emulator.url}/${eu.id}`,
    });
    const bad = await h.query(`{ signInRouting(userName: "nobody@unknown-domain.example") { region } }`, {}, as(token));
    expect(bad.body.errors[0].extensions.code).toBe("NOT_FOUND");
    const malformed = await h.query(`{ signInRouting(userName: "no-at-sign") { region } }`, {}, as(token));
    expect(malformed.body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", argument: "userName" });
  });
});
