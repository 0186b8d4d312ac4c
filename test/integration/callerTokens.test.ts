import { decodeJwt, type JWTPayload } from "jose";
import {
  CustomerRegionsDocument,
  CustomerUserIdsDocument,
  MeAndCustomerRegionsDocument,
  PartnerTenantsAndCustomersDocument,
} from "../__generated__/operations";
import { graphCallsTo, startHarness, type Harness } from "../helpers/harness";

/**
 * Tokens for this API, as Entra issues them: v1 by default (the registration's
 * accessTokenAcceptedVersion unset), v2 when asked for; agents (scp) and partner services (roles).
 */
const NA_ADMIN = "admin@fabrikampartnersna.onmicrosoft.com";
const NA_READER = "reader@fabrikampartnersna.onmicrosoft.com";
const UNAUTHENTICATED = [{ message: "A valid bearer token for this API is required.", extensions: { code: "UNAUTHENTICATED" } }];

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const agentToken = async (h: Harness, agent: string) => (await h.control<{ access_token: string }>("POST", "/agents/token", { agent })).access_token;
/** Signed with the cloud's real key: only our validation rules decide. */
const signed = (h: Harness, claims: JWTPayload) => h.emulator.ctx.keys.sign(claims);
const nowS = () => Math.floor(Date.now() / 1000);

