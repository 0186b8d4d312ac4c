import { createHash, generateKeyPairSync } from "node:crypto";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { handleIdentity, issueAgentApiToken } from "../../emulator/identity";
import type { EmuResponse } from "../../emulator/http";
import { BASE_URL, buildFixture, clientAssertion, request, T0, type Fixture } from "./identityFixture";

let f: Fixture;
beforeEach(async () => {
  f = await buildFixture();
});

async function call(method: string, path: string, init?: Parameters<typeof request>[2]): Promise<EmuResponse> {
  const res = await handleIdentity(request(method, path, init), f.ctx);
  if (!res) throw new Error(`no identity route for ${method} ${path}`);
  return res;
}

function body(res: EmuResponse): Record<string, any> {
  return res.body as Record<string, any>;
}

async function token(tenant: string, form: Record<string, string>, headers?: Record<string, string>): Promise<EmuResponse> {
  return call("POST", `/${tenant}/oauth2/v2.0/token`, { form, headers });
}

function expectAadError(res: EmuResponse, status: number, error: string, code: number): Record<string, any> {
  const b = body(res);
  expect({ status: res.status, error: b.error, codes: b.error_codes }).toEqual({ status, error, codes: [code] });
  expect(b.error_description).toMatch(
    new RegExp(
      `^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
      "s",
    ),
  );
  expect(b.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(b.error_uri).toBe(`${BASE_URL}/error?code=${code}`);
  return b;
}

const graphScope = "https://graph.microsoft.com/.default";

function secretForm(fx: Fixture, scope = graphScope): Record<string, string> {
  return { client_id: fx.na.app.clientId, client_secret: fx.na.app.clientSecret, scope, grant_type: "client_credentials" };
}

/** The NA app's client-credentials form with a certificate assertion (what msal-node sends). */
function assertionForm(fx: Fixture, assertion: string): Record<string, string> {
  return {
    client_id: fx.na.app.clientId,
    scope: graphScope,
    grant_type: "client_credentials",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
  };
}

describe("routing", () => {
  it("answers undefined for paths that are not identity routes", async () => {
    expect(await handleIdentity(request("GET", "/v1.0/users"), f.ctx)).toBeUndefined();
    expect(await handleIdentity(request("GET", "/_emulator/health"), f.ctx)).toBeUndefined();
    expect(await handleIdentity(request("GET", "/"), f.ctx)).toBeUndefined();
  });
});

describe("OpenID discovery", () => {
  it("serves the v2 document of a partner tenant with the emulator host as issuer", async () => {
    const res = await call("GET", `/${f.na.id}/v2.0/.well-known/openid-configuration`);
    const doc = body(res);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("max-age=86400, private");
    expect(doc.issuer).toBe(`${BASE_URL}/${f.na.id}/v2.0`);
    expect(doc.token_endpoint).toBe(`${BASE_URL}/${f.na.id}/oauth2/v2.0/token`);
    expect(doc.authorization_endpoint).toBe(`${BASE_URL}/${f.na.id}/oauth2/v2.0/authorize`);
    expect(doc.jwks_uri).toBe(`${BASE_URL}/${f.na.id}/discovery/v2.0/keys`);
    expect(doc.tenant_region_scope).toBe("NA");
    expect(doc.cloud_instance_name).toBe("microsoftonline.com");
    expect(doc.msgraph_host).toBe("127.0.0.1:8443");
    expect(doc.token_endpoint_auth_methods_supported).toEqual(["client_secret_post", "private_key_jwt", "client_secret_basic"]);
    expect(f.ctx.counters.snapshot().byTenant[f.na.id]?.discovery).toBe(1);
  });

  it("resolves a tenant by any verified domain, case-insensitively", async () => {
    const doc = body(await call("GET", "/ADATUM.com/v2.0/.well-known/openid-configuration"));
    expect(doc.issuer).toBe(`${BASE_URL}/${f.euCustomer.id}/v2.0`);
    expect(doc.tenant_region_scope).toBe("EU");
    expect(doc.token_endpoint).toBe(`${BASE_URL}/${f.euCustomer.id}/oauth2/v2.0/token`);
  });

  it("serves the v1 document with the sts.windows.net issuer", async () => {
    const doc = body(await call("GET", `/${f.naCustomer.id}/.well-known/openid-configuration`));
    expect(doc.issuer).toBe(`https://sts.windows.net/${f.naCustomer.id}/`);
    expect(doc.token_endpoint).toBe(`${BASE_URL}/${f.naCustomer.id}/oauth2/token`);
  });

  it("uses the {tenantid} template for common and organizations", async () => {
    expect(body(await call("GET", "/common/v2.0/.well-known/openid-configuration")).issuer).toBe(`${BASE_URL}/{tenantid}/v2.0`);
    const orgs = body(await call("GET", "/organizations/v2.0/.well-known/openid-configuration"));
    expect(orgs.issuer).toBe(`${BASE_URL}/{tenantid}/v2.0`);
    expect(orgs.token_endpoint).toBe(`${BASE_URL}/organizations/oauth2/v2.0/token`);
  });

  it("rejects an unknown tenant with AADSTS90002", async () => {
    const res = await call("GET", "/nowhere.example/v2.0/.well-known/openid-configuration");
    expectAadError(res, 400, "invalid_tenant", 90002);
    expect(body(res).error_description).toContain("Tenant 'nowhere.example' not found.");
  });

  it("publishes the signing keys and counts jwks requests", async () => {
    const res = await call("GET", `/${f.na.id}/discovery/v2.0/keys`);
    expect(body(res)).toEqual(f.ctx.keys.jwks());
    expect(f.ctx.counters.snapshot().byTenant[f.na.id]?.jwks).toBe(1);
  });

  it("answers instance discovery with the emulator host as the only alias", async () => {
    const authz = encodeURIComponent(`${BASE_URL}/${f.na.id}/oauth2/v2.0/authorize`);
    const doc = body(await call("GET", `/common/discovery/instance?api-version=1.1&authorization_endpoint=${authz}`));
    expect(doc.tenant_discovery_endpoint).toBe(`${BASE_URL}/${f.na.id}/v2.0/.well-known/openid-configuration`);
    expect(doc.metadata).toEqual([{ preferred_network: "127.0.0.1:8443", preferred_cache: "127.0.0.1:8443", aliases: ["127.0.0.1:8443"] }]);
    const other = await call(
      "GET",
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent("https://evil.example/x/oauth2/v2.0/authorize")}`,
    );
    expect(body(other).error).toBe("invalid_instance");
  });
});

describe("client credentials", () => {
  it("issues a v1 Graph token with the app's roles in its own partner tenant", async () => {
    const res = await token(f.na.id, secretForm(f));
    expect(res.status).toBe(200);
    const b = body(res);
    expect(b).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(b.client_info).toBeUndefined();
    const claims = decodeJwt(b.access_token);
    expect(claims).toMatchObject({
      aud: "https://graph.microsoft.com",
      iss: `https://sts.windows.net/${f.na.id}/`,
      ver: "1.0",
      tid: f.na.id,
      appid: f.na.app.clientId,
      appidacr: "1",
      idtyp: "app",
      oid: f.na.app.servicePrincipalId,
      sub: f.na.app.servicePrincipalId,
      roles: f.na.app.applicationPermissions,
      iat: T0 / 1000,
      nbf: T0 / 1000,
      exp: T0 / 1000 + 3599,
    });
    expect(typeof claims.uti).toBe("string");
    expect(decodeProtectedHeader(b.access_token)).toMatchObject({ alg: "RS256", typ: "JWT", kid: f.ctx.keys.kid });
    const jwks = createLocalJWKSet(f.ctx.keys.jwks());
    await expect(jwtVerify(b.access_token, jwks, { currentDate: new Date(T0) })).resolves.toBeDefined();
    const snap = f.ctx.counters.snapshot();
    expect(snap.byTenant[f.na.id]?.token).toBe(1);
    expect(snap.byApp[f.na.app.clientId]?.token).toBe(1);
    expect(snap.concurrency.token.current).toBe(0);
  });

  it("accepts the secret through HTTP Basic and the emulator's own Graph resource", async () => {
    const basic = Buffer.from(`${f.na.app.clientId}:${f.na.app.clientSecret}`).toString("base64");
    const res = await token(f.naCustomer.id, { scope: `${BASE_URL}/.default`, grant_type: "client_credentials" }, { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
    expect(decodeJwt(body(res).access_token)).toMatchObject({ aud: BASE_URL, tid: f.naCustomer.id, roles: f.na.app.applicationPermissions });
  });

  it("issues tokens for a managed customer addressed by domain", async () => {
    const res = await token("northwind.com", secretForm(f));
    expect(decodeJwt(body(res).access_token)).toMatchObject({ tid: f.naCustomer.id, iss: `https://sts.windows.net/${f.naCustomer.id}/` });
  });

  it("omits roles while the customer's partner relationship is propagating, then grants them", async () => {
    const early = decodeJwt(body(await token(f.newCustomer.id, secretForm(f))).access_token);
    expect(early.roles).toBeUndefined();
    expect(early.tid).toBe(f.newCustomer.id);
    f.clock.now = f.newCustomer.propagatedAt;
    const late = decodeJwt(body(await token(f.newCustomer.id, secretForm(f))).access_token);
    expect(late.roles).toEqual(f.na.app.applicationPermissions);
  });

  it("omits roles in customers when the app is not in AdminAgents (no pre-consent)", async () => {
    f.na.appInAdminAgents = false;
    expect(decodeJwt(body(await token(f.naCustomer.id, secretForm(f))).access_token).roles).toBeUndefined();
    expect(decodeJwt(body(await token(f.na.id, secretForm(f))).access_token).roles).toEqual(f.na.app.applicationPermissions);
  });

  it("accepts a PS256 certificate assertion named by x5t#S256 (msal-node's default)", async () => {
    const assertion = await clientAssertion(f.na.app, `${BASE_URL}/${f.naCustomer.id}/oauth2/v2.0/token`);
    const res = await token(f.naCustomer.id, assertionForm(f, assertion));
    expect(res.status).toBe(200);
    expect(decodeJwt(body(res).access_token).appidacr).toBe("2");
  });

  it("accepts an RS256 assertion named by x5t, addressed to the domain-form token endpoint", async () => {
    const assertion = await clientAssertion(f.na.app, `${BASE_URL}/northwind.com/oauth2/v2.0/token`, { alg: "RS256" });
    const res = await token(f.naCustomer.id, assertionForm(f, assertion));
    expect(res.status).toBe(200);
  });

  it("issues an app token for this API: v1 by default (accessTokenAcceptedVersion unset), roles only when granted", async () => {
    const res = await token(f.na.id, secretForm(f, `api://${f.na.app.clientId}/.default`));
    const v1 = decodeJwt(body(res).access_token);
    expect(v1).toMatchObject({
      aud: `api://${f.na.app.clientId}`,
      iss: `https://sts.windows.net/${f.na.id}/`,
      ver: "1.0",
      idtyp: "app",
      appid: f.na.app.clientId,
    });
    expect(v1.roles).toBeUndefined();
    f.na.app.apiAppRoles = ["PartnerGraph.Read.All"];
    f.ctx.settings.apiTokenVersion = 2;
    try {
      const v2 = decodeJwt(body(await token(f.na.id, secretForm(f, `api://${f.na.app.clientId}/.default`))).access_token);
      expect(v2).toMatchObject({
        aud: f.na.app.clientId,
        iss: `${BASE_URL}/${f.na.id}/v2.0`,
        ver: "2.0",
        idtyp: "app",
        roles: ["PartnerGraph.Read.All"],
        azp: f.na.app.clientId,
      });
    } finally {
      f.na.app.apiAppRoles = undefined;
      f.ctx.settings.apiTokenVersion = 1;
    }
  });

  it("rejects a scope without /.default (AADSTS1002012)", async () => {
    const b = expectAadError(await token(f.na.id, secretForm(f, "https://graph.microsoft.com/User.Read.All")), 400, "invalid_scope", 1002012);
    expect(b.error_description).toContain(
      "The provided value for scope https://graph.microsoft.com/User.Read.All is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
    );
  });

  it("rejects an unknown resource (AADSTS500011)", async () => {
    expectAadError(await token(f.na.id, secretForm(f, "https://vault.azure.net/.default")), 400, "invalid_resource", 500011);
  });

  it("rejects an unknown tenant (AADSTS90002)", async () => {
    expectAadError(await token("nowhere.example", secretForm(f)), 400, "invalid_request", 90002);
  });

  it("rejects client credentials at common (AADSTS9001023)", async () => {
    expectAadError(await token("common", secretForm(f)), 400, "invalid_request", 9001023);
  });

  it("rejects an unknown client (AADSTS700016)", async () => {
    const b = expectAadError(await token(f.na.id, { ...secretForm(f), client_id: "99999999-9999-4999-8999-999999999999" }), 400, "unauthorized_client", 700016);
    expect(b.error_description).toContain("Application with identifier '99999999-9999-4999-8999-999999999999' was not found in the directory");
  });

  it("rejects an app of another region in a customer tenant (AADSTS700016)", async () => {
    const b = expectAadError(await token(f.euCustomer.id, secretForm(f)), 400, "unauthorized_client", 700016);
    expect(b.error_description).toContain(`Application with identifier '${f.na.app.clientId}' was not found in the directory '${f.euCustomer.id}'.`);
    expectAadError(await token(f.eu.id, secretForm(f)), 400, "unauthorized_client", 700016);
  });

  it("rejects a wrong secret with 401 (AADSTS7000215)", async () => {
    const b = expectAadError(await token(f.na.id, { ...secretForm(f), client_secret: "nope" }), 401, "invalid_client", 7000215);
    expect(b.error_description).toContain("Invalid client secret provided.");
    expect(b.error_description).not.toContain(f.na.app.clientSecret);
  });

  it("rejects a request without any credential (AADSTS7000218)", async () => {
    const { client_secret: _omit, ...form } = secretForm(f);
    expectAadError(await token(f.na.id, form), 401, "invalid_client", 7000218);
  });

  it("rejects an assertion signed with another key (AADSTS700027)", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const assertion = await clientAssertion(f.na.app, `${BASE_URL}/${f.na.id}/oauth2/v2.0/token`, { key: privateKey });
    const b = expectAadError(await token(f.na.id, assertionForm(f, assertion)), 401, "invalid_client", 700027);
    expect(b.error_description).toContain("Key was found, but use of the key to verify the signature failed.");
  });

  it("rejects an assertion naming an unknown certificate (AADSTS700027)", async () => {
    const other = createHash("sha256").update("other").digest("base64url");
    const assertion = await clientAssertion(f.na.app, `${BASE_URL}/${f.na.id}/oauth2/v2.0/token`, { header: { "x5t#S256": other } });
    const b = expectAadError(await token(f.na.id, assertionForm(f, assertion)), 401, "invalid_client", 700027);
    expect(b.error_description).toContain("The key was not found.");
  });

  it("rejects an expired assertion (AADSTS700024)", async () => {
    const assertion = await clientAssertion(f.na.app, `${BASE_URL}/${f.na.id}/oauth2/v2.0/token`, { iat: T0 / 1000 - 3600 });
    const b = expectAadError(await token(f.na.id, assertionForm(f, assertion)), 401, "invalid_client", 700024);
    expect(b.error_description).toContain("Client assertion is not within its valid time range. Current time: 2025-01-15T10:00:00.0000000Z");
  });

  it("rejects an assertion addressed to another tenant's endpoint", async () => {
    const assertion = await clientAssertion(f.na.app, `${BASE_URL}/${f.euCustomer.id}/oauth2/v2.0/token`);
    const res = await token(f.na.id, assertionForm(f, assertion));
    expect(res.status).toBe(401);
    expect(body(res).error).toBe("invalid_client");
  });
});

