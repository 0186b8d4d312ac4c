import { createHash, generateKeyPair, X509Certificate } from "node:crypto";
import { promisify } from "node:util";
import { seededRandom } from "../faults";
import { generateDirectory } from "./directory";
import { base64url, DAY_MS, Draw, EPOCH_MS, guid, hash32, iso, pad } from "./ids";
import {
  Roles,
  type Agent,
  type CustomerTenant,
  type Dataset,
  type DirectorySizes,
  type GdapRelationship,
  type GdapStatus,
  type PartnerApp,
  type PartnerTenant,
  type Region,
} from "./model";
import { COMPANIES, REGION_COUNTRIES, REGIONS } from "./names";

export { generateDirectory };

/**
 * The seeded world: one partner tenant per region (NA, EU, AS, OC), each with a partner-managed app
 * and five agents, and the customers each one manages. Everything is a function of `seed` except
 * the app certificates' key pairs, which are generated fresh (and cached for the process, since
 * RSA key generation dominates the cost of a reset).
 *
 * Demo sign-in (every agent's password is DEMO_PASSWORD, "Passw0rd!demo"), for region xx in
 * na/eu/as/oc:
 *   admin@fabrikampartnersxx.onmicrosoft.com     AdminAgents (DAP) + GDAP Global Administrator
 *   helpdesk@fabrikampartnersxx.onmicrosoft.com  GDAP Helpdesk Administrator + Directory Readers
 *   intune@fabrikampartnersxx.onmicrosoft.com    GDAP Intune Administrator + Directory Readers
 *   reader@fabrikampartnersxx.onmicrosoft.com    GDAP Global Reader
 *   mfa@fabrikampartnersxx.onmicrosoft.com       GDAP Global Reader, must pass MFA (OBO fails with AADSTS50079)
 * GDAP roles apply in every customer whose relationship is active or expiring; DAP-only customers
 * are reachable by the admin agent alone.
 */

export interface SeedOptions {
  preset?: "demo" | "scale-customers" | "scale-users";
  customersPerRegion?: number;
  seed?: string;
}

export const DEFAULT_SEED = "partner-graph";
export const DEMO_PASSWORD = "Passw0rd!demo";

/** Graph application permissions (app roles) consented for the partner apps. */
export const APPLICATION_PERMISSIONS: readonly string[] = [
  "Directory.Read.All",
  "User.Read.All",
  "Group.Read.All",
  "Device.Read.All",
  "DeviceManagementManagedDevices.Read.All",
  "Organization.Read.All",
  "DelegatedAdminRelationship.Read.All",
];

/**
 * App roles this API defines in each partner-managed app's registration, and grants to the app's own
 * service principal (a partner service calling the API app-only). Mirrors src/auth's required role.
 */
export const API_APP_ROLES: readonly string[] = ["PartnerGraph.Read.All"];

/** Graph delegated permissions (scopes) consented for the partner apps. */
export const DELEGATED_PERMISSIONS: readonly string[] = [
  "Directory.Read.All",
  "User.Read.All",
  "Group.Read.All",
  "Device.Read.All",
  "DeviceManagementManagedDevices.Read.All",
  "DelegatedAdminRelationship.Read.All",
];

/** The roles every GDAP relationship of the seeded world grants; agents get subsets. */
const RELATIONSHIP_ROLES: readonly string[] = [
  Roles.GlobalAdministrator,
  Roles.GlobalReader,
  Roles.DirectoryReaders,
  Roles.HelpdeskAdministrator,
  Roles.IntuneAdministrator,
  Roles.UserAdministrator,
  Roles.GroupsAdministrator,
  Roles.CloudDeviceAdministrator,
];

/** Roles of the default relationships Microsoft created in its DAP-to-GDAP transition (MLT_*). */
const MLT_ROLES: readonly string[] = [Roles.DirectoryReaders, Roles.GlobalReader, Roles.HelpdeskAdministrator, Roles.UserAdministrator];

interface AgentSpec {
  alias: string;
  title: string;
  adminAgent: boolean;
  roles: readonly string[];
  mfaRequired?: boolean;
}

