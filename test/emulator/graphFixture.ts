import { createPublicKey, createSign, createVerify, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import type { EmulatorContext, EmulatorSettings } from "../../emulator/context";
import { Counters } from "../../emulator/counters";
import {
  Roles,
  type Agent,
  type CustomerTenant,
  type Dataset,
  type GdapRelationship,
  type GraphObject,
  type PartnerTenant,
  type TenantDirectory,
} from "../../emulator/data/model";
import { FaultInjector } from "../../emulator/faults";
import type { EmuRequest, EmuResponse } from "../../emulator/http";
import type { SigningKeys } from "../../emulator/identity/keys";
import type { TenantRef, World } from "../../emulator/world";

/**
 * A small hand-built world for the Graph emulator tests: one partner (NA) with its app and agents,
 * and customers whose directories are written out by hand so navigation answers are exact.
 *
 * The real World and SigningKeys are used when they load; under jest, `jose` (ESM only) and a
 * missing data/seed.ts can stop that, so a stand-in with the same methods takes their place.
 */
export const BASE_URL = "https://127.0.0.1:8443";

// ---------------------------------------------------------------------------------------------
// Keys: the real SigningKeys when jest can load jose, else an RS256 signer with the same surface.

type Keys = Pick<SigningKeys, "sign" | "verify">;

class TestKeys implements Keys {
  private readonly kid = randomUUID();
  constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
  ) {}
  static generate(): TestKeys {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    return new TestKeys(privateKey, createPublicKey(publicKey));
  }
  async sign(claims: Record<string, unknown>): Promise<string> {
    const head = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: this.kid })).toString("base64url");
    const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
    const sig = createSign("RSA-SHA256").update(`${head}.${body}`).sign(this.privateKey).toString("base64url");
    return `${head}.${body}.${sig}`;
  }
  /** Mirrors jose's checks and error codes (what the emulator maps to Graph's 401 messages). */
  async verify(token: string): Promise<Record<string, unknown>> {
    const fail = (code: string) => Object.assign(new Error(code), { code });
    const parts = token.split(".");
    if (parts.length !== 3) throw fail("ERR_JWS_INVALID");
    const ok = createVerify("RSA-SHA256").update(`${parts[0]}.${parts[1]}`).verify(this.publicKey, Buffer.from(parts[2]!, "base64url"));
    if (!ok) throw fail("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp === "number" && claims.exp <= now) throw fail("ERR_JWT_EXPIRED");
    if (typeof claims.nbf === "number" && claims.nbf > now) throw fail("ERR_JWT_CLAIM_VALIDATION_FAILED");
    return claims;
  }
}

/** One key pair per test file: RSA generation dominates the fixture's cost. */
let sharedKeys: Promise<Keys> | undefined;
function makeKeys(): Promise<Keys> {
  return (sharedKeys ??= loadKeys());
}

async function loadKeys(): Promise<Keys> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("../../emulator/identity/keys") as typeof import("../../emulator/identity/keys");
    return await m.SigningKeys.generate();
  } catch {
    return TestKeys.generate();
  }
}

// ---------------------------------------------------------------------------------------------
// World: the same lookups as emulator/world.ts over hand-written directories.

class StubWorld {
  constructor(
    readonly dataset: Dataset,
    private readonly dirs: Map<string, TenantDirectory>,
  ) {}
  tenant(idOrDomain: string): TenantRef | undefined {
    const k = idOrDomain.toLowerCase();
    const p = this.dataset.partners.find((x) => x.id === k || x.domains.includes(k));
    if (p) return { kind: "partner", tenant: p };
    const c = this.dataset.customers.find((x) => x.id === k || x.domains.includes(k));
    return c ? { kind: "customer", tenant: c } : undefined;
  }
  customer(id: string) {
    const t = this.tenant(id);
    return t?.kind === "customer" ? t.tenant : undefined;
  }
  partner(id: string) {
    const t = this.tenant(id);
    return t?.kind === "partner" ? t.tenant : undefined;
  }
  app(clientId: string) {
    const p = this.dataset.partners.find((x) => x.app.clientId === clientId.toLowerCase());
    return p ? { partner: p, app: p.app } : undefined;
  }
  agent(idOrUpn: string) {
    const k = idOrUpn.toLowerCase();
    for (const partner of this.dataset.partners) {
      const agent = partner.agents.find((a) => a.id === k || a.userPrincipalName.toLowerCase() === k);
      if (agent) return { partner, agent };
    }
    return undefined;
  }
  customersOf(partnerTenantId: string) {
    return this.dataset.customers.filter((c) => c.partnerTenantId === partnerTenantId);
  }
  directory(id: string): TenantDirectory {
    const d = this.dirs.get(id.toLowerCase());
    if (!d) throw new Error(`no customer tenant ${id}`);
    return d;
  }
}