describe("token endpoint", () => {
  it("rejects an unsupported grant (AADSTS70003)", async () => {
    const b = expectAadError(await token(f.na.id, { ...secretForm(f), grant_type: "device_code_x" }), 400, "unsupported_grant_type", 70003);
    expect(b.error_description).toContain("The app requested an unsupported grant type 'device_code_x'.");
  });

  it("echoes client-request-id as correlation_id and ignores MSAL's extra fields", async () => {
    const res = await token(f.na.id, {
      ...secretForm(f),
      client_secret: "x",
      "client-request-id": "0f0f0f0f-1111-4222-8333-444444444444",
      "x-client-SKU": "msal.js.node",
      "x-client-VER": "7.2.3",
      client_info: "1",
    });
    const b = body(res);
    expect(b.correlation_id).toBe("0f0f0f0f-1111-4222-8333-444444444444");
    expect(b.error_description).toContain("Correlation ID: 0f0f0f0f-1111-4222-8333-444444444444");
    const ok = await token(f.na.id, { ...secretForm(f), "x-client-SKU": "msal.js.node", "x-client-current-telemetry": "5|771,2,,,|,", client_info: "1" });
    expect(ok.status).toBe(200);
  });

  it("answers 503 temporarily_unavailable when a token fault is injected", async () => {
    f.ctx.faults.configure({ tokenFailure: { rate: 1, tenants: [f.naCustomer.id] } });
    const res = await token(f.naCustomer.id, secretForm(f));
    expectAadError(res, 503, "temporarily_unavailable", 90033);
    expect(res.headers["retry-after"]).toBe("1");
    expect((await token(f.na.id, secretForm(f))).status).toBe(200);
  });

  it("rejects GET on the token endpoint", async () => {
    expectAadError(await call("GET", `/${f.na.id}/oauth2/v2.0/token`), 400, "invalid_request", 900561);
  });

  it("maps the v1 resource parameter to {resource}/.default", async () => {
    const res = await call("POST", `/${f.na.id}/oauth2/token`, {
      form: { client_id: f.na.app.clientId, client_secret: f.na.app.clientSecret, resource: "https://graph.microsoft.com/", grant_type: "client_credentials" },
    });
    expect(decodeJwt(body(res).access_token).aud).toBe("https://graph.microsoft.com");
  });
});