const AGENTS: readonly AgentSpec[] = [
  { alias: "admin", title: "Admin", adminAgent: true, roles: [Roles.GlobalAdministrator] },
  { alias: "helpdesk", title: "Helpdesk", adminAgent: false, roles: [Roles.HelpdeskAdministrator, Roles.DirectoryReaders] },
  { alias: "intune", title: "Intune", adminAgent: false, roles: [Roles.IntuneAdministrator, Roles.DirectoryReaders] },
  { alias: "reader", title: "Reader", adminAgent: false, roles: [Roles.GlobalReader] },
  { alias: "mfa", title: "MFA Reader", adminAgent: false, roles: [Roles.GlobalReader], mfaRequired: true },
];

const EFFECTIVE: ReadonlySet<GdapStatus> = new Set<GdapStatus>(["active", "expiring"]);

export async function generateDataset(options: SeedOptions = {}): Promise<Dataset> {
  const seed = options.seed ?? DEFAULT_SEED;
  const preset = options.preset ?? "demo";
  const perRegion = options.customersPerRegion ?? (preset === "scale-customers" ? 250 : 8);
  const small = preset === "scale-customers";

  const partners = await Promise.all(REGIONS.map((region) => partnerTenant(seed, region)));
  const customers: CustomerTenant[] = [];
  for (const partner of partners) {
    for (let i = 0; i < perRegion; i++) customers.push(seededCustomer(seed, partner, i, small ? "small" : "demo"));
  }
  if (preset === "scale-users") {
    const na = partners.find((p) => p.region === "NA")!;
    customers.push(seededCustomer(seed, na, perRegion, "huge"));
  }
  return { partners, customers };
}

// --- partner tenants ---------------------------------------------------------------------------

async function partnerTenant(seed: string, region: Region): Promise<PartnerTenant> {
  const r = region.toLowerCase();
  const id = guid(`${seed}/partner/${region}`);
  const defaultDomain = `fabrikampartners${r}.onmicrosoft.com`;
  const clientId = guid(`${seed}/partner/${region}/app`);
  const displayName = `Partner Graph (Fabrikam ${region})`;
  const cert = await certificate(clientId, displayName);
  const secret = base64url(createHash("sha256").update(`${seed}/partner/${region}/secret`).digest());
  const app: PartnerApp = {
    clientId,
    displayName,
    servicePrincipalId: guid(`${seed}/partner/${region}/servicePrincipal`),
    // Entra secrets are 40 characters with "8Q~" at position 3; apps and logs that sniff the format accept these.
    clientSecret: `${secret.slice(0, 3)}8Q~${secret.slice(3, 37)}`,
    certificatePublicKeyPem: cert.publicKeyPem,
    certificatePrivateKeyPem: cert.privateKeyPem,
    certificateThumbprintSha256: cert.sha256,
    certificateThumbprintSha1: cert.sha1,
    certificatePem: cert.certificatePem,
    applicationPermissions: [...APPLICATION_PERMISSIONS],
    delegatedPermissions: [...DELEGATED_PERMISSIONS],
    apiAppRoles: [...API_APP_ROLES],
  };
  const agents: Agent[] = AGENTS.map((a) => ({
    id: guid(`${seed}/partner/${region}/agent/${a.alias}`),
    partnerTenantId: id,
    userPrincipalName: `${a.alias}@${defaultDomain}`,
    displayName: `Fabrikam ${region} ${a.title}`,
    password: DEMO_PASSWORD,
    adminAgent: a.adminAgent,
    gdapRoles: {},
    ...(a.mfaRequired ? { mfaRequired: true } : {}),
  }));
  return {
    id,
    displayName: `Fabrikam Partners ${region}`,
    region,
    defaultDomain,
    domains: [defaultDomain],
    app,
    agents,
    adminAgentsGroupId: guid(`${seed}/partner/${region}/group/AdminAgents`),
    appInAdminAgents: true,
  };
}

interface CertMaterial {
  publicKeyPem: string;
  privateKeyPem: string;
  certificatePem: string;
  sha256: string;
  sha1: string;
}