// ---------------------------------------------------------------------------------------------
// Data

const gid = (tag: string, n: number) => `${tag}${String(n).padStart(7, "0")}-0000-4000-8000-000000000000`.slice(0, 36);

export const PARTNER_ID = "11111111-1111-4111-8111-111111111111";
export const APP_ID = "a0000000-0000-4000-8000-00000000a001";
export const OTHER_APP_ID = "b0000000-0000-4000-8000-00000000b001";

export const C1 = "c1000000-0000-4000-8000-000000000001"; // GDAP, Intune, 150 users
export const C2 = "c2000000-0000-4000-8000-000000000002"; // still propagating
export const C3 = "c3000000-0000-4000-8000-000000000003"; // DAP only, no Intune
export const C4 = "c4000000-0000-4000-8000-000000000004"; // GDAP relationship expired

export const agents = {
  reader: agentOf("a1", "reader@partner.onmicrosoft.com", { [C1]: [Roles.GlobalReader], [C4]: [Roles.GlobalReader] }),
  helpdesk: agentOf("a2", "helpdesk@partner.onmicrosoft.com", { [C1]: [Roles.HelpdeskAdministrator] }),
  nobody: agentOf("a3", "nobody@partner.onmicrosoft.com", {}),
  dap: agentOf("a4", "dap@partner.onmicrosoft.com", {}, true),
  /** Granted Global Admin in C1, but no live relationship grants it. */
  unbacked: agentOf("a5", "unbacked@partner.onmicrosoft.com", { [C1]: [Roles.GlobalAdministrator] }),
};

function agentOf(tag: string, upn: string, gdapRoles: Record<string, string[]>, adminAgent = false): Agent {
  return { id: gid(tag, 1), partnerTenantId: PARTNER_ID, userPrincipalName: upn, displayName: upn.split("@")[0]!, password: "x", adminAgent, gdapRoles };
}

function partnerTenant(): PartnerTenant {
  return {
    id: PARTNER_ID,
    displayName: "Contoso Partner",
    region: "NA",
    defaultDomain: "partner.onmicrosoft.com",
    domains: ["partner.onmicrosoft.com"],
    agents: Object.values(agents),
    adminAgentsGroupId: gid("aa", 1),
    appInAdminAgents: true,
    app: {
      clientId: APP_ID,
      displayName: "Partner Graph",
      servicePrincipalId: gid("5b", 1),
      clientSecret: "s",
      certificatePublicKeyPem: "",
      certificatePrivateKeyPem: "",
      certificateThumbprintSha256: "",
      certificateThumbprintSha1: "",
      applicationPermissions: ["Directory.Read.All"],
      delegatedPermissions: ["Directory.Read.All"],
    },
  };
}

function relationship(customerId: string, name: string, status: GdapRelationship["status"], roles: string[]): GdapRelationship {
  return {
    id: `${gid("ee", 1)}-${customerId}`,
    displayName: `${name}-gdap`,
    duration: "P730D",
    status,
    autoExtendDuration: "P180D",
    createdDateTime: "2024-01-01T00:00:00Z",
    lastModifiedDateTime: "2024-01-02T00:00:00Z",
    activatedDateTime: status === "active" ? "2024-01-02T00:00:00Z" : null,
    endDateTime: "2026-01-01T00:00:00Z",
    customer: { tenantId: customerId, displayName: name },
    roleDefinitionIds: roles,
  };
}

function contractOf(customerId: string, displayName: string): CustomerTenant["contract"] {
  return {
    id: `${customerId.slice(0, 30)}cccccc`,
    contractType: "ResellerPartner",
    defaultDomainName: `${customerId.slice(0, 2)}.onmicrosoft.com`,
    displayName,
  };
}

function customerTenant(id: string, name: string, extra: Partial<CustomerTenant>): CustomerTenant {
  return {
    id,
    displayName: name,
    region: "NA",
    defaultDomain: `${name}.onmicrosoft.com`,
    domains: [`${name}.onmicrosoft.com`],
    countryLetterCode: "US",
    createdDateTime: "2024-01-01T00:00:00Z",
    partnerTenantId: PARTNER_ID,
    dap: false,
    gdapRelationships: [],
    propagatedAt: 0,
    intuneLicensed: true,
    sizes: { users: 0, groups: 0, devices: 0, managedDevices: 0 },
    ...extra,
  };
}