describe("on-behalf-of", () => {
  async function obo(tenant: string, assertion: string, extra: Record<string, string> = {}): Promise<EmuResponse> {
    return token(tenant, {
      client_id: f.na.app.clientId,
      client_secret: f.na.app.clientSecret,
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      requested_token_use: "on_behalf_of",
      assertion,
      scope: "https://graph.microsoft.com/.default openid profile offline_access",
      client_info: "1",
      ...extra,
    });
  }

  it("trades an agent's API token for a delegated Graph token in a managed customer", async () => {
    const { access_token } = await issueAgentApiToken(f.ctx, f.agent.userPrincipalName);
    const res = await obo("northwind.com", access_token);
    expect(res.status).toBe(200);
    const b = body(res);
    expect(b).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(b.scope.split(" ")).toEqual(expect.arrayContaining(["https://graph.microsoft.com/.default", "User.Read.All", "Directory.Read.All"]));
    expect(b.scope).not.toMatch(/openid|offline_access/);
    expect(JSON.parse(Buffer.from(b.client_info, "base64url").toString())).toEqual({ uid: f.agent.id, utid: f.na.id });
    expect(decodeJwt(b.access_token)).toMatchObject({
      aud: "https://graph.microsoft.com",
      iss: `https://sts.windows.net/${f.naCustomer.id}/`,
      ver: "1.0",
      tid: f.naCustomer.id,
      appid: f.na.app.clientId,
      appidacr: "1",
      idtyp: "user",
      oid: f.agent.id,
      sub: f.agent.id,
      scp: "User.Read.All Directory.Read.All",
      idp: `https://sts.windows.net/${f.na.id}/`,
      upn: f.agent.userPrincipalName,
      unique_name: f.agent.userPrincipalName,
      name: f.agent.displayName,
    });
    expect(decodeJwt(b.access_token).roles).toBeUndefined();
  });

  it("uses the agent's partner tenant for organizations", async () => {
    const { access_token } = await issueAgentApiToken(f.ctx, f.agent.id);
    const b = body(await obo("organizations", access_token));
    expect(decodeJwt(b.access_token).tid).toBe(f.na.id);
  });

  it("accepts an assertion whose audience is the App ID URI", async () => {
    const claims = decodeJwt((await issueAgentApiToken(f.ctx, f.agent.id)).access_token);
    const assertion = await f.ctx.keys.sign({ ...claims, aud: `api://${f.na.app.clientId}` });
    expect((await obo(f.na.id, assertion)).status).toBe(200);
  });

  it("rejects an assertion with an invalid signature (AADSTS50013)", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const claims = decodeJwt((await issueAgentApiToken(f.ctx, f.agent.id)).access_token);
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: f.ctx.keys.kid }).sign(privateKey);
    expectAadError(await obo(f.naCustomer.id, forged), 400, "invalid_grant", 50013);
  });

  it("rejects an assertion for another audience (AADSTS50013)", async () => {
    const claims = decodeJwt((await issueAgentApiToken(f.ctx, f.agent.id)).access_token);
    const assertion = await f.ctx.keys.sign({ ...claims, aud: "https://graph.microsoft.com" });
    const b = expectAadError(await obo(f.naCustomer.id, assertion), 400, "invalid_grant", 50013);
    expect(b.error_description).toContain("Assertion audience does not match the Client app presenting the assertion.");
  });

  it("rejects an expired assertion (AADSTS500133)", async () => {
    const { access_token } = await issueAgentApiToken(f.ctx, f.agent.id);
    f.clock.now += 2 * 3600_000;
    const b = expectAadError(await obo(f.naCustomer.id, access_token), 400, "invalid_grant", 500133);
    expect(b.error_description).toContain("Assertion is not within its valid time range.");
  });

  it("rejects a customer of another partner (AADSTS50020)", async () => {
    const { access_token } = await issueAgentApiToken(f.ctx, f.agent.id);
    const b = expectAadError(await obo(f.euCustomer.id, access_token), 400, "invalid_grant", 50020);
    expect(b.error_description).toContain(
      `User account '${f.agent.userPrincipalName}' from identity provider 'https://sts.windows.net/${f.na.id}/' does not exist in tenant '${f.euCustomer.displayName}'`,
    );
  });

  it("rejects a managed customer whose every relationship has ended (AADSTS50020)", async () => {
    const { access_token } = await issueAgentApiToken(f.ctx, f.agent.id);
    f.naCustomer.dap = false;
    f.naCustomer.gdapRelationships = [];
    try {
      expectAadError(await obo(f.naCustomer.id, access_token), 400, "invalid_grant", 50020);
    } finally {
      f.naCustomer.dap = true;
    }
  });

  it("accepts v1 and v2 assertions, each only with the issuer of its version", async () => {
    for (const version of [1, 2] as const) {
      f.ctx.settings.apiTokenVersion = version;
      const claims = decodeJwt((await issueAgentApiToken(f.ctx, f.agent.id)).access_token);
      expect(claims.ver).toBe(version === 1 ? "1.0" : "2.0");
      expect((await obo(f.naCustomer.id, await f.ctx.keys.sign(claims))).status).toBe(200);
      const otherForm = version === 1 ? `${BASE_URL}/${f.na.id}/v2.0` : `https://sts.windows.net/${f.na.id}/`;
      expectAadError(await obo(f.naCustomer.id, await f.ctx.keys.sign({ ...claims, iss: otherForm })), 400, "invalid_grant", 50013);
    }
    f.ctx.settings.apiTokenVersion = 1;
  });

  it("rejects an assertion signed with a key rotated out since (AADSTS50013)", async () => {
    const { access_token } = await issueAgentApiToken(f.ctx, f.agent.id);
    await f.ctx.keys.rotate();
    const b = expectAadError(await obo(f.naCustomer.id, access_token), 400, "invalid_grant", 50013);
    expect(b.error_description).toContain("The key was not found.");
    expect((await obo(f.naCustomer.id, (await issueAgentApiToken(f.ctx, f.agent.id)).access_token)).status).toBe(200);
  });

  it("challenges agents that must pass MFA (AADSTS50079 with claims)", async () => {
    const { access_token } = await issueAgentApiToken(f.ctx, f.mfaAgent.userPrincipalName);
    const b = expectAadError(await obo(f.naCustomer.id, access_token), 400, "interaction_required", 50079);
    expect(JSON.parse(b.claims)).toEqual({ access_token: { capolids: { essential: true, values: [expect.any(String)] } } });
  });

  it("authenticates the client before looking at the assertion", async () => {
    const { access_token } = await issueAgentApiToken(f.ctx, f.agent.id);
    expectAadError(await obo(f.naCustomer.id, access_token, { client_secret: "wrong" }), 401, "invalid_client", 7000215);
  });
});

