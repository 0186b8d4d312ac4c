import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, loadSettings, parseAppCallers, parsePartnerConfig } from "../../src/config";

const partner = (region: string, tenantId = "11111111-1111-1111-1111-111111111111") => ({
  region,
  tenantId,
  app: { clientId: "22222222-2222-2222-2222-222222222222", clientSecret: "s" },
});

describe("loadConfig (the production entry's)", () => {
  it("refuses to start without PARTNER_CONFIG, naming it: no fake cloud, no app-only fallback", () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "4000" })).toThrow(/^PARTNER_CONFIG is required/);
  });

  it("reads the partner tenants from PARTNER_CONFIG, never in demo mode", () => {
    const file = join(mkdtempSync(join(tmpdir(), "partner-graph-config-")), "partner.json");
    writeFileSync(file, JSON.stringify({ partnerTenants: [partner("NA")] }));
    const c = loadConfig({ PARTNER_CONFIG: file });
    expect(c.demoMode).toBe(false);
    expect(c.partnerTenants.map((p) => p.region)).toEqual(["NA"]);
    expect(c.appCallers).toEqual([]);
  });

  it("names the PARTNER_CONFIG it cannot read", () => {
    expect(() => loadConfig({ PARTNER_CONFIG: "/nonexistent.json" })).toThrow(/PARTNER_CONFIG: cannot read/);
  });
});

describe("loadSettings", () => {
  it("has the defaults without any variable", () => {
    const c = loadSettings({});
    expect(c.port).toBe(4000);
    expect(c.graphEndpoint).toBe("https://graph.microsoft.com");
  });

  it("refuses http endpoints, which MSAL and the Graph client would refuse or strip tokens from", () => {
    expect(() => loadSettings({ GRAPH_ENDPOINT: "http://127.0.0.1:1" })).toThrow("GRAPH_ENDPOINT must be an https URL");
    expect(() => loadSettings({ AUTHORITY_HOST: "http://login" })).toThrow(ConfigError);
  });

  it("names the variable that is wrong", () => {
    expect(() => loadSettings({ PORT: "eighty" })).toThrow("PORT must be a non-negative integer, got 'eighty'");
  });

  it("refuses a port outside TCP's range and a log level pino does not have, naming the variable", () => {
    expect(() => loadSettings({ PORT: "70000" })).toThrow("PORT must be a TCP port (0 to 65535), got '70000'");
    expect(() => loadSettings({ EMULATOR_PORT: "65536" })).toThrow(ConfigError);
    expect(loadSettings({ PORT: "65535" }).port).toBe(65535);
    expect(() => loadSettings({ LOG_LEVEL: "verbose" })).toThrow("LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'");
    expect(loadSettings({ LOG_LEVEL: "debug" }).logLevel).toBe("debug");
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
    expect(() => parsePartnerConfig({ partnerTenants: [{ ...partner("NA"), app: { clientId: "22222222-2222-2222-2222-222222222222" } }] })).toThrow(
      "needs clientSecret",
    );
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
    expect(() => parseAppCallers({ appCallers: [{ appId: APP, regions: ["AS"] }] }, partners)).toThrow(
      "PARTNER_CONFIG appCallers[0].regions[0] must be the region of a configured partner tenant, got 'AS'",
    );
    expect(() => parseAppCallers({ appCallers: [{ appId: "svc", regions: ["EU"] }] }, partners)).toThrow("appCallers[0].appId must be a client id");
    expect(() =>
      parseAppCallers(
        {
          appCallers: [
            { appId: APP, regions: ["EU"] },
            { appId: APP, regions: ["NA"] },
          ],
        },
        partners,
      ),
    ).toThrow("appears twice");
    expect(() => parseAppCallers({ appCallers: [{ appId: APP, regions: [] }] }, partners)).toThrow(ConfigError);
    expect(() => parseAppCallers({ appCallers: {} }, partners)).toThrow("appCallers must be an array");
  });
});
