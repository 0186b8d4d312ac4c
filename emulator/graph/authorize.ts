import type { JWTPayload } from "jose";
import type { EmulatorContext } from "../context";
import type { EmuRequest } from "../http";
import { Roles, WellKnownApps, type CustomerTenant } from "../data/model";
import { Messages } from "./errors";

/**
 * Authentication (the bearer token) and authorisation (permissions in the token, plus the
 * directory state at request time: propagation, pre-consent, GDAP roles, DAP) the way Graph
 * does it for a CSP partner's app (docs/graph-facts.md §6, emulator/identity/claims.md).
 *
 * Note: no runtime import of `jose` here — jest cannot load that ESM-only package, and the
 * verification itself is ctx.keys' job; jose's errors are recognised by their `code`.
 */

/** The permission classes Graph checks; each route maps to one. */
export type ResourceKind = "users" | "groups" | "devices" | "directoryObjects" | "managedDevices" | "contracts" | "organization" | "delegatedAdmin";

export interface Caller {
  tid: string;
  appId: string;
  kind: "app" | "user";
  roles: string[];
  scopes: string[];
  /** Service principal id (app) or the agent's object id (delegated). */
  oid: string;
  idp?: string;
  /** Issued-at in epoch ms. */
  iatMs: number;
  claims: JWTPayload;
}

export interface Denial {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

export type AuthResult = { ok: true; caller: Caller } | ({ ok: false } & Denial);

/** Graph's challenge on a 401 (observed, docs/graph-facts.md §6); the authority is the emulator's login host. */
function wwwAuthenticate(ctx: EmulatorContext): string {
  return `Bearer realm="", authorization_uri="${ctx.baseUrl}/common/oauth2/authorize", client_id="${WellKnownApps.MicrosoftGraph}"`;
}

function unauthenticated(ctx: EmulatorContext, message: string, code = "InvalidAuthenticationToken"): AuthResult {
  return { ok: false, status: 401, code, message, headers: { "www-authenticate": wwwAuthenticate(ctx) } };
}

/** Token error messages as Graph words them (observed, docs/graph-facts.md §6). */
function messageForVerifyError(e: unknown): string {
  const code = (e as { code?: string } | undefined)?.code;
  switch (code) {
    case "ERR_JWT_EXPIRED":
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": // nbf in the future
      return "Access token has expired or is not yet valid.";
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return "CompactToken parsing failed with error code: 80049217";
    default:
      return "Access token validation failure.";
  }
}

export async function authenticate(req: EmuRequest, ctx: EmulatorContext): Promise<AuthResult> {
  const header = req.headers["authorization"] ?? "";
  const match = /^Bearer\s+(.*)$/i.exec(header.trim());
  const token = match?.[1]?.trim() ?? "";
  if (!token) return unauthenticated(ctx, "Access token is empty.");

  let claims: JWTPayload;
  try {
    claims = await ctx.keys.verify(token);
  } catch (e) {
    return unauthenticated(ctx, messageForVerifyError(e));
  }
  // jose checks exp/nbf against the wall clock; the emulator clock may run ahead (tests).
  const now = ctx.now();
  if (typeof claims.exp === "number" && claims.exp * 1000 <= now) {
    return unauthenticated(ctx, "Access token has expired or is not yet valid.");
  }
  const audiences = [ctx.baseUrl, "https://graph.microsoft.com", WellKnownApps.MicrosoftGraph];
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === "string" && audiences.includes(a.replace(/\/$/, "")))) {
    return unauthenticated(ctx, "Access token validation failure. Invalid audience.");
  }
  const tid = typeof claims.tid === "string" ? claims.tid.toLowerCase() : "";
  if (!tid || !ctx.world.tenant(tid)) return unauthenticated(ctx, "Access token validation failure.");
  if (String(claims.iss ?? "").toLowerCase() !== `https://sts.windows.net/${tid}/`) {
    return unauthenticated(ctx, "Access token validation failure. Invalid issuer.");
  }

  const scopes = typeof claims.scp === "string" ? claims.scp.split(" ").filter(Boolean) : [];
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === "string") : [];
  const kind: Caller["kind"] = claims.idtyp === "app" || (claims.idtyp !== "user" && scopes.length === 0) ? "app" : "user";
  return {
    ok: true,
    caller: {
      tid,
      appId: String(claims.appid ?? claims.azp ?? ""),
      kind,
      roles,
      scopes,
      oid: String(claims.oid ?? claims.sub ?? ""),
      idp: typeof claims.idp === "string" ? claims.idp : undefined,
      iatMs: typeof claims.iat === "number" ? claims.iat * 1000 : 0,
      claims,
    },
  };
}

const DIRECTORY_READ = ["Directory.Read.All", "Directory.ReadWrite.All"];

/** Application permissions (roles) that allow reading each resource. */
const APP_PERMISSIONS: Record<ResourceKind, string[]> = {
  users: ["User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All", ...DIRECTORY_READ],
  groups: ["Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All", ...DIRECTORY_READ],
  devices: ["Device.Read.All", "Device.ReadWrite.All", ...DIRECTORY_READ],
  directoryObjects: DIRECTORY_READ,
  managedDevices: ["DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"],
  contracts: DIRECTORY_READ,
  organization: ["Organization.Read.All", "Organization.ReadWrite.All", ...DIRECTORY_READ],
  delegatedAdmin: ["DelegatedAdminRelationship.Read.All", "DelegatedAdminRelationship.ReadWrite.All"],
};