describe("authorization code with PKCE", () => {
  const redirectUri = "https://localhost:3000/auth/callback";
  const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const challenge = createHash("sha256").update(verifier).digest("base64url");

  function authorizeQuery(extra: Record<string, string> = {}): string {
    return new URLSearchParams({
      client_id: f.na.app.clientId,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "https://graph.microsoft.com/.default openid profile offline_access",
      state: "st-123",
      nonce: "n-456",
      code_challenge: challenge,
      code_challenge_method: "S256",
      ...extra,
    }).toString();
  }

  async function signIn(tenant: string, username: string, password = "Passw0rd!", extra: Record<string, string> = {}): Promise<EmuResponse> {
    const params = Object.fromEntries(new URLSearchParams(authorizeQuery(extra)));
    return call("POST", `/${tenant}/oauth2/v2.0/authorize`, { form: { ...params, username, password } });
  }

  async function codeFrom(res: EmuResponse): Promise<string> {
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location!);
    expect(location.searchParams.get("state")).toBe("st-123");
    return location.searchParams.get("code")!;
  }

  function redeem(tenant: string, code: string, extra: Record<string, string> = {}): Promise<EmuResponse> {
    return token(tenant, {
      client_id: f.na.app.clientId,
      client_secret: f.na.app.clientSecret,
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      scope: "https://graph.microsoft.com/.default openid profile offline_access",
      client_info: "1",
      ...extra,
    });
  }

  it("renders a sign-in form that carries the authorize parameters", async () => {
    const res = await call("GET", `/northwind.com/oauth2/v2.0/authorize?${authorizeQuery()}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.body).toContain('<form method="post">');
    expect(res.body).toContain(`name="code_challenge" value="${challenge}"`);
    expect(res.body).toContain('name="password"');
    expect(f.ctx.counters.snapshot().byTenant[f.naCustomer.id]?.authorize).toBe(1);
  });

  it("signs an agent in at the customer's authority and redeems the code once", async () => {
    const code = await codeFrom(await signIn("northwind.com", f.agent.userPrincipalName));
    const res = await redeem(f.naCustomer.id, code);
    expect(res.status).toBe(200);
    const b = body(res);
    expect(decodeJwt(b.access_token)).toMatchObject({ tid: f.naCustomer.id, oid: f.agent.id, idtyp: "user", scp: "User.Read.All Directory.Read.All" });
    expect(decodeJwt(b.id_token)).toMatchObject({ aud: f.na.app.clientId, nonce: "n-456", tid: f.naCustomer.id, oid: f.agent.id });
    expect(b.client_info).toBeDefined();
    expectAadError(await redeem(f.naCustomer.id, code), 400, "invalid_grant", 54005);
  });

  it("supports the plain PKCE method and API scopes", async () => {
    const code = await codeFrom(
      await signIn(f.na.id, f.agent.userPrincipalName, "Passw0rd!", {
        code_challenge: verifier,
        code_challenge_method: "plain",
        scope: `api://${f.na.app.clientId}/access_as_user openid`,
      }),
    );
    const b = body(await redeem(f.na.id, code, { scope: `api://${f.na.app.clientId}/access_as_user openid` }));
    expect(decodeJwt(b.access_token)).toMatchObject({ aud: `api://${f.na.app.clientId}`, scp: "access_as_user", ver: "1.0", tid: f.na.id });
  });

  it("rejects an unknown code (AADSTS70008)", async () => {
    expectAadError(await redeem(f.naCustomer.id, "1.not-a-code"), 400, "invalid_grant", 70008);
  });

  it("rejects a code older than 10 minutes (AADSTS70008)", async () => {
    const code = await codeFrom(await signIn(f.naCustomer.id, f.agent.userPrincipalName));
    f.clock.now += 10 * 60_000 + 1;
    expectAadError(await redeem(f.naCustomer.id, code), 400, "invalid_grant", 70008);
  });

  it("rejects a wrong code_verifier (AADSTS501481)", async () => {
    const code = await codeFrom(await signIn(f.naCustomer.id, f.agent.userPrincipalName));
    expectAadError(await redeem(f.naCustomer.id, code, { code_verifier: "x".repeat(43) }), 400, "invalid_grant", 501481);
    expectAadError(await redeem(f.naCustomer.id, code, { code_verifier: "" }), 400, "invalid_grant", 501481);
  });

  it("binds the code to its redirect URI and tenant", async () => {
    const code = await codeFrom(await signIn(f.naCustomer.id, f.agent.userPrincipalName));
    expect(body(await redeem(f.naCustomer.id, code, { redirect_uri: "https://localhost:3000/other" })).error).toBe("invalid_grant");
    expect(body(await redeem(f.na.id, code)).error).toBe("invalid_grant");
    expect((await redeem(f.naCustomer.id, code)).status).toBe(200);
  });

  it("shows AADSTS50126 on the sign-in page for a wrong password", async () => {
    const res = await signIn(f.naCustomer.id, f.agent.userPrincipalName, "wrong");
    expect(res.status).toBe(200);
    expect(res.body).toContain("AADSTS50126");
  });

  it("refuses an agent of another partner (AADSTS50020)", async () => {
    const res = await signIn(f.naCustomer.id, f.euAgent.userPrincipalName);
    expect(res.status).toBe(400);
    expect(res.body).toContain("AADSTS50020");
  });

  it("refuses the app of another region at the authorize page (AADSTS700016)", async () => {
    const res = await call("GET", `/${f.euCustomer.id}/oauth2/v2.0/authorize?${authorizeQuery()}`);
    expect(res.status).toBe(400);
    expect(res.body).toContain("AADSTS700016");
  });
});

