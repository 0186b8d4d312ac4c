import { createHash } from "node:crypto";
import type { EmulatorContext } from "../context";
import type { CustomerTenant, GraphObject, PartnerTenant, TenantDirectory } from "../data/model";

/**
 * Read-only views the Graph routes serve from the world: the directory of the token's tenant
 * (a customer's generated directory, or a partner tenant's agents), the partner-side objects
 * (contracts, GDAP customers and relationships), and the derived indexes navigation needs.
 */

export const ODataType = {
  user: "#microsoft.graph.user",
  group: "#microsoft.graph.group",
  device: "#microsoft.graph.device",
  contract: "#microsoft.graph.contract",
  delegatedAdminCustomer: "#microsoft.graph.delegatedAdminCustomer",
  delegatedAdminRelationship: "#microsoft.graph.delegatedAdminRelationship",
} as const;

export type TenantView =
  | { kind: "customer"; tenantId: string; customer: CustomerTenant; dir: TenantDirectory }
  | { kind: "partner"; tenantId: string; partner: PartnerTenant; dir: TenantDirectory };

/** The view of the token's tenant, or undefined when the world does not know it. */
export function tenantView(ctx: EmulatorContext, tenantId: string): TenantView | undefined {
  const ref = ctx.world.tenant(tenantId);
  if (!ref) return undefined;
  if (ref.kind === "customer") {
    return { kind: "customer", tenantId: ref.tenant.id, customer: ref.tenant, dir: ctx.world.directory(ref.tenant.id) };
  }
  return { kind: "partner", tenantId: ref.tenant.id, partner: ref.tenant, dir: partnerDirectory(ref.tenant) };
}

/**
 * A partner tenant's directory: its agents as users and its AdminAgents group (members: the admin
 * agents). Rebuilt per request because the control API may change agents; partner tenants are small.
 */
export function partnerDirectory(p: PartnerTenant): TenantDirectory {
  const users: GraphObject[] = p.agents.map((a) => {
    const [given, ...rest] = a.displayName.split(" ");
    return {
      id: a.id,
      accountEnabled: true,
      displayName: a.displayName,
      givenName: given ?? null,
      surname: rest.length ? rest.join(" ") : null,
      userPrincipalName: a.userPrincipalName,
      mail: a.userPrincipalName,
      mailNickname: a.userPrincipalName.split("@")[0] ?? null,
      userType: "Member",
      businessPhones: [],
      otherMails: [],
      proxyAddresses: [`SMTP:${a.userPrincipalName}`],
      assignedLicenses: [],
      assignedPlans: [],
      identities: [],
    };
  });
  const adminAgents: GraphObject = {
    id: p.adminAgentsGroupId,
    displayName: "AdminAgents",
    description: "Partner admin agents",
    groupTypes: [],
    mailEnabled: false,
    securityEnabled: true,
    mailNickname: "AdminAgents",
    proxyAddresses: [],
    resourceProvisioningOptions: [],
  };
  const adminIds = p.agents.filter((a) => a.adminAgent).map((a) => a.id);
  const organization: GraphObject = {
    id: p.id,
    displayName: p.displayName,
    verifiedDomains: p.domains.map((name, i) => ({
      capabilities: "Email, OfficeCommunicationsOnline",
      isDefault: name === p.defaultDomain,
      isInitial: i === 0,
      name,
      type: "Managed",
    })),
    assignedPlans: [],
    provisionedPlans: [],
    businessPhones: [],
    technicalNotificationMails: [],
  };
  const byId = new Map<string, GraphObject>();
  for (const o of [...users, adminAgents]) byId.set(o.id, o);
  return {
    tenantId: p.id,
    organization,
    users,
    groups: [adminAgents],
    devices: [],
    managedDevices: [],
    byId,
    usersByUpn: new Map(users.map((u) => [String(u.userPrincipalName).toLowerCase(), u])),
    members: new Map([[adminAgents.id, adminIds]]),
    owners: new Map(),
    memberOf: new Map(adminIds.map((id) => [id, [adminAgents.id]])),
    manager: new Map(),
    registeredOwners: new Map(),
    registeredUsers: new Map(),
    ownedDevices: new Map(),
    registeredDevices: new Map(),
  };
}

/** Derived indexes of a directory, built once per directory object. */
interface DirIndex {
  types: Map<string, string>;
  managedDevicesById: Map<string, GraphObject>;
  managedDevicesByUser: Map<string, GraphObject[]>;
  directReports: Map<string, string[]>;
}
const indexes = new WeakMap<TenantDirectory, DirIndex>();

function index(dir: TenantDirectory): DirIndex {
  let ix = indexes.get(dir);
  if (ix) return ix;
  const types = new Map<string, string>();
  for (const u of dir.users) types.set(u.id, ODataType.user);
  for (const g of dir.groups) types.set(g.id, ODataType.group);
  for (const d of dir.devices) types.set(d.id, ODataType.device);
  const managedDevicesById = new Map<string, GraphObject>();
  const managedDevicesByUser = new Map<string, GraphObject[]>();
  for (const m of dir.managedDevices) {
    managedDevicesById.set(m.id.toLowerCase(), m);
    const uid = typeof m.userId === "string" ? m.userId.toLowerCase() : "";
    if (uid) (managedDevicesByUser.get(uid) ?? managedDevicesByUser.set(uid, []).get(uid)!).push(m);
  }
  const directReports = new Map<string, string[]>();
  for (const [user, manager] of dir.manager) (directReports.get(manager) ?? directReports.set(manager, []).get(manager)!).push(user);
  ix = { types, managedDevicesById, managedDevicesByUser, directReports };
  indexes.set(dir, ix);
  return ix;
}

