import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadSettings, parseAppCallers, parsePartnerConfig, productionSwitches, type Config } from "../../src/config";

const TENANT = "11111111-1111-1111-1111-111111111111";
const CLIENT = "22222222-2222-2222-2222-222222222222";
const partner = (region: string, app: Record<string, unknown> = { clientId: CLIENT, clientSecret: "s" }, tenantId = TENANT) => ({ region, tenantId, app });
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
};
/** 32 bytes in base64, as `openssl rand -base64 32` prints them. */
const KEY = Buffer.alloc(32, 7).toString("base64");
const OLD = Buffer.alloc(32, 9);
const dir = mkdtempSync(join(tmpdir(), "partner-graph-config-rules-"));

describe("loadSettings: every variable by its rule (zod), named in the refusal", () => {
  it("names the variable, the rule and the value", () => {
    expect(refusal(() => loadSettings({ OPERATION_TIMEOUT_MS: "soon" }))).toBe("OPERATION_TIMEOUT_MS must be a non-negative integer, got 'soon'");
    expect(refusal(() => loadSettings({ GRAPHQL_INTROSPECTION: "yes" }))).toBe("GRAPHQL_INTROSPECTION must be true or false, got 'yes'");
    expect(refusal(() => loadSettings({ GRAPHQL_LANDING_PAGE: "studio" }))).toBe("GRAPHQL_LANDING_PAGE must be sandbox or off, got 'studio'");
    expect(refusal(() => loadSettings({ GRAPH_BUDGET_SCALE: "-1" }))).toBe("GRAPH_BUDGET_SCALE must be a non-negative number, got '-1'");
    expect(refusal(() => loadSettings({ GRAPH_ENDPOINT: "graph" }))).toBe("GRAPH_ENDPOINT must be a URL, got 'graph'");
  });

  it("accepts only plain decimal integers: no exponent, sign, fraction or spaces that Number() would take", () => {
    for (const v of ["1e3", "+80", "80.0", " 80", "0x50"])
      expect(refusal(() => loadSettings({ PORT: v }))).toBe(`PORT must be a non-negative integer, got '${v}'`);
  });

  it("names every wrong variable at once", () => {
    const message = refusal(() => loadSettings({ PORT: "70000", LOG_LEVEL: "verbose", MAX_OPERATION_DEPTH: "0" }));
    expect(message.split("; ")).toEqual([
      "PORT must be a TCP port (0 to 65535), got '70000'",
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'",
      "MAX_OPERATION_DEPTH must be at least 1, got '0'",
    ]);
  });

  it("never echoes a secret's value", () => {
    const short = refusal(() => loadSettings({ CURSOR_SECRET: "hunter2-but-short" }));
    expect(short).toBe("CURSOR_SECRET must be at least 32 characters");
    const redis = refusal(() => loadSettings({ REDIS_URL: "http://user:p4ssw0rd@cache:6379" }));
    expect(redis).toBe("REDIS_URL must be a redis:// or rediss:// URL");
    expect(loadSettings({ REDIS_URL: "rediss://user:p4ssw0rd@cache:6380", REDIS_ENCRYPTION_KEY: KEY }).redisUrl).toBe("rediss://user:p4ssw0rd@cache:6380");
    const key = refusal(() => loadSettings({ REDIS_ENCRYPTION_KEY: "c2hvcnQta2V5" }));
    expect(key).toBe("REDIS_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32)");
    expect(refusal(() => loadSettings({ REDIS_ENCRYPTION_KEYS_OLD: `${KEY},c2hvcnQta2V5` }))).toBe(
      "REDIS_ENCRYPTION_KEYS_OLD must be a comma-separated list of keys, each must be 32 random bytes in base64 (openssl rand -base64 32)",
    );
  });

  it("requires REDIS_ENCRYPTION_KEY whenever REDIS_URL is set, in every mode: a key per process could not open another replica's values", () => {
    expect(refusal(() => loadSettings({ REDIS_URL: "redis://cache:6379" }))).toBe(
      "REDIS_ENCRYPTION_KEY is required with REDIS_URL: 32 random bytes in base64 (openssl rand -base64 32), the same for every replica",
    );
    expect(loadSettings({}).redisEncryptionKey).toBeUndefined();
  });

  it("reads the encryption keys as bytes, old ones for rotation, base64 or base64url", () => {
    const s = loadSettings({ REDIS_URL: "redis://cache:6379", REDIS_ENCRYPTION_KEY: KEY, REDIS_ENCRYPTION_KEYS_OLD: ` ${OLD.toString("base64url")} , ${KEY}` });
    expect(s.redisEncryptionKey).toEqual(Buffer.from(KEY, "base64"));
    expect(s.redisEncryptionKeysOld).toEqual([OLD, Buffer.from(KEY, "base64")]);
    expect(loadSettings({}).redisEncryptionKeysOld).toEqual([]);
    expect([loadSettings({}).redisKeyPrefix, loadSettings({}).redisTimeoutMs]).toEqual(["partner-graph:", 250]);
  });

  it("refuses an EXTRA_CA_FILE it cannot read or that holds no certificate, naming it", () => {
    expect(refusal(() => loadSettings({ EXTRA_CA_FILE: join(dir, "missing.pem") }))).toMatch(/^EXTRA_CA_FILE must be a readable file \(ENOENT\), got '/);
    writeFileSync(join(dir, "key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    expect(refusal(() => loadSettings({ EXTRA_CA_FILE: join(dir, "key.pem") }))).toMatch(/^EXTRA_CA_FILE must be a PEM file with at least one certificate/);
  });

  it("takes an empty variable as unset", () => {
    const s = loadSettings({ PORT: "", LOG_LEVEL: "", GRAPH_ENDPOINT: "", GRAPHQL_INTROSPECTION: "" });
    expect([s.port, s.logLevel, s.graphEndpoint, s.introspection]).toEqual([4000, "info", "https://graph.microsoft.com", undefined]);
  });

  it("has the operations settings: readiness cache, shutdown delay and bound, the switches unset", () => {
    const s = loadSettings({});
    expect([s.readinessCacheMs, s.shutdownDelayMs, s.shutdownTimeoutMs]).toEqual([10_000, 0, 28_000]);
    expect([s.introspection, s.suggestions, s.landingPage, s.nodeEnvProduction]).toEqual([undefined, undefined, undefined, false]);
    expect(loadSettings({ NODE_ENV: "production" }).nodeEnvProduction).toBe(true);
    expect(loadSettings({ NODE_ENV: "test" }).nodeEnvProduction).toBe(false);
  });

  it("refuses a shutdown delay that leaves nothing of the bound for draining", () => {
    expect(refusal(() => loadSettings({ SHUTDOWN_DELAY_MS: "5000", SHUTDOWN_TIMEOUT_MS: "5000" }))).toBe(
      "SHUTDOWN_DELAY_MS must be less than SHUTDOWN_TIMEOUT_MS, got 5000 and 5000",
    );
    expect(loadSettings({ SHUTDOWN_DELAY_MS: "1000", SHUTDOWN_TIMEOUT_MS: "5000" }).shutdownDelayMs).toBe(1000);
  });
});

describe("productionSwitches", () => {
  const config = (over: Partial<Config>): Config => ({ ...loadSettings({}), partnerTenants: [], appCallers: [], demoMode: true, ...over });

  it("are open in the demo and closed in production: the production entry or NODE_ENV=production", () => {
    expect(productionSwitches(config({}))).toEqual({ introspection: true, suggestions: true, landingPage: "sandbox" });
    expect(productionSwitches(config({ demoMode: false }))).toEqual({ introspection: false, suggestions: false, landingPage: "off" });
    expect(productionSwitches(config({ nodeEnvProduction: true }))).toEqual({ introspection: false, suggestions: false, landingPage: "off" });
  });

  it("follow each variable that is set, whatever the mode", () => {
    const env = { NODE_ENV: "production", GRAPHQL_INTROSPECTION: "true", GRAPHQL_SUGGESTIONS: "true", GRAPHQL_LANDING_PAGE: "sandbox" };
    expect(productionSwitches(config({ ...loadSettings(env), demoMode: false }))).toEqual({ introspection: true, suggestions: true, landingPage: "sandbox" });
    expect(productionSwitches(config(loadSettings({ GRAPHQL_INTROSPECTION: "false", GRAPHQL_LANDING_PAGE: "off" })))).toEqual({
      introspection: false,
      suggestions: true,
      landingPage: "off",
    });
  });
});

describe("PARTNER_CONFIG by its schema (zod), each refusal naming the field by its path", () => {
  it("names the path and the rule of every wrong field", () => {
    const message = refusal(() => parsePartnerConfig({ partnerTenants: [{ region: "", tenantId: "contoso", app: { clientId: 7, clientSecret: "s" } }] }));
    expect(message.split("; ")).toEqual([
      "PARTNER_CONFIG partnerTenants[0].region is required",
      "PARTNER_CONFIG partnerTenants[0].tenantId must be a tenant id (GUID)",
      "PARTNER_CONFIG partnerTenants[0].app.clientId must be a GUID",
    ]);
    expect(refusal(() => parsePartnerConfig([]))).toBe("PARTNER_CONFIG must be a JSON object");
    expect(refusal(() => parsePartnerConfig({ partnerTenants: [] }))).toBe("PARTNER_CONFIG partnerTenants must be a non-empty array");
    expect(refusal(() => parsePartnerConfig({ partnerTenants: [{ region: "NA", tenantId: TENANT }] }))).toBe(
      "PARTNER_CONFIG partnerTenants[0].app is required",
    );
  });

  it("refuses one region twice whatever its case (the apps are looked up upper-cased)", () => {
    expect(refusal(() => parsePartnerConfig({ partnerTenants: [partner("NA"), partner("na")] }))).toBe(
      "PARTNER_CONFIG partnerTenants[1].region na appears twice (one partner tenant per region)",
    );
  });

  it("names a clientSecretEnv that is not set, and never echoes a secret", () => {
    expect(refusal(() => parsePartnerConfig({ partnerTenants: [partner("NA", { clientId: CLIENT, clientSecretEnv: "NA_APP_SECRET" })] }, {}))).toBe(
      "PARTNER_CONFIG partnerTenants[0].app.clientSecretEnv names NA_APP_SECRET, which is not set",
    );
    const [p] = parsePartnerConfig({ partnerTenants: [partner("NA", { clientId: CLIENT, clientSecretEnv: "NA_APP_SECRET" })] }, { NA_APP_SECRET: "from-env" });
    expect(p!.app.clientSecret).toBe("from-env");
    const secret = "s3cr3t-value-never-echoed";
    const message = refusal(() => parsePartnerConfig({ partnerTenants: [partner("NA", { clientId: "not-a-guid", clientSecret: secret })] }));
    expect(message).not.toContain(secret);
  });

  it("refuses a certificate without a SHA-256 thumbprint or with a key file it cannot read, instead of ignoring it", () => {
    const thumbprint = "ab".repeat(32);
    expect(
      refusal(() => parsePartnerConfig({ partnerTenants: [partner("NA", { clientId: CLIENT, certificate: { thumbprintSha1: "ab", privateKeyPem: "k" } })] })),
    ).toBe("PARTNER_CONFIG partnerTenants[0].app.certificate.thumbprintSha256 is required");
    expect(
      refusal(() =>
        parsePartnerConfig({
          partnerTenants: [partner("NA", { clientId: CLIENT, certificate: { thumbprintSha256: thumbprint, privateKeyFile: join(dir, "none.key") } })],
        }),
      ),
    ).toBe("PARTNER_CONFIG partnerTenants[0].app.certificate.privateKeyFile cannot be read (ENOENT)");
    writeFileSync(join(dir, "app.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    const [p] = parsePartnerConfig({
      partnerTenants: [partner("NA", { clientId: CLIENT, certificate: { thumbprintSha256: thumbprint, privateKeyFile: join(dir, "app.key") } })],
    });
    expect(p!.app).toEqual({
      clientId: CLIENT,
      clientSecret: undefined,
      certificate: { thumbprintSha256: thumbprint, privateKeyPem: expect.stringContaining("PRIVATE KEY") },
    });
  });

  it("keeps the fields it does not know out of the result (the emulator's config carries defaultDomain)", () => {
    const [p] = parsePartnerConfig({ partnerTenants: [{ ...partner("NA"), displayName: "Contoso NA", defaultDomain: "contoso.example" }] });
    expect(p).toEqual({ region: "NA", tenantId: TENANT, displayName: "Contoso NA", app: { clientId: CLIENT, clientSecret: "s", certificate: undefined } });
  });

  it("checks appCallers by path too", () => {
    const partners = parsePartnerConfig({ partnerTenants: [partner("NA")] });
    expect(refusal(() => parseAppCallers({ appCallers: [{ appId: CLIENT, regions: "NA" }] }, partners))).toBe(
      "PARTNER_CONFIG appCallers[0].regions must be a non-empty array of regions",
    );
    expect(refusal(() => parseAppCallers({ appCallers: [null] }, partners))).toBe("PARTNER_CONFIG appCallers[0] must be an object");
  });
});