describe("caller tokens: v1 and v2, each strictly", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demoMode: false });
  });
  afterAll(async () => h?.close());
  afterEach(() => {
    h.emulator.ctx.settings.apiTokenVersion = 1;
  });

  it("serves an agent with a v1 token (Entra's default) and with a v2 token", async () => {
    for (const version of [1, 2] as const) {
      h.emulator.ctx.settings.apiTokenVersion = version;
      const token = await agentToken(h, NA_ADMIN);
      expect(decodeJwt(token).ver).toBe(`${version}.0`);
      const r = await h.run(MeAndCustomerRegionsDocument, {}, as(token));
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data!.me).toMatchObject({ mode: "AGENT", userName: NA_ADMIN });
      expect(new Set(r.body.data!.customers.nodes.map((c) => c.region))).toEqual(new Set(["NA"]));
    }
  });

  it("serves a partner service with a v1 and with a v2 client-credentials token", async () => {
    for (const version of [1, 2] as const) {
      h.emulator.ctx.settings.apiTokenVersion = version;
      const token = await h.appToken("NA");
      expect(decodeJwt(token)).toMatchObject({ ver: `${version}.0`, roles: ["PartnerGraph.Read.All"] });
      const r = await h.query(`{ me { mode } }`, {}, as(token));
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.me.mode).toBe("APP");
    }
  });

  it("refuses an issuer of the other version's form, of another host or of another tenant than tid", async () => {
    const na = h.config.partnerTenants.find((p) => p.region === "NA")!;
    const eu = h.config.partnerTenants.find((p) => p.region === "EU")!;
    const v1 = decodeJwt(await agentToken(h, NA_ADMIN));
    h.emulator.ctx.settings.apiTokenVersion = 2;
    const v2 = decodeJwt(await agentToken(h, NA_ADMIN));
    const tokens = await Promise.all([
      signed(h, { ...v1, iss: `${h.config.authorityHost}/${na.tenantId}/v2.0` }),
      signed(h, { ...v2, iss: `https://sts.windows.net/${na.tenantId}/` }),
      signed(h, { ...v2, iss: `https://login.microsoftonline.com/${na.tenantId}/v2.0` }),
      signed(h, { ...v1, iss: `https://sts.windows.net/${eu.tenantId}/` }),
      signed(h, { ...v1, ver: "2.0" }),
      signed(h, { ...v1, ver: undefined }),
    ]);
    for (const t of tokens) {
      const r = await h.query(`{ me { mode } }`, {}, as(t));
      expect(r.status).toBe(401);
      expect(r.body.errors).toEqual(UNAUTHENTICATED);
    }
  });

  it("refuses the audience of another region's app, and a token without its version's client id claim", async () => {
    const eu = h.config.partnerTenants.find((p) => p.region === "EU")!;
    const v1 = decodeJwt(await agentToken(h, NA_ADMIN));
    h.emulator.ctx.settings.apiTokenVersion = 2;
    const v2 = decodeJwt(await agentToken(h, NA_ADMIN));
    const { appid: _appid, ...v1NoAppId } = v1;
    const { azp: _azp, ...v2NoAzp } = v2;
    const tokens = await Promise.all([
      signed(h, { ...v1, aud: `api://${eu.app.clientId}` }),
      signed(h, v1NoAppId),
      signed(h, { ...v1NoAppId, azp: v1.appid }),
      signed(h, v2NoAzp),
    ]);
    for (const t of tokens) expect((await h.query(`{ me { mode } }`, {}, as(t))).body.errors).toEqual(UNAUTHENTICATED);
  });

  it("requires exp: a validly signed token without it is refused", async () => {
    for (const version of [2, 1] as const) {
      h.emulator.ctx.settings.apiTokenVersion = version;
      const { exp: _exp, ...claims } = decodeJwt(await agentToken(h, NA_ADMIN));
      const r = await h.query(`{ me { mode } }`, {}, as(await signed(h, claims)));
      expect(r.status).toBe(401);
      expect(r.body.errors).toEqual(UNAUTHENTICATED);
    }
  });

  it("refuses a token expired for longer than the 30 s clock-skew tolerance, before any token or Graph call", async () => {
    h.emulator.ctx.settings.apiTokenVersion = 2;
    const claims = decodeJwt(await agentToken(h, NA_ADMIN));
    const expired = await signed(h, { ...claims, iat: nowS() - 3700, nbf: nowS() - 3700, exp: nowS() - 45 });
    await h.resetCounters();
    const r = await h.query(`{ customers(first: 1) { totalCount } }`, {}, as(expired));
    expect(r.status).toBe(401);
    expect(r.body.errors).toEqual(UNAUTHENTICATED);
    const c = await h.counters();
    expect((c.total.token ?? 0) + (c.total.graph ?? 0) + (c.total.batch ?? 0)).toBe(0);
  });

  it("refuses an app token without this API's role PartnerGraph.Read.All, naming the role", async () => {
    const naApp = h.emulator.ctx.world.partnerForRegion("NA")!.app;
    const granted = naApp.apiAppRoles;
    try {
      for (const roles of [["Partner.Read.All"], []]) {
        naApp.apiAppRoles = roles;
        const token = await h.appToken("NA");
        expect(decodeJwt(token).roles).toEqual(roles.length ? roles : undefined);
        await h.resetCounters();
        const r = await h.query(`{ customers(first: 1) { totalCount } }`, {}, as(token));
        expect(r.status).toBe(403);
        expect(r.body.errors).toEqual([
          {
            message: "This app has not been granted the app role PartnerGraph.Read.All of this API.",
            extensions: { code: "FORBIDDEN", requiredAppRole: "PartnerGraph.Read.All" },
          },
        ]);
        expect((await h.counters()).total.token ?? 0).toBe(0);
      }
    } finally {
      naApp.apiAppRoles = granted;
    }
  });

  it("takes a token without scp for an app token (idtyp is an optional claim) and holds it to the role rule", async () => {
    const claims = decodeJwt(await h.appToken("NA"));
    const { idtyp: _idtyp, ...noIdtyp } = claims;
    expect((await h.query(`{ me { mode } }`, {}, as(await signed(h, noIdtyp)))).body.data.me.mode).toBe("APP");
    const { roles: _roles, ...noRoles } = noIdtyp;
    expect((await h.query(`{ me { mode } }`, {}, as(await signed(h, noRoles)))).status).toBe(403);
    // A delegated token says so with scp; idtyp "app" beside scp is contradictory.
    const agent = decodeJwt(await agentToken(h, NA_ADMIN));
    expect((await h.query(`{ me { mode } }`, {}, as(await signed(h, { ...agent, idtyp: "app", roles: ["PartnerGraph.Read.All"] })))).status).toBe(403);
  });

  it("lets an app token reach only the region of the partner tenant that issued it", async () => {
    const seeded = await h.control<{ customers: Array<{ id: string; region: string }>; partners: Array<{ id: string; region: string }> }>("GET", "/tenants");
    const token = await h.appToken("NA");
    await h.resetCounters();
    const r = await h.run(PartnerTenantsAndCustomersDocument, {}, as(token));
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.me.partnerTenants).toEqual([{ region: "NA" }]);
    expect(r.body.data!.customers.nodes).toHaveLength(seeded.customers.filter((c) => c.region === "NA").length);
    expect(new Set(r.body.data!.customers.nodes.map((c) => c.region))).toEqual(new Set(["NA"]));
    const eu = seeded.customers.find((c) => c.region === "EU")!;
    const euPartner = h.config.partnerTenants.find((p) => p.region === "EU")!;
    const other = await h.run(CustomerUserIdsDocument, { id: eu.id, first: 1 }, as(token));
    expect(other.body.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const c = await h.counters();
    expect(graphCallsTo(c, eu.id) + graphCallsTo(c, euPartner.tenantId)).toBe(0);
    expect(c.byTenant[eu.id]?.token ?? 0).toBe(0);
  });
});

