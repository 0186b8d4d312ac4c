import { decodeJwt } from "jose";
import { GRAPH_SCOPE, HttpsKit, raw, type PartnerInfo } from "./httpsKit";

/**
 * The control routes that make the built-in cloud as strict as Microsoft where a partner's first day
 * is decided: GDAP APIs refusing a partner, customers known only from /contracts, and application
 * permissions narrower than the app's consent. Driven through the real MSAL and Graph client.
 */
let kit: HttpsKit;
let na: PartnerInfo;

beforeAll(async () => {
  kit = await HttpsKit.start();
  na = (await kit.partners()).find((p) => p.region === "NA")!;
});
afterAll(async () => kit?.close());

/** A fresh app-only Graph token of the NA app in a tenant (skipCache: a token is fixed at issuance). */
async function tokenIn(tenantId: string): Promise<string> {
  const r = await kit.cca(na.app).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], authority: kit.authority(tenantId), skipCache: true });
  return r!.accessToken;
}

describe("PUT /partners/{region}/gdap-api", () => {
  afterEach(async () => void (await kit.control("PUT", "/partners/NA/gdap-api", { available: true })));

  it.each([
    [403, "Authorization_RequestDenied"],
    [400, "BadRequest"],
    [404, "Request_ResourceNotFound"],
  ])("answers both GDAP lists of the partner tenant with %s %s in Graph's error shape, and /contracts as before", async (status, code) => {
    await kit.control("PUT", "/partners/NA/gdap-api", { available: false, status });
    const token = await tokenIn(na.tenantId);
    const graph = kit.graph(async () => token);
    for (const path of ["/tenantRelationships/delegatedAdminCustomers", "/tenantRelationships/delegatedAdminRelationships"]) {
      const res = await raw(graph.api(path));
      expect(res.status).toBe(status);
      expect(res.body.error).toMatchObject({ code, innerError: { "request-id": res.headers["request-id"] } });
    }
    expect((await raw(graph.api("/contracts"))).status).toBe(200);
  });

  it("refuses a status Graph would not send for it", async () => {
    await expect(kit.control("PUT", "/partners/NA/gdap-api", { available: false, status: 500 })).rejects.toThrow(/400/);
  });
});

describe("POST /customers with gdap false", () => {
  it("creates a customer listed by /contracts only, with no GDAP relationship to date it", async () => {
    const created = await kit.control<{ id: string; dap: boolean; gdap: boolean }>("POST", "/customers", {
      region: "NA",
      displayName: "Only Contracts GmbH",
      gdap: false,
      propagationSeconds: 0,
    });
    expect(created).toMatchObject({ dap: true, gdap: false });
    const graph = kit.graph(async () => tokenIn(na.tenantId));
    const contracts = await graph.api("/contracts").top(999).get();
    expect(contracts.value.filter((c: any) => c.customerId === created.id)).toEqual([expect.objectContaining({ displayName: "Only Contracts GmbH" })]);
    const gdapCustomers = await graph.api("/tenantRelationships/delegatedAdminCustomers").top(300).get();
    expect(gdapCustomers.value.map((c: any) => c.tenantId)).not.toContain(created.id);
    const relationships = await graph.api("/tenantRelationships/delegatedAdminRelationships").top(300).get();
    expect(relationships.value.map((r: any) => r.customer.tenantId)).not.toContain(created.id);
  });

  it("refuses a customer with neither a contract nor a GDAP relationship", async () => {
    await expect(kit.control("POST", "/customers", { region: "NA", gdap: false, dap: false })).rejects.toThrow(/400/);
  });
});

describe("PUT /partners/{region}/app-permissions", () => {
  afterEach(async () => {
    await kit.control("PUT", "/partners/NA/app-permissions", { applicationPermissions: null });
    for (const c of na.customers) await kit.control("PUT", "/partners/NA/app-permissions", { customerId: c.id, applicationPermissions: null });
  });

  it("puts the customer's grant, else the region's, into tokens issued from then on; Graph checks the token", async () => {
    const [one, other] = na.customers;
    const consented = decodeJwt(await tokenIn(one.id)).roles as string[];
    expect(consented).toEqual(expect.arrayContaining(["Directory.Read.All", "Group.Read.All"]));

    await kit.control("PUT", "/partners/NA/app-permissions", { applicationPermissions: ["User.Read.All", "Device.Read.All"] });
    await kit.control("PUT", "/partners/NA/app-permissions", { customerId: one.id, applicationPermissions: ["User.Read.All"] });
    const oneToken = await tokenIn(one.id);
    expect(decodeJwt(oneToken).roles).toEqual(["User.Read.All"]);
    expect(decodeJwt(await tokenIn(other.id)).roles).toEqual(["User.Read.All", "Device.Read.All"]);
    // The partner tenant's own grant is unchanged: its lists still answer.
    expect(decodeJwt(await tokenIn(na.tenantId)).roles).toEqual(consented);

    const graph = kit.graph(async () => oneToken);
    expect((await raw(graph.api("/users").top(1))).status).toBe(200);
    const groups = await raw(graph.api("/groups").top(1));
    expect(groups.status).toBe(403);
    expect(groups.body.error.code).toBe("Authorization_RequestDenied");

    // Granted later: the token issued before still lacks it; a new one has it.
    await kit.control("PUT", "/partners/NA/app-permissions", { customerId: one.id, applicationPermissions: ["User.Read.All", "Group.Read.All"] });
    expect((await raw(graph.api("/groups").top(1))).status).toBe(403);
    expect(
      (
        await raw(
          kit
            .graph(() => tokenIn(one.id))
            .api("/groups")
            .top(1),
        )
      ).status,
    ).toBe(200);
  });

  it("refuses a customer of another region and a malformed list", async () => {
    const eu = (await kit.partners()).find((p) => p.region === "EU")!;
    await expect(kit.control("PUT", "/partners/NA/app-permissions", { customerId: eu.customers[0].id, applicationPermissions: [] })).rejects.toThrow(/404/);
    await expect(kit.control("PUT", "/partners/NA/app-permissions", { applicationPermissions: "User.Read.All" })).rejects.toThrow(/400/);
  });
});