const certificates = new Map<string, Promise<CertMaterial>>();

/** One certificate per app for the life of the process; a failed generation is not cached. */
function certificate(clientId: string, subject: string): Promise<CertMaterial> {
  let pending = certificates.get(clientId);
  if (!pending) {
    pending = makeCertificate(subject);
    pending.catch(() => certificates.delete(clientId));
    certificates.set(clientId, pending);
  }
  return pending;
}

async function makeCertificate(subject: string): Promise<CertMaterial> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  // Loaded lazily: selfsigned pulls in pkijs, which costs start-up time for every importer of the world.
  const selfsigned = await import("selfsigned");
  const pems = await selfsigned.generate([{ name: "commonName", value: subject }], {
    keyPair: { publicKey, privateKey },
    algorithm: "sha256",
    notBeforeDate: new Date(EPOCH_MS - 365 * DAY_MS),
    notAfterDate: new Date(EPOCH_MS + 3 * 365 * DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", clientAuth: true },
    ],
  });
  // Entra's thumbprints (x5t, x5t#S256) are hashes of the certificate's DER, not of the key.
  const der = new X509Certificate(pems.cert).raw;
  return {
    publicKeyPem: publicKey,
    privateKeyPem: privateKey,
    certificatePem: pems.cert,
    sha256: base64url(createHash("sha256").update(der).digest()),
    sha1: base64url(createHash("sha1").update(der).digest()),
  };
}

// --- customer tenants --------------------------------------------------------------------------

type SizeClass = "demo" | "small" | "huge" | "new";

function sizesFor(d: Draw, size: SizeClass, intuneLicensed: boolean): DirectorySizes {
  let users: number;
  switch (size) {
    case "demo":
      users = d.int(10, 200);
      break;
    case "small":
      users = d.int(8, 14);
      break;
    case "new":
      users = d.int(10, 25);
      break;
    case "huge":
      users = 100_000;
      break;
  }
  const devices = Math.round(users * 0.8);
  return {
    users,
    // Demo directories keep at least the core kinds of group (Microsoft 365, dynamic, nested security).
    groups: Math.max(size === "small" ? 3 : 6, Math.round(users / 5)),
    devices,
    managedDevices: intuneLicensed ? Math.round(devices * 0.7) : 0,
  };
}

/**
 * What kind of partner relationship customer i of a region has. The pattern repeats every eight
 * customers so each region of the demo shows every case once.
 */
interface Profile {
  dap: boolean;
  gdap: "active" | "autoExtend" | "expiring" | "none";
  mlt: boolean;
  pendingRequest: boolean;
  intuneLicensed: boolean;
  staleContract: boolean;
}

function profile(i: number): Profile {
  const base: Profile = { dap: false, gdap: "active", mlt: false, pendingRequest: false, intuneLicensed: true, staleContract: false };
  switch (i % 8) {
    case 0:
      return { ...base, dap: true, staleContract: true };
    case 1:
      return { ...base, gdap: "autoExtend" };
    case 2:
      return { ...base, gdap: "expiring" };
    case 3:
      return { ...base, dap: true, gdap: "none" };
    case 4:
      return { ...base, mlt: true };
    case 5:
      return { ...base, intuneLicensed: false };
    case 6:
      return { ...base, pendingRequest: true };
    default:
      return base;
  }
}

