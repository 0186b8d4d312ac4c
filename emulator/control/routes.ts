import type { EmulatorContext, EmulatorSettings } from "../context";
import type { FaultConfig, LatencyConfig } from "../faults";
import type { Region } from "../data/model";
import { json, jsonBody, type EmuRequest, type EmuResponse } from "../http";
import { issueAgentApiToken } from "../identity";
import { resetThrottling } from "../graph";

const REGIONS: readonly Region[] = ["NA", "EU", "AS", "OC"];

/**
 * The control API for tests, benchmarks and the demo, under /_emulator/. Loopback callers only:
 * it hands out secrets and rewires the cloud, which nothing outside this machine may do.
 */
export async function handleControl(req: EmuRequest, ctx: EmulatorContext): Promise<EmuResponse> {
  if (!isLoopback(req.remoteAddress)) return json(403, { error: "control API is reachable from loopback only" });
  const path = req.url.pathname.replace(/^\/_emulator/, "");
  const key = `${req.method} ${path}`;
  const body = (jsonBody(req) ?? {}) as Record<string, unknown>;

  switch (key) {
    case "GET /health":
      return json(200, { status: "ok" });
    case "GET /counters":
      return json(200, ctx.counters.snapshot());
    case "POST /counters/reset":
      ctx.counters.reset();
      return json(200, ctx.counters.snapshot());
    case "GET /settings":
      return json(200, ctx.settings);
    case "PUT /settings":
      return updateSettings(ctx, body);
    case "GET /latency":
      return json(200, ctx.faults.latency);
    case "PUT /latency":
      ctx.faults.setLatency(body as Partial<LatencyConfig>);
      return json(200, ctx.faults.latency);
    case "GET /faults":
      return json(200, ctx.faults.config);
    case "PUT /faults":
      ctx.faults.configure(body as Partial<FaultConfig>);
      return json(200, ctx.faults.config);
    case "POST /reset":
      // Back to a quiet cloud: no faults, no latency, empty counters, full throttle buckets.
      ctx.faults.reset();
      ctx.counters.reset();
      resetThrottling(ctx);
      return json(200, { status: "reset" });
    case "POST /throttling/reset":
      resetThrottling(ctx);
      return json(200, { status: "reset" });
    case "GET /tenants":
      return json(200, tenantSummary(ctx));
    case "GET /partner-config":
      return json(200, partnerConfig(ctx));
    case "POST /customers":
      return createCustomer(ctx, body);
    case "POST /agents/token": {
      const agent = String(body.agent ?? "");
      if (!ctx.world.agent(agent)) return json(404, { error: `unknown agent '${agent}'` });
      return json(200, await issueAgentApiToken(ctx, agent));
    }
  }
  const preConsent = /^PUT \/partners\/([A-Z]{2})\/pre-consent$/.exec(key);
  if (preConsent) return setPreConsent(ctx, preConsent[1] as Region, body);
  const gdapApi = /^PUT \/partners\/([A-Z]{2})\/gdap-api$/.exec(key);
  if (gdapApi) return setGdapApi(ctx, gdapApi[1] as Region, body);
  const permissions = /^PUT \/partners\/([A-Z]{2})\/app-permissions$/.exec(key);
  if (permissions) return setAppPermissions(ctx, permissions[1] as Region, body);
  return json(404, { error: `no control route ${key}` });
}

function isLoopback(address: string): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

function updateSettings(ctx: EmulatorContext, body: Record<string, unknown>): EmuResponse {
  const s: Partial<EmulatorSettings> = {};
  if (typeof body.propagationSeconds === "number" && body.propagationSeconds >= 0) s.propagationSeconds = body.propagationSeconds;
  if (typeof body.throttling === "boolean") s.throttling = body.throttling;
  if (typeof body.throttleScale === "number" && body.throttleScale > 0) s.throttleScale = body.throttleScale;
  if (body.batchLimit === "enforce" || body.batchLimit === "lenient") s.batchLimit = body.batchLimit;
  if (body.filterSupport === "documented" || body.filterSupport === "lenient") s.filterSupport = body.filterSupport;
  if (typeof body.tokenLifetimeSeconds === "number" && body.tokenLifetimeSeconds > 0) s.tokenLifetimeSeconds = body.tokenLifetimeSeconds;
  if (body.apiTokenVersion === 1 || body.apiTokenVersion === 2) s.apiTokenVersion = body.apiTokenVersion;
  Object.assign(ctx.settings, s);
  return json(200, ctx.settings);
}

function createCustomer(ctx: EmulatorContext, body: Record<string, unknown>): EmuResponse {
  const region = String(body.region ?? "NA") as Region;
  if (!REGIONS.includes(region) || !ctx.world.partnerForRegion(region)) return json(400, { error: `no partner tenant serves region '${region}'` });
  const seconds = typeof body.propagationSeconds === "number" ? body.propagationSeconds : ctx.settings.propagationSeconds;
  const gdap = body.gdap !== false;
  const dap = typeof body.dap === "boolean" ? body.dap : !gdap;
  if (!gdap && !dap) return json(400, { error: "a customer needs a GDAP relationship or a DAP contract" });
  const customer = ctx.world.createCustomer({
    region,
    displayName: typeof body.displayName === "string" ? body.displayName : undefined,
    propagationMs: seconds * 1000,
    now: ctx.now(),
    gdap,
    dap,
  });
  return json(201, { ...customerSummary(customer), propagatedAt: new Date(customer.propagatedAt).toISOString() });
}