describe("app callers configured for more regions", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      demoMode: false,
      partnerConfig: (raw) => ({ ...raw, appCallers: [{ appId: raw.partnerTenants.find((p) => p.region === "NA")!.app.clientId, regions: ["EU"] }] }),
    });
  });
  afterAll(async () => h?.close());

  it("reach their own partner tenant's region and the configured ones, no other", async () => {
    const r = await h.run(PartnerTenantsAndCustomersDocument, {}, as(await h.appToken("NA")));
    expect(r.body.errors).toBeUndefined();
    expect(new Set(r.body.data!.me.partnerTenants.map((p) => p.region))).toEqual(new Set(["NA", "EU"]));
    expect(new Set(r.body.data!.customers.nodes.map((c) => c.region))).toEqual(new Set(["NA", "EU"]));
    // The EU app's own token is not extended by the NA app's entry.
    const eu = await h.run(CustomerRegionsDocument, { first: 100 }, as(await h.appToken("EU")));
    expect(new Set(eu.body.data!.customers.nodes.map((c) => c.region))).toEqual(new Set(["EU"]));
  });
});

describe("identity-platform errors at on-behalf-of, end to end through MSAL", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demoMode: false });
  });
  afterAll(async () => h?.close());

  it("answers UNAUTHENTICATED (sign in again, no retry) for a token expired at Entra but within our skew (AADSTS500133)", async () => {
    const ctx = h.emulator.ctx;
    const realNow = ctx.now;
    // Issued so that it expired 10 s ago: inside our tolerance, past Entra's.
    ctx.now = () => Date.now() - (ctx.settings.tokenLifetimeSeconds + 10) * 1000;
    let token: string;
    try {
      token = await agentToken(h, NA_ADMIN);
    } finally {
      ctx.now = realNow;
    }
    const r = await h.query(`{ customers(first: 1) { totalCount } }`, {}, as(token));
    expect(r.status).toBe(200);
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0].path).toEqual(["customers"]);
    expect(r.body.errors[0].extensions).toEqual({
      code: "UNAUTHENTICATED",
      tenantId: h.config.partnerTenants.find((p) => p.region === "NA")!.tenantId,
      aadsts: 500133,
    });
  });

  it("answers FORBIDDEN with the reason when the partner's relationship with the customer has ended (AADSTS50020)", async () => {
    const token = await agentToken(h, NA_ADMIN);
    const list = await h.query(`{ customers(first: 100) { nodes { id relationship { kind } } } }`, {}, as(token));
    const id: string = list.body.data.customers.nodes[0].id;
    const customer = h.emulator.ctx.world.customer(id)!;
    const saved = { dap: customer.dap, gdap: customer.gdapRelationships };
    // Ended after the listing this operation reuses: the token endpoint no longer admits the agent there.
    customer.dap = false;
    customer.gdapRelationships = saved.gdap.map((r) => ({ ...r, status: "terminated" as const }));
    try {
      await h.resetCounters();
      const r = await h.query(`query($id: ID!) { customer(id: $id) { users(first: 1) { nodes { id } } } }`, { id }, as(token));
      expect(r.body.data.customer.users).toBeNull();
      expect(r.body.errors[0].path).toEqual(["customer", "users"]);
      expect(r.body.errors[0].extensions).toEqual({ code: "FORBIDDEN", tenantId: id, reason: "NO_RELATIONSHIP", aadsts: 50020 });
      expect(graphCallsTo(await h.counters(), id)).toBe(0);
    } finally {
      customer.dap = saved.dap;
      customer.gdapRelationships = saved.gdap;
    }
  });

  // Last in this harness: the rotation retires the key every token so far was signed with.
  it("answers UNAUTHENTICATED for an assertion Entra no longer accepts: its signing key was rotated out (AADSTS50013)", async () => {
    const first = await agentToken(h, NA_READER);
    expect((await h.query(`{ me { mode } }`, {}, as(first))).body.data.me.mode).toBe("AGENT");
    const second = await agentToken(h, NA_READER);
    await h.emulator.ctx.keys.rotate();
    // Our cached key set still holds the old key (as within any relying party's JWKS cache period).
    const r = await h.query(`{ customers(first: 1) { totalCount } }`, {}, as(second));
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0].path).toEqual(["customers"]);
    expect(r.body.errors[0].extensions).toEqual({
      code: "UNAUTHENTICATED",
      tenantId: h.config.partnerTenants.find((p) => p.region === "NA")!.tenantId,
      aadsts: 50013,
    });
  });
});

describe("identity platform unreachable while validating a caller", () => {
  let h: Harness;
  beforeAll(async () => {
    // Nothing listens on port 1: every key-set fetch fails to connect.
    h = await startHarness({ demoMode: false, config: (c) => ({ ...c, authorityHost: "https://127.0.0.1:1" }) });
  });
  afterAll(async () => h?.close());

  it("answers 503 UPSTREAM_UNAVAILABLE, not 500", async () => {
    const r = await h.query(`{ me { mode } }`, {}, as(await agentToken(h, NA_ADMIN)));
    expect(r.status).toBe(503);
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0].extensions).toEqual({ code: "UPSTREAM_UNAVAILABLE", retryAfter: 5 });
    expect(r.body.data).toBeUndefined();
  });
});