function seededCustomer(seed: string, partner: PartnerTenant, i: number, size: SizeClass): CustomerTenant {
  const region = partner.region;
  const r = region.toLowerCase();
  const d = new Draw(seededRandom(hash32(`${seed}/customer/${region}/${i}`)));
  const p = size === "huge" ? profile(7) : profile(i);
  const [company, slug] = size === "huge" ? ["Contoso Global", "contosoglobal"] : COMPANIES[(i + REGIONS.indexOf(region) * 8) % COMPANIES.length]!;
  const label = `${region}-${pad(i + 1, 3)}`;
  const initialDomain = `${slug}${r}${pad(i + 1, 3)}.onmicrosoft.com`;
  const vanity = i % 3 === 0 ? `${slug}-${r}${pad(i + 1, 3)}.example` : undefined;
  const id = guid(`${seed}/customer/${region}/${i}`);
  const displayName = `${company} (${label})`;
  const created = EPOCH_MS - d.int(365, 8 * 365) * DAY_MS - d.int(0, 86_399) * 1000;

  const relationships: GdapRelationship[] = [];
  const customerRef = { tenantId: id, displayName };
  const relName = `${slug}-${label}`;
  if (p.mlt) {
    const activated = Math.max(created, EPOCH_MS - d.int(800, 1000) * DAY_MS);
    const ended = EPOCH_MS - d.int(200, 400) * DAY_MS;
    relationships.push(
      relationship(seed, id, "mlt", {
        displayName: `MLT_${guid(`${seed}/mlt/${id}`)}`,
        status: "terminated",
        duration: "P730D",
        autoExtendDuration: "PT0S",
        created: activated,
        activated,
        end: ended,
        modified: ended,
        roles: MLT_ROLES,
        customer: customerRef,
      }),
    );
  }
  if (p.gdap !== "none") {
    let activated: number;
    if (p.gdap === "expiring") {
      // Ends 45 days after the epoch: inside Microsoft's 30-day "expiring" window for a while yet.
      activated = EPOCH_MS + 45 * DAY_MS - 730 * DAY_MS;
    } else {
      activated = EPOCH_MS - d.int(60, 500) * DAY_MS;
    }
    activated = Math.max(activated, created + DAY_MS);
    const requested = activated - d.int(1, 5) * DAY_MS;
    relationships.push(
      relationship(seed, id, "default", {
        displayName: `${relName}-Default`,
        status: p.gdap === "expiring" ? "expiring" : "active",
        duration: "P730D",
        autoExtendDuration: p.gdap === "autoExtend" ? "P180D" : "PT0S",
        created: requested,
        activated,
        end: activated + 730 * DAY_MS,
        modified: p.gdap === "expiring" ? EPOCH_MS - 15 * DAY_MS : activated,
        roles: RELATIONSHIP_ROLES,
        customer: customerRef,
      }),
    );
  }
  if (p.pendingRequest) {
    const requested = EPOCH_MS - d.int(1, 10) * DAY_MS;
    relationships.push(
      relationship(seed, id, "request", {
        displayName: `${relName}-UserAdmin`,
        status: "approvalPending",
        duration: "P365D",
        autoExtendDuration: "PT0S",
        created: requested,
        activated: null,
        end: null,
        modified: requested,
        roles: [Roles.UserAdministrator, Roles.GroupsAdministrator],
        customer: customerRef,
      }),
    );
  }

  const customer: CustomerTenant = {
    id,
    displayName,
    region,
    defaultDomain: vanity ?? initialDomain,
    domains: vanity ? [initialDomain, vanity] : [initialDomain],
    countryLetterCode: d.pick(REGION_COUNTRIES[region]),
    createdDateTime: iso(created),
    partnerTenantId: partner.id,
    dap: p.dap,
    gdapRelationships: relationships,
    propagatedAt: 0,
    intuneLicensed: p.intuneLicensed,
    sizes: sizesFor(d, size, p.intuneLicensed),
  };
  if (p.dap) {
    customer.contract = {
      id: guid(`${seed}/contract/${id}`),
      contractType: "ResellerPartner",
      // Copied when the partnership began, before the vanity domain was added and, for some, a rename.
      defaultDomainName: initialDomain,
      displayName: p.staleContract ? `${company} Inc. (${label})` : displayName,
    };
  }
  grantAgentRoles(partner, customer);
  return customer;
}

/**
 * A customer created through the control API: a fresh customer of the partner's region whose
 * relationship began at `createdAt`: a GDAP relationship (active), a DAP contract (listed only by
 * `/contracts`, with no creation time anywhere the partner can read), or both. The caller decides
 * when it has propagated.
 */