function setPreConsent(ctx: EmulatorContext, region: Region, body: Record<string, unknown>): EmuResponse {
  const partner = ctx.world.partnerForRegion(region);
  if (!partner) return json(404, { error: `no partner tenant serves region '${region}'` });
  partner.appInAdminAgents = body.enabled !== false;
  return json(200, { region, appInAdminAgents: partner.appInAdminAgents });
}

/**
 * Makes the region's GDAP APIs refuse its partner tenant, as Graph does for an app without
 * DelegatedAdminRelationship.Read.All or a DAP-only partner (403 Authorization_RequestDenied), or a
 * cloud without the API (400 / 404). `{"available": true}` restores them.
 */
function setGdapApi(ctx: EmulatorContext, region: Region, body: Record<string, unknown>): EmuResponse {
  const partner = ctx.world.partnerForRegion(region);
  if (!partner) return json(404, { error: `no partner tenant serves region '${region}'` });
  const status = body.status ?? 403;
  if (status !== 400 && status !== 403 && status !== 404) return json(400, { error: "status must be 400, 403 or 404" });
  partner.gdapApiDenial = body.available === false ? status : undefined;
  return json(200, { region, available: partner.gdapApiDenial === undefined, status: partner.gdapApiDenial ?? null });
}

/**
 * Sets the application permissions the region's app holds in one customer (`customerId`) or in all its
 * customers; `null` goes back to what the app was consented. Tokens carry the permissions of their
 * issuance, as Entra's do: a token acquired before the change keeps the old ones.
 */
function setAppPermissions(ctx: EmulatorContext, region: Region, body: Record<string, unknown>): EmuResponse {
  const partner = ctx.world.partnerForRegion(region);
  if (!partner) return json(404, { error: `no partner tenant serves region '${region}'` });
  const raw = body.applicationPermissions;
  if (raw !== null && !(Array.isArray(raw) && raw.every((p) => typeof p === "string"))) {
    return json(400, { error: "applicationPermissions must be an array of permission names, or null" });
  }
  const permissions = raw === null ? undefined : [...(raw as string[])];
  if (body.customerId === undefined) {
    partner.customerAppPermissions = permissions;
    return json(200, { region, applicationPermissions: permissions ?? partner.app.applicationPermissions });
  }
  const customer = ctx.world.customer(String(body.customerId));
  if (!customer || customer.partnerTenantId !== partner.id) return json(404, { error: `no customer '${String(body.customerId)}' in region '${region}'` });
  customer.appPermissions = permissions;
  return json(200, { region, customerId: customer.id, applicationPermissions: ctx.world.appPermissionsIn(customer) });
}

function customerSummary(c: EmulatorContext["world"]["dataset"]["customers"][number]) {
  return {
    id: c.id,
    displayName: c.displayName,
    region: c.region,
    defaultDomain: c.defaultDomain,
    domains: c.domains,
    partnerTenantId: c.partnerTenantId,
    dap: c.dap,
    gdap: c.gdapRelationships.length > 0,
    sizes: c.sizes,
    createdDateTime: c.createdDateTime,
  };
}

function tenantSummary(ctx: EmulatorContext) {
  return {
    partners: ctx.world.dataset.partners.map((p) => ({
      id: p.id,
      displayName: p.displayName,
      region: p.region,
      defaultDomain: p.defaultDomain,
      appClientId: p.app.clientId,
      appInAdminAgents: p.appInAdminAgents,
      agents: p.agents.map((a) => ({ id: a.id, userPrincipalName: a.userPrincipalName, displayName: a.displayName, adminAgent: a.adminAgent })),
    })),
    customers: ctx.world.dataset.customers.map(customerSummary),
  };
}

/**
 * The subgraph's PARTNER_CONFIG for this cloud: one partner tenant and app registration per region,
 * with the app's secret and certificate. This is how `npm start` and the tests configure the API.
 */
export function partnerConfig(ctx: EmulatorContext) {
  return {
    partnerTenants: ctx.world.dataset.partners.map((p) => ({
      region: p.region,
      tenantId: p.id,
      displayName: p.displayName,
      defaultDomain: p.defaultDomain,
      app: {
        clientId: p.app.clientId,
        clientSecret: p.app.clientSecret,
        // MSAL takes the thumbprint in hex, as the Azure portal shows it.
        certificate: {
          thumbprintSha256: Buffer.from(p.app.certificateThumbprintSha256, "base64url").toString("hex"),
          privateKeyPem: p.app.certificatePrivateKeyPem,
        },
      },
    })),
  };
}