/** User n of a tenant: ids and names carry the tenant's tag so a leak between tenants shows. */
export const userId = (tag: string, n: number) => gid(`${tag}u`, n);
export const groupId = (tag: string, n: number) => gid(`${tag}g`, n);
export const deviceId = (tag: string, n: number) => gid(`${tag}d`, n);
export const managedId = (tag: string, n: number) => gid(`${tag}m`, n);

/**
 * A directory: `users` users; group 1 has members user 1, user 2, device 1 and group 2 (owner
 * user 1); group 2 has member user 3; device 1 is owned by user 1; user 2's manager is user 1;
 * managed device 1 belongs to user 1.
 */
function directory(tag: string, tenantId: string, domain: string, users: number): TenantDirectory {
  const u: GraphObject[] = [];
  for (let n = 1; n <= users; n++) {
    u.push({
      id: userId(tag, n),
      displayName: `${tag} User ${n}`,
      givenName: tag,
      surname: `User ${n}`,
      userPrincipalName: `user${n}@${domain}`,
      mail: `user${n}@${domain}`,
      accountEnabled: true,
      businessPhones: [],
      jobTitle: null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: "en-US",
      userType: "Member",
    });
  }
  const g: GraphObject[] = [1, 2].map((n) => ({
    id: groupId(tag, n),
    displayName: `${tag} Group ${n}`,
    groupTypes: [],
    securityEnabled: true,
    mailEnabled: false,
    mailNickname: `${tag}g${n}`,
    assignedLicenses: [],
  }));
  const d: GraphObject[] = [
    {
      id: deviceId(tag, 1),
      deviceId: `${tag}-aad-device-1`,
      displayName: `${tag}-LAPTOP-1`,
      accountEnabled: true,
      operatingSystem: "Windows",
      operatingSystemVersion: "10.0.22631",
      trustType: "AzureAd",
    },
  ];
  const m: GraphObject[] = [
    {
      id: managedId(tag, 1),
      userId: userId(tag, 1),
      deviceName: `${tag}-LAPTOP-1`,
      azureADDeviceId: `${tag}-aad-device-1`,
      operatingSystem: "Windows",
      complianceState: "compliant",
      userPrincipalName: `user1@${domain}`,
    },
  ];
  const byId = new Map<string, GraphObject>();
  for (const o of [...u, ...g, ...d]) byId.set(o.id, o);
  return {
    tenantId,
    organization: { id: tenantId, displayName: domain, verifiedDomains: [{ name: domain, isDefault: true, isInitial: true, type: "Managed" }] },
    users: u,
    groups: g,
    devices: d,
    managedDevices: m,
    byId,
    usersByUpn: new Map(u.map((x) => [String(x.userPrincipalName).toLowerCase(), x])),
    members: new Map([
      [g[0]!.id, [userId(tag, 1), userId(tag, 2), deviceId(tag, 1), groupId(tag, 2)]],
      [g[1]!.id, [userId(tag, 3)]],
    ]),
    owners: new Map([[g[0]!.id, [userId(tag, 1)]]]),
    memberOf: new Map([
      [userId(tag, 1), [groupId(tag, 1)]],
      [userId(tag, 2), [groupId(tag, 1)]],
      [deviceId(tag, 1), [groupId(tag, 1)]],
      [groupId(tag, 2), [groupId(tag, 1)]],
      [userId(tag, 3), [groupId(tag, 2)]],
    ]),
    manager: new Map([[userId(tag, 2), userId(tag, 1)]]),
    registeredOwners: new Map([[deviceId(tag, 1), [userId(tag, 1)]]]),
    registeredUsers: new Map([[deviceId(tag, 1), [userId(tag, 1)]]]),
    ownedDevices: new Map([[userId(tag, 1), [deviceId(tag, 1)]]]),
    registeredDevices: new Map([[userId(tag, 1), [deviceId(tag, 1)]]]),
  };
}

// ---------------------------------------------------------------------------------------------
// Context, tokens, requests

export interface GraphFixture {
  ctx: EmulatorContext;
  clock: { now: number };
  partner: PartnerTenant;
  customers: Record<"c1" | "c2" | "c3" | "c4", CustomerTenant>;
  keys: Keys;
}