/** `@odata.type` of a directory object of this tenant. */
export function typeOf(dir: TenantDirectory, id: string): string | undefined {
  return index(dir).types.get(id);
}

/** The object with its `@odata.type`, as mixed collections list it. */
export function typed(dir: TenantDirectory, obj: GraphObject): GraphObject {
  const t = typeOf(dir, obj.id);
  return !t || obj["@odata.type"] === t ? obj : { ...obj, "@odata.type": t };
}

/** Objects of ids (skipping ids the directory lacks), typed. */
export function objectsOf(dir: TenantDirectory, ids: readonly string[] | undefined): GraphObject[] {
  const out: GraphObject[] = [];
  for (const id of ids ?? []) {
    const o = dir.byId.get(id);
    if (o) out.push(typed(dir, o));
  }
  return out;
}

/** Breadth-first closure over a relation (transitiveMemberOf, transitiveMembers); no duplicates. */
export function closure(start: readonly string[] | undefined, next: (id: string) => readonly string[] | undefined): string[] {
  const seen = new Set<string>();
  const queue = [...(start ?? [])];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of next(id) ?? []) if (!seen.has(n)) queue.push(n);
  }
  return [...seen];
}

export function managedDeviceById(dir: TenantDirectory, id: string): GraphObject | undefined {
  return index(dir).managedDevicesById.get(id.toLowerCase());
}

export function managedDevicesOfUser(dir: TenantDirectory, userId: string): GraphObject[] {
  return index(dir).managedDevicesByUser.get(userId.toLowerCase()) ?? [];
}

export function directReportsOf(dir: TenantDirectory, userId: string): string[] {
  return index(dir).directReports.get(userId) ?? [];
}

/** A user by object id or userPrincipalName (both case-insensitive). */
export function findUser(dir: TenantDirectory, key: string): GraphObject | undefined {
  const k = key.toLowerCase();
  const byId = dir.byId.get(k) ?? dir.byId.get(key);
  if (byId && typeOf(dir, byId.id) === ODataType.user) return byId;
  return dir.usersByUpn.get(k);
}

export function findOfType(dir: TenantDirectory, id: string, type: string): GraphObject | undefined {
  const o = dir.byId.get(id.toLowerCase()) ?? dir.byId.get(id);
  return o && typeOf(dir, o.id) === type ? o : undefined;
}

/**
 * Contracts of a partner tenant (docs/graph-facts.md §5): one per customer the dataset gives a contract
 * (DAP customers). Names and domain are the copies stored with the contract, taken when the
 * relationship began, so they may differ from the customer's current ones.
 */
export function contractsOf(ctx: EmulatorContext, partner: PartnerTenant): GraphObject[] {
  const out: GraphObject[] = [];
  for (const c of ctx.world.customersOf(partner.id)) {
    if (!c.contract) continue;
    out.push({
      "@odata.type": ODataType.contract,
      id: c.contract.id,
      contractType: c.contract.contractType,
      customerId: c.id,
      defaultDomainName: c.contract.defaultDomainName,
      displayName: c.contract.displayName,
    });
  }
  return out;
}

/** An etag that changes when the object's content does. */
function etag(obj: unknown): string {
  return `W/"${createHash("sha1").update(JSON.stringify(obj)).digest("base64")}"`;
}

/** delegatedAdminCustomers: the partner's customers with at least one GDAP relationship (any status). */
export function gdapCustomersOf(ctx: EmulatorContext, partner: PartnerTenant): GraphObject[] {
  return ctx.world
    .customersOf(partner.id)
    .filter((c) => c.gdapRelationships.length > 0)
    .map((c) => {
      const body = { id: c.id, tenantId: c.id, displayName: c.displayName };
      return { "@odata.type": ODataType.delegatedAdminCustomer, "@odata.etag": etag(body), ...body };
    });
}

/** delegatedAdminRelationships of the partner, shaped per docs/graph-facts.md §5. */
export function gdapRelationshipsOf(ctx: EmulatorContext, partner: PartnerTenant): GraphObject[] {
  const out: GraphObject[] = [];
  for (const c of ctx.world.customersOf(partner.id)) {
    for (const r of c.gdapRelationships) {
      const body = {
        id: r.id,
        displayName: r.displayName,
        duration: r.duration,
        customer: { tenantId: r.customer.tenantId, displayName: r.customer.displayName },
        accessDetails: { unifiedRoles: r.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
        status: r.status,
        autoExtendDuration: r.autoExtendDuration,
        createdDateTime: r.createdDateTime,
        lastModifiedDateTime: r.lastModifiedDateTime,
        activatedDateTime: r.activatedDateTime,
        endDateTime: r.endDateTime,
      };
      out.push({ "@odata.type": ODataType.delegatedAdminRelationship, "@odata.etag": etag(body), ...body });
    }
  }
  return out;
}