describe("password grant", () => {
  function ropc(tenant: string, username: string, password: string, scope = `api://${f.na.app.clientId}/access_as_user`): Promise<EmuResponse> {
    return token(tenant, { client_id: f.na.app.clientId, grant_type: "password", username, password, scope });
  }

  it("issues an API token for a demo agent: v1 by default, v2 when the registration asks for it", async () => {
    const res = await ropc(f.na.id, f.agent.userPrincipalName, "Passw0rd!");
    expect(res.status).toBe(200);
    expect(decodeJwt(body(res).access_token)).toMatchObject({
      iss: `https://sts.windows.net/${f.na.id}/`,
      aud: `api://${f.na.app.clientId}`,
      tid: f.na.id,
      oid: f.agent.id,
      sub: f.agent.id,
      scp: "access_as_user",
      appid: f.na.app.clientId,
      idtyp: "user",
      ver: "1.0",
      upn: f.agent.userPrincipalName,
      name: f.agent.displayName,
    });
    f.ctx.settings.apiTokenVersion = 2;
    try {
      expect(decodeJwt(body(await ropc(f.na.id, f.agent.userPrincipalName, "Passw0rd!")).access_token)).toMatchObject({
        iss: `${BASE_URL}/${f.na.id}/v2.0`,
        aud: f.na.app.clientId,
        tid: f.na.id,
        oid: f.agent.id,
        sub: f.agent.id,
        scp: "access_as_user",
        azp: f.na.app.clientId,
        idtyp: "user",
        ver: "2.0",
        preferred_username: f.agent.userPrincipalName,
        name: f.agent.displayName,
      });
    } finally {
      f.ctx.settings.apiTokenVersion = 1;
    }
  });

  it("accepts api://{clientId}/.default", async () => {
    expect((await ropc("contosopartner.com", f.agent.userPrincipalName, "Passw0rd!", `api://${f.na.app.clientId}/.default`)).status).toBe(200);
  });

  it("rejects a wrong password (AADSTS50126)", async () => {
    expectAadError(await ropc(f.na.id, f.agent.userPrincipalName, "nope"), 400, "invalid_grant", 50126);
  });

  it("rejects an unknown user (AADSTS50034)", async () => {
    expectAadError(await ropc(f.na.id, "nobody@contosopartner.onmicrosoft.com", "x"), 400, "invalid_grant", 50034);
  });
});

describe("issueAgentApiToken", () => {
  it("issues the API token claims.md describes, by UPN or id", async () => {
    const { access_token, expires_in } = await issueAgentApiToken(f.ctx, f.euAgent.userPrincipalName.toUpperCase());
    expect(expires_in).toBe(3599);
    expect(decodeJwt(access_token)).toMatchObject({
      iss: `https://sts.windows.net/${f.eu.id}/`,
      aud: `api://${f.eu.app.clientId}`,
      tid: f.eu.id,
      oid: f.euAgent.id,
      scp: "access_as_user",
      idtyp: "user",
      ver: "1.0",
    });
    await expect(issueAgentApiToken(f.ctx, "ghost@example.com")).rejects.toThrow();
  });
});