export async function graphFixture(settings: Partial<EmulatorSettings> = {}): Promise<GraphFixture> {
  const clock = { now: Date.now() };
  const partner = partnerTenant();
  const all = [Roles.GlobalReader, Roles.HelpdeskAdministrator, Roles.IntuneAdministrator];
  const customers = {
    c1: customerTenant(C1, "c1", {
      contract: contractOf(C1, "c1 Inc. (old name)"),
      gdapRelationships: [relationship(C1, "c1", "active", all)],
      sizes: { users: 150, groups: 2, devices: 1, managedDevices: 1 },
    }),
    c2: customerTenant(C2, "c2", { propagatedAt: clock.now + 180_000, sizes: { users: 5, groups: 2, devices: 1, managedDevices: 1 } }),
    c3: customerTenant(C3, "c3", {
      contract: contractOf(C3, "c3"),
      dap: true,
      intuneLicensed: false,
      sizes: { users: 5, groups: 2, devices: 1, managedDevices: 1 },
    }),
    c4: customerTenant(C4, "c4", {
      gdapRelationships: [relationship(C4, "c4", "expired", all)],
      sizes: { users: 5, groups: 2, devices: 1, managedDevices: 1 },
    }),
  };
  const dataset: Dataset = { partners: [partner], customers: Object.values(customers) };
  const dirs = new Map<string, TenantDirectory>([
    [C1, directory("c1", C1, "c1.onmicrosoft.com", 150)],
    [C2, directory("c2", C2, "c2.onmicrosoft.com", 5)],
    [C3, directory("c3", C3, "c3.onmicrosoft.com", 5)],
    [C4, directory("c4", C4, "c4.onmicrosoft.com", 5)],
  ]);
  const keys = await makeKeys();
  const ctx: EmulatorContext = {
    world: new StubWorld(dataset, dirs) as unknown as World,
    keys: keys as SigningKeys,
    counters: new Counters(),
    faults: new FaultInjector(),
    settings: {
      propagationSeconds: 180,
      throttling: false,
      throttleScale: 1,
      batchLimit: "enforce",
      tokenLifetimeSeconds: 3599,
      apiTokenVersion: 1,
      ...settings,
    },
    baseUrl: BASE_URL,
    now: () => clock.now,
  };
  return { ctx, clock, partner, customers, keys };
}

const nowSec = () => Math.floor(Date.now() / 1000);

/** An app-only Graph token (claims.md): `roles` as given (absent when empty). */
export function appToken(
  f: GraphFixture,
  tid: string,
  roles: string[] = ["Directory.Read.All", "DeviceManagementManagedDevices.Read.All", "DelegatedAdminRelationship.Read.All"],
  opts: { iat?: number; exp?: number; aud?: string; appId?: string } = {},
): Promise<string> {
  const iat = opts.iat ?? nowSec();
  const claims: Record<string, unknown> = {
    aud: opts.aud ?? "https://graph.microsoft.com",
    iss: `https://sts.windows.net/${tid}/`,
    iat,
    nbf: Math.min(iat, nowSec()) - 60,
    exp: opts.exp ?? nowSec() + 3599,
    ver: "1.0",
    tid,
    appid: opts.appId ?? f.partner.app.clientId,
    appidacr: "1",
    idtyp: "app",
    oid: f.partner.app.servicePrincipalId,
    sub: f.partner.app.servicePrincipalId,
    uti: randomUUID(),
  };
  if (roles.length) claims.roles = roles;
  return f.keys.sign(claims);
}

/** A delegated token of an agent in a tenant. */
export function agentToken(f: GraphFixture, tid: string, agent: Agent, scp = "Directory.Read.All DeviceManagementManagedDevices.Read.All"): Promise<string> {
  const iat = nowSec();
  return f.keys.sign({
    aud: "https://graph.microsoft.com",
    iss: `https://sts.windows.net/${tid}/`,
    iat,
    nbf: iat - 60,
    exp: iat + 3599,
    ver: "1.0",
    tid,
    appid: f.partner.app.clientId,
    appidacr: "1",
    idtyp: "user",
    oid: agent.id,
    sub: agent.id,
    scp,
    idp: `https://sts.windows.net/${agent.partnerTenantId}/`,
    upn: agent.userPrincipalName,
    unique_name: agent.userPrincipalName,
    name: agent.displayName,
    uti: randomUUID(),
  });
}

export function request(
  method: string,
  pathOrUrl: string,
  token: string | undefined,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
): EmuRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
  if (token) headers.authorization = `Bearer ${token}`;
  const body = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts.body));
  if (opts.body !== undefined) headers["content-type"] ??= "application/json";
  return { method, url: new URL(pathOrUrl, BASE_URL), headers, body, remoteAddress: "127.0.0.1" };
}

/** Typed access to a JSON body. */
export function body<T = Record<string, any>>(res: EmuResponse): T {
  return res.body as T;
}
