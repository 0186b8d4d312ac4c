import { ConfigError, loadConfig, parseAppCallers, parsePartnerConfig } from "../../src/config";

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

  it("refuses a port outside TCP's range and a log level pino does not have, naming the variable", () => {
    expect(() => loadConfig({ PORT: "70000" })).toThrow("PORT must be a TCP port (0 to 65535), got '70000'");
    expect(() => loadConfig({ EMULATOR_PORT: "65536" })).toThrow(ConfigError);
    expect(loadConfig({ PORT: "65535" }).port).toBe(65535);
    expect(() => loadConfig({ LOG_LEVEL: "verbose" })).toThrow("LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'");
    expect(loadConfig({ LOG_LEVEL: "debug" }).logLevel).toBe("debug");
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

describe("parseAppCallers", () => {
  const partners = parsePartnerConfig({ partnerTenants: [partner("NA"), partner("EU", "33333333-3333-3333-3333-333333333333")] });
  const APP = "44444444-4444-4444-4444-444444444444";

  it("is optional: without it an app caller reaches its own partner tenant's region only", () => {
    expect(parseAppCallers({ partnerTenants: [] }, partners)).toEqual([]);
  });

  it("accepts configured regions, normalised", () => {
    expect(parseAppCallers({ appCallers: [{ appId: APP.toUpperCase(), regions: ["eu", "EU"] }] }, partners)).toEqual([{ appId: APP, regions: ["EU"] }]);
  });

  it("refuses a region no partner tenant serves, a bad app id, a repeated app and an empty list, naming the field", () => {
    expect(() => parseAppCallers({ appCallers: [{ appId: APP, regions: ["AS"] }] }, partners)).toThrow("PARTNER_CONFIG appCallers[0].regions[0] must be the region of a configured partner tenant, got 'AS'");
    expect(() => parseAppCallers({ appCallers: [{ appId: "svc", regions: ["EU"] }] }, partners)).toThrow("appCallers[0].appId must be a client id");
    expect(() => parseAppCallers({ appCallers: [{ appId: APP, regions: ["EU"] }, { appId: APP, regions: ["NA"] }] }, partners)).toThrow("appears twice");
    expect(() => parseAppCallers({ appCallers: [{ appId: APP, regions: [] }] }, partners)).toThrow(ConfigError);
    expect(() => parseAppCallers({ appCallers: {} }, partners)).toThrow("appCallers must be an array");
  });
});