export function newCustomerTenant(
  partner: PartnerTenant,
  index: number,
  displayName: string | undefined,
  createdAt: Date,
  kind: { gdap: boolean; dap: boolean } = { gdap: true, dap: false },
): CustomerTenant {
  const region = partner.region;
  const r = region.toLowerCase();
  const id = guid(`${partner.id}/created-customer/${index}`);
  const d = new Draw(seededRandom(hash32(id)));
  const [company, companySlug] = COMPANIES[hash32(`${partner.id}/created-customer/${index}/name`) % COMPANIES.length]!;
  const num = pad(index + 1, 3);
  const name = displayName?.trim() || `${company} (${region}-N${num})`;
  const slug =
    (displayName
      ? name
          .normalize("NFD")
          .replace(/[^A-Za-z0-9]/g, "")
          .toLowerCase()
          .slice(0, 16)
      : companySlug) || "customer";
  // "new" keeps these domains apart from seeded ones ({slug}{region}{nnn}), whose slugs never end in "new".
  const initialDomain = `${slug}new${r}${num}.onmicrosoft.com`;
  const at = createdAt.getTime();
  const customer: CustomerTenant = {
    id,
    displayName: name,
    region,
    defaultDomain: initialDomain,
    domains: [initialDomain],
    countryLetterCode: d.pick(REGION_COUNTRIES[region]),
    createdDateTime: iso(at),
    partnerTenantId: partner.id,
    dap: kind.dap,
    gdapRelationships: [],
    propagatedAt: 0,
    intuneLicensed: true,
    sizes: sizesFor(d, "new", true),
  };
  if (kind.dap) {
    customer.contract = {
      id: guid(`${partner.id}/created-contract/${index}`),
      contractType: "ResellerPartner",
      defaultDomainName: initialDomain,
      displayName: name,
    };
  }
  if (kind.gdap) {
    customer.gdapRelationships.push(
      relationship(partner.id, id, "default", {
        displayName: `${slug}-${region}-N${num}-Default`,
        status: "active",
        duration: "P730D",
        autoExtendDuration: "PT0S",
        created: at,
        activated: at,
        end: at + 730 * DAY_MS,
        modified: at,
        roles: RELATIONSHIP_ROLES,
        customer: { tenantId: id, displayName: name },
      }),
    );
  }
  grantAgentRoles(partner, customer);
  return customer;
}

function relationship(
  seed: string,
  customerId: string,
  kind: string,
  r: {
    displayName: string;
    status: GdapStatus;
    duration: string;
    autoExtendDuration: string;
    created: number;
    activated: number | null;
    end: number | null;
    modified: number;
    roles: readonly string[];
    customer: { tenantId: string; displayName: string };
  },
): GdapRelationship {
  return {
    // Graph's relationship ids are two GUIDs joined by "-".
    id: `${guid(`${seed}/gdap/${customerId}/${kind}/a`)}-${guid(`${seed}/gdap/${customerId}/${kind}/b`)}`,
    displayName: r.displayName,
    duration: r.duration,
    status: r.status,
    autoExtendDuration: r.autoExtendDuration,
    createdDateTime: iso(r.created),
    lastModifiedDateTime: iso(r.modified),
    activatedDateTime: r.activated === null ? null : iso(r.activated),
    endDateTime: r.end === null ? null : iso(r.end),
    customer: r.customer,
    roleDefinitionIds: [...r.roles],
  };
}

/** Gives each agent its roles in the customer, limited to what an effective relationship grants. */
function grantAgentRoles(partner: PartnerTenant, customer: CustomerTenant): void {
  const granted = new Set<string>();
  for (const rel of customer.gdapRelationships) {
    if (EFFECTIVE.has(rel.status)) for (const role of rel.roleDefinitionIds) granted.add(role);
  }
  if (granted.size === 0) return;
  for (const agent of partner.agents) {
    const spec = AGENTS.find((a) => agent.userPrincipalName.startsWith(`${a.alias}@`));
    const roles = spec?.roles.filter((role) => granted.has(role)) ?? [];
    if (roles.length > 0) agent.gdapRoles[customer.id] = roles;
  }
}
