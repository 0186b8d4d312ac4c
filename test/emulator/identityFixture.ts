import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import type { EmulatorContext } from "../../emulator/context";
import { Counters } from "../../emulator/counters";
import type { Agent, CustomerTenant, Dataset, PartnerApp, PartnerTenant, Region } from "../../emulator/data/model";
import { FaultInjector } from "../../emulator/faults";
import type { EmuRequest } from "../../emulator/http";
import { SigningKeys } from "../../emulator/identity/keys";
import { World } from "../../emulator/world";

/**
 * A tiny hand-built world for identity tests: two regional partners (NA, EU), each with its app and
 * agents, and NA/EU customers. No directories are generated (World only seeds those lazily).
 */
export const BASE_URL = "https://127.0.0.1:8443";
export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

export interface TestApp extends PartnerApp {
  privateKey: KeyObject;
}

export interface Fixture {
  ctx: EmulatorContext;
  clock: { now: number };
  na: PartnerTenant & { app: TestApp };
  eu: PartnerTenant & { app: TestApp };
  naCustomer: CustomerTenant;
  euCustomer: CustomerTenant;
  newCustomer: CustomerTenant;
  agent: Agent;
  mfaAgent: Agent;
  euAgent: Agent;
}

// RSA key generation dominates the run time; keys are made once per test file and reused by the
// fresh fixture every test builds.
const keyPairs = new Map<string, ReturnType<typeof rsa>>();
function rsa() {
  return generateKeyPairSync("rsa", { modulusLength: 2048 });
}
function keyPair(tag: string): ReturnType<typeof rsa> {
  let k = keyPairs.get(tag);
  if (!k) keyPairs.set(tag, (k = rsa()));
  return k;
}
let signingKeys: Promise<SigningKeys> | undefined;

function app(tag: string): TestApp {
  const { publicKey, privateKey } = keyPair(tag);
  const der = publicKey.export({ type: "spki", format: "der" });
  return {
    clientId: `${tag}0000000-0000-4000-8000-00000000a99`.slice(0, 36),
    displayName: `Partner Graph (${tag.toUpperCase()})`,
    servicePrincipalId: `${tag}0000000-0000-4000-8000-00000000051`.slice(0, 36),
    clientSecret: `secret-${tag}`,
    certificatePublicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    certificatePrivateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certificateThumbprintSha256: createHash("sha256").update(der).digest("base64url"),
    certificateThumbprintSha1: createHash("sha1").update(der).digest("base64url"),
    applicationPermissions: ["User.Read.All", "Group.Read.All", "Device.Read.All"],
    delegatedPermissions: ["User.Read.All", "Directory.Read.All"],
    privateKey,
  };
}

function agent(partnerTenantId: string, id: string, upn: string, extra: Partial<Agent> = {}): Agent {
  return { id, partnerTenantId, userPrincipalName: upn, displayName: upn.split("@")[0]!, password: "Passw0rd!", adminAgent: true, gdapRoles: {}, ...extra };
}

function partner(tag: "na" | "eu", region: Region): PartnerTenant & { app: TestApp } {
  const id = tag === "na" ? "11111111-1111-4111-8111-111111111111" : "22222222-2222-4222-8222-222222222222";
  const domain = tag === "na" ? "contosopartner" : "fabrikampartner";
  return {
    id,
    displayName: `${domain} ${region}`,
    region,
    defaultDomain: `${domain}.onmicrosoft.com`,
    domains: [`${domain}.onmicrosoft.com`, `${domain}.com`],
    app: app(tag === "na" ? "a" : "b"),
    agents: [],
    adminAgentsGroupId: `${id.slice(0, 30)}aaaaaa`,
    appInAdminAgents: true,
  };
}

function customer(id: string, name: string, region: Region, partnerTenantId: string, propagatedAt: number): CustomerTenant {
  return {
    id,
    displayName: name,
    region,
    defaultDomain: `${name}.onmicrosoft.com`,
    domains: [`${name}.onmicrosoft.com`, `${name}.com`],
    countryLetterCode: region === "EU" ? "DE" : "US",
    createdDateTime: new Date(T0 - 86_400_000).toISOString(),
    partnerTenantId,
    dap: true,
    gdapRelationships: [],
    propagatedAt,
    intuneLicensed: true,
    sizes: { users: 1, groups: 1, devices: 1, managedDevices: 0 },
  };
}

export async function buildFixture(): Promise<Fixture> {
  const na = partner("na", "NA");
  const eu = partner("eu", "EU");
  const a = agent(na.id, "aaaaaaaa-0000-4000-8000-000000000001", "alice@contosopartner.onmicrosoft.com");
  const m = agent(na.id, "aaaaaaaa-0000-4000-8000-000000000002", "mallory@contosopartner.onmicrosoft.com", { mfaRequired: true });
  const e = agent(eu.id, "bbbbbbbb-0000-4000-8000-000000000001", "erik@fabrikampartner.onmicrosoft.com");
  na.agents.push(a, m);
  eu.agents.push(e);
  const naCustomer = customer("33333333-3333-4333-8333-333333333333", "northwind", "NA", na.id, T0 - 3_600_000);
  const euCustomer = customer("44444444-4444-4444-8444-444444444444", "adatum", "EU", eu.id, T0 - 3_600_000);
  const newCustomer = customer("55555555-5555-4555-8555-555555555555", "tailspin", "NA", na.id, T0 + 180_000);
  const dataset: Dataset = { partners: [na, eu], customers: [naCustomer, euCustomer, newCustomer] };
  const clock = { now: T0 };
  const ctx: EmulatorContext = {
    world: new World(dataset),
    keys: await (signingKeys ??= SigningKeys.generate()),
    counters: new Counters(),
    faults: new FaultInjector(),
    settings: { propagationSeconds: 180, throttling: true, throttleScale: 1, batchLimit: "enforce", tokenLifetimeSeconds: 3599, apiTokenVersion: 1 },
    baseUrl: BASE_URL,
    now: () => clock.now,
  };
  return { ctx, clock, na, eu, naCustomer, euCustomer, newCustomer, agent: a, mfaAgent: m, euAgent: e };
}

export function request(method: string, path: string, init: { form?: Record<string, string>; headers?: Record<string, string> } = {}): EmuRequest {
  return {
    method,
    url: new URL(path, BASE_URL),
    headers: { ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...init.headers },
    body: Buffer.from(init.form ? new URLSearchParams(init.form).toString() : ""),
    remoteAddress: "127.0.0.1",
  };
}

/** A private_key_jwt client assertion as MSAL builds one (ClientAssertion.createJwt). */
export async function clientAssertion(
  a: TestApp,
  aud: string,
  opts: { alg?: "RS256" | "PS256"; key?: KeyObject; iat?: number; lifetime?: number; header?: Record<string, string> } = {},
): Promise<string> {
  const alg = opts.alg ?? "PS256";
  const iat = opts.iat ?? Math.floor(T0 / 1000);
  const header = opts.header ?? (alg === "PS256" ? { "x5t#S256": a.certificateThumbprintSha256 } : { x5t: a.certificateThumbprintSha1 });
  return new SignJWT({ jti: "4b2d1f0e-1111-4222-8333-444455556666" })
    .setProtectedHeader({ alg, typ: "JWT", ...header })
    .setAudience(aud)
    .setIssuer(a.clientId)
    .setSubject(a.clientId)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (opts.lifetime ?? 600))
    .sign(opts.key ?? a.privateKey);
}
