import { Agent, fetch } from "undici";
import {
  CustomerGdapAndUserDocument,
  CustomerGdapStatusDocument,
  CustomersGdapRelationshipsDocument,
  CustomersGdapStatusDocument,
} from "../__generated__/operations";
import { startHarness, type Harness } from "../helpers/harness";

/**
 * The GDAP lists are extra detail, /contracts is the base (docs/design.md §1): a partner tenant whose GDAP
 * APIs refuse (an app without DelegatedAdminRelationship.Read.All, a DAP-only partner, a cloud without
 * the API) still lists its contract customers, and only their GDAP part fails.
 */
describe("customers when the GDAP APIs refuse a region", () => {
  let h: Harness;
  let eu: { id: string; customers: Array<{ id: string; displayName: string; dap: boolean; gdap: boolean }> };
  beforeAll(async () => {
    // Listings are not reused between tests here: each test switches the GDAP APIs its own way.
    h = await startHarness({ env: { CUSTOMER_LIST_TTL_SECONDS: "0" } });
    const tenants = await h.control<{
      partners: Array<{ id: string; region: string }>;
      customers: Array<{ id: string; displayName: string; region: string; dap: boolean; gdap: boolean }>;
    }>("GET", "/tenants");
    eu = { id: tenants.partners.find((p) => p.region === "EU")!.id, customers: tenants.customers.filter((c) => c.region === "EU") };
  });
  afterAll(async () => h?.close());
  afterEach(async () => void (await h.control("PUT", "/partners/EU/gdap-api", { available: true })));

  it("makes the emulator answer the GDAP lists with Graph's 403 Authorization_RequestDenied", async () => {
    await h.control("PUT", "/partners/EU/gdap-api", { available: false });
    const p = h.config.partnerTenants.find((t) => t.region === "EU")!;
    const dispatcher = new Agent({ connect: { ca: h.emulator.caCert } });
    try {
      const token = await fetch(`${h.emulator.url}/${p.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        dispatcher,
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: p.app.clientId,
          client_secret: p.app.clientSecret!,
          scope: `${h.emulator.url}/.default`,
        }),
      }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
      for (const list of ["delegatedAdminCustomers", "delegatedAdminRelationships"]) {
        const res = await fetch(`${h.emulator.url}/v1.0/tenantRelationships/${list}`, { dispatcher, headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(403);
        const body = (await res.json()) as { error: unknown };
        expect(body.error).toMatchObject({
          code: "Authorization_RequestDenied",
          message: expect.any(String),
          innerError: { "request-id": expect.any(String), date: expect.any(String) },
        });
      }
      const contracts = await fetch(`${h.emulator.url}/v1.0/contracts`, { dispatcher, headers: { authorization: `Bearer ${token}` } });
      expect(contracts.status).toBe(200);
    } finally {
      await dispatcher.close();
    }
  });

  it("lists the region's contract customers, with a typed error at relationship.gdap only", async () => {
    await h.control("PUT", "/partners/EU/gdap-api", { available: false });
    const r = await h.run(CustomersGdapRelationshipsDocument);
    const nodes = r.body.data!.customers.nodes;
    const euNodes = nodes.filter((n) => n.region === "EU");
    const contractIds = eu.customers
      .filter((c) => c.dap)
      .map((c) => c.id)
      .sort();
    expect(contractIds.length).toBeGreaterThan(0);
    expect(euNodes.map((n) => n.id).sort()).toEqual(contractIds);
    // Other regions keep their GDAP details.
    expect(nodes.some((n) => n.region === "NA" && n.relationship!.gdap!.length > 0)).toBe(true);

    const errors = r.body.errors ?? [];
    expect(errors.filter((e) => e.path!.length <= 1)).toEqual([]);
    expect(errors).toHaveLength(euNodes.length);
    for (const e of errors) {
      const node = nodes[e.path![2] as number]!;
      expect(node.region).toBe("EU");
      expect(e.path).toEqual(["customers", "nodes", e.path![2], "relationship", "gdap"]);
      expect(node.relationship!.gdap).toBeNull();
      expect(e.extensions).toMatchObject({
        code: "CONSENT_MISSING",
        tenantId: eu.id,
        reason: "GDAP_API_DENIED",
        requiredPermissions: ["DelegatedAdminRelationship.Read.All"],
      });
    }
  });

  it("answers customer(id) of such a region with its data; users are read as ever", async () => {
    await h.control("PUT", "/partners/EU/gdap-api", { available: false });
    const target = eu.customers.find((c) => c.dap && c.gdap)!;
    const r = await h.run(CustomerGdapAndUserDocument, { id: target.id });
    expect(r.body.data!.customer).toMatchObject({ id: target.id, users: { nodes: [expect.any(Object)] } });
    expect(r.body.errors!.map((e) => [e.path!.join("."), e.extensions!.code])).toEqual([["customer.relationship.gdap", "CONSENT_MISSING"]]);
  });

  it("does the same for an agent of that region (on-behalf-of)", async () => {
    await h.control("PUT", "/partners/EU/gdap-api", { available: false });
    const { access_token } = await h.control<{ access_token: string }>("POST", "/agents/token", { agent: "reader@fabrikampartnerseu.onmicrosoft.com" });
    const r = await h.run(CustomersGdapStatusDocument, {}, { authorization: `Bearer ${access_token}` });
    const nodes = r.body.data!.customers.nodes;
    expect(nodes.map((n) => n.id).sort()).toEqual(
      eu.customers
        .filter((c) => c.dap)
        .map((c) => c.id)
        .sort(),
    );
    expect(r.body.errors).toHaveLength(nodes.length);
    for (const e of r.body.errors!)
      expect([e.path!.slice(3).join("."), e.extensions!.code, e.extensions!.reason]).toEqual(["relationship.gdap", "CONSENT_MISSING", "GDAP_API_DENIED"]);
  });

  it.each([400, 404])("names a cloud without the GDAP API (Graph answers %s) as such, not as the client's input", async (status) => {
    await h.control("PUT", "/partners/EU/gdap-api", { available: false, status });
    const target = eu.customers.find((c) => c.dap)!;
    const r = await h.run(CustomerGdapStatusDocument, { id: target.id });
    expect(r.body.data!.customer!.displayName).toEqual(expect.any(String));
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "NOT_FOUND", reason: "GDAP_API_NOT_AVAILABLE", tenantId: eu.id });
  });
});
