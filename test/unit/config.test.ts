import { ConfigError, loadConfig, parsePartnerConfig } from "../../src/config";

const partner = (region: string, tenantId = "11111111-1111-1111-1111-111111111111") => ({
  region,
  tenantId,
  app: { clientId: "22222222-2222-2222-2222-222222222222", clientSecret: "s" },
});

describe("loadConfig", () => {
  it("runs in demo mode without PARTNER_CONFIG", () => {
    const c = loadConfig({});
    expect(c.demoMode).toBe(true);
    expect(c.port).toBe(4000);
    expect(c.graphEndpoint).toBe("https://graph.microsoft.com");
  });

  it("refuses http endpoints, which MSAL and the Graph client would refuse or strip tokens from", () => {
    expect(() => loadConfig({ GRAPH_ENDPOINT: "http://127.0.0.1:1" })).toThrow("GRAPH_ENDPOINT must be an https URL");
    expect(() => loadConfig({ AUTHORITY_HOST: "http://login" })).toThrow(ConfigError);
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow("PORT must be a non-negative integer, got 'eighty'");
    expect(() => loadConfig({ PARTNER_CONFIG: "/nonexistent.json" })).toThrow(/PARTNER_CONFIG: cannot read/);
  });
});

describe("parsePartnerConfig", () => {
  it("accepts one partner tenant per region", () => {
    const list = parsePartnerConfig({ partnerTenants: [partner("NA"), partner("EU", "33333333-3333-3333-3333-333333333333")] });
    expect(list.map((p) => p.region)).toEqual(["NA", "EU"]);
  });

  it("refuses two partner tenants for one region", () => {
    expect(() => parsePartnerConfig({ partnerTenants: [partner("NA"), partner("NA")] })).toThrow("region NA appears twice");
  });

  it("refuses an app without credentials", () => {
    expect(() => parsePartnerConfig({ partnerTenants: [{ ...partner("NA"), app: { clientId: "22222222-2222-2222-2222-222222222222" } }] })).toThrow("needs clientSecret");
  });
});