/** Delegated permissions (scp): the same names, plus the user-context extras Graph accepts. */
const DELEGATED_PERMISSIONS: Record<ResourceKind, string[]> = {
  ...APP_PERMISSIONS,
  users: [...APP_PERMISSIONS.users, "Directory.AccessAsUser.All"],
  groups: [...APP_PERMISSIONS.groups, "Directory.AccessAsUser.All"],
  devices: [...APP_PERMISSIONS.devices, "Directory.AccessAsUser.All"],
  directoryObjects: [...APP_PERMISSIONS.directoryObjects, "Directory.AccessAsUser.All"],
  contracts: [...APP_PERMISSIONS.contracts, "Directory.AccessAsUser.All"],
  organization: [...APP_PERMISSIONS.organization, "User.Read", "Directory.AccessAsUser.All"],
};

/** Entra roles that may read the directory (users, groups, devices, organization) of a customer. */
const DIRECTORY_READER_ROLES: string[] = [
  Roles.GlobalAdministrator,
  Roles.GlobalReader,
  Roles.DirectoryReaders,
  Roles.UserAdministrator,
  Roles.HelpdeskAdministrator,
  Roles.GroupsAdministrator,
  Roles.CloudDeviceAdministrator,
  Roles.IntuneAdministrator,
];
/** Intune managed devices: only these roles (a Helpdesk Administrator is denied). */
const INTUNE_READER_ROLES: string[] = [Roles.IntuneAdministrator, Roles.GlobalAdministrator, Roles.GlobalReader];

function rolesAllowing(resource: ResourceKind): string[] {
  return resource === "managedDevices" ? INTUNE_READER_ROLES : DIRECTORY_READER_ROLES;
}

/** Only a relationship in these states grants its roles (docs/graph-facts.md §5 statuses). */
const LIVE_GDAP: ReadonlySet<string> = new Set(["active", "expiring"]);

/** The agent's roles in a customer that a live GDAP relationship actually grants. */
export function effectiveGdapRoles(customer: CustomerTenant, granted: readonly string[]): string[] {
  const live = new Set<string>();
  for (const rel of customer.gdapRelationships) {
    if (LIVE_GDAP.has(rel.status)) for (const r of rel.roleDefinitionIds) live.add(r);
  }
  return granted.filter((r) => live.has(r));
}

const denied = (): Denial => ({ status: 403, code: "Authorization_RequestDenied", message: Messages.insufficientPrivileges });

/** Graph's answers when the GDAP APIs refuse a partner: no permission (403), or no such API in this cloud. */
function gdapApiDenial(status: 400 | 403 | 404): Denial {
  if (status === 403) return denied();
  if (status === 400) return { status, code: "BadRequest", message: Messages.segmentNotFound("tenantRelationships") };
  return { status, code: "Request_ResourceNotFound", message: Messages.resourceNotFound("tenantRelationships") };
}

/** Undefined when the caller may read `resource` in its token's tenant, otherwise the denial. */
export function authorize(caller: Caller, resource: ResourceKind, ctx: EmulatorContext): Denial | undefined {
  const customer = ctx.world.customer(caller.tid);

  // A partner tenant whose GDAP APIs are switched off (control API): refused whatever the token holds.
  const gdapDenial = resource === "delegatedAdmin" ? ctx.world.partner(caller.tid)?.gdapApiDenial : undefined;
  if (gdapDenial) return gdapApiDenial(gdapDenial);

  // A token acquired before the partner relationship reached the customer never gains the
  // pre-consented permissions (auth-cloudsolutionprovider.md): denied, even after the window.
  if (customer && caller.iatMs < customer.propagatedAt) return denied();

  if (caller.kind === "app") {
    if (!caller.roles.some((r) => APP_PERMISSIONS[resource].includes(r))) return denied();
    if (customer) {
      const app = ctx.world.app(caller.appId);
      // Another region's (or an unknown) app has no service principal in this customer.
      if (!app || app.partner.id !== customer.partnerTenantId) {
        return { status: 401, code: "Authorization_IdentityNotFound", message: Messages.identityNotFound };
      }
      // Pre-consent lives while the app's service principal is in AdminAgents; Graph checks it now.
      if (!app.partner.appInAdminAgents) return denied();
    }
    return undefined;
  }

  if (!caller.scopes.some((s) => DELEGATED_PERMISSIONS[resource].includes(s))) return denied();
  if (!customer) return undefined; // a user of the partner tenant reading its own tenant

  // Delegated in a customer: the agent from the customer's partner tenant, acting through GDAP or DAP.
  const found = ctx.world.agent(caller.oid);
  if (!found || found.partner.id !== customer.partnerTenantId) return denied();
  if (caller.idp !== `https://sts.windows.net/${found.partner.id}/`) return denied();
  const { agent } = found;
  if (agent.adminAgent && customer.dap) return undefined;
  const roles = effectiveGdapRoles(customer, agent.gdapRoles[customer.id] ?? []);
  return roles.some((r) => rolesAllowing(resource).includes(r)) ? undefined : denied();
}
