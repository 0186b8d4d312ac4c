/**
 * The emulator's world: regional partner tenants with their partner-managed apps and agents, and
 * the customer tenants they manage, each with a directory (users, groups, devices) and Intune
 * managed devices.
 *
 * Terminology
 * - partner tenant: the CSP partner's own Entra tenant; one per region the partner sells in.
 * - partner-managed app: a multi-tenant app registered in a partner tenant, pre-consented for that
 *   region's customers while its service principal is in the partner tenant's AdminAgents group.
 * - agent: a user of a partner tenant who acts in customer tenants through DAP (AdminAgents group
 *   member) or GDAP (roles granted per customer through delegatedAdminRelationships).
 * - customer tenant: a customer's Entra tenant, in exactly one region.
 *
 * Directory objects are stored in their Graph JSON shape (every property present, null when unset),
 * so that projection with $select is a pick of keys and a leak between tenants is visible: every
 * object of a tenant carries the tenant's domain in its names.
 */

/** Values of `tenant_region_scope` in the OpenID discovery document (docs/graph-facts.md §7). */
export type Region = "NA" | "EU" | "AS" | "OC";

export interface PartnerApp {
  /** Application (client) id; also the audience of this API's tokens (`api://{clientId}`). */
  clientId: string;
  displayName: string;
  /** Object id of the app's service principal in its partner tenant. */
  servicePrincipalId: string;
  clientSecret: string;
  /** PEM of the public key of the app's certificate credential; assertions are verified with it. */
  certificatePublicKeyPem: string;
  /** PEM of the private key, handed out by the control API so demos and tests can sign assertions. */
  certificatePrivateKeyPem: string;
  /** base64url SHA-256 thumbprint of the certificate (the `x5t#S256` header of assertions). */
  certificateThumbprintSha256: string;
  /** base64url SHA-1 thumbprint (the `x5t` header MSAL sends when only sha1 is known). */
  certificateThumbprintSha1: string;
  /** PEM of the self-signed X.509 certificate the thumbprints are computed over (MSAL's `x5c`). */
  certificatePem?: string;
  /** Application permissions (app roles on Microsoft Graph) consented for this app. */
  applicationPermissions: string[];
  /** Delegated permissions (scopes on Microsoft Graph) consented for this app. */
  delegatedPermissions: string[];
  /**
   * App roles of this API (defined by the app's own registration, e.g. PartnerGraph.Read.All) granted
   * to the app's service principal: the `roles` of its client-credential tokens for api://{clientId}.
   * Absent or empty: such tokens carry no `roles`, as Entra issues them when no role was granted.
   */
  apiAppRoles?: string[];
}

export interface Agent {
  /** Object id in the partner tenant. */
  id: string;
  partnerTenantId: string;
  userPrincipalName: string;
  displayName: string;
  /** Password for the demo sign-in (resource owner password grant and the authorize page). */
  password: string;
  /** Member of the partner tenant's AdminAgents group: DAP admin rights in every DAP customer. */
  adminAgent: boolean;
  /** GDAP: Entra role template ids granted to this agent, per customer tenant id. */
  gdapRoles: Record<string, string[]>;
  /** Agents that must pass MFA get `interaction_required` (AADSTS50079) on OBO. */
  mfaRequired?: boolean;
}

export interface PartnerTenant {
  id: string;
  displayName: string;
  region: Region;
  defaultDomain: string;
  domains: string[];
  app: PartnerApp;
  agents: Agent[];
  /** Object id of the AdminAgents group. */
  adminAgentsGroupId: string;
  /** Pre-consent: the app's service principal is a member of AdminAgents (control API can remove it). */
  appInAdminAgents: boolean;
  /**
   * Application permissions the app holds in every customer of this partner, when set (control API);
   * unset, the app's consented `applicationPermissions`. A customer's own grant overrides it.
   */
  customerAppPermissions?: string[];
  /**
   * When set, the GDAP APIs (`/tenantRelationships/*`) refuse this partner tenant with this answer:
   * 403 for an app without DelegatedAdminRelationship.Read.All or a DAP-only partner, 400 or 404 for a
   * cloud without the API (control API). Unset: they answer.
   */
  gdapApiDenial?: 400 | 403 | 404;
}

export type GdapStatus =
  "activating" | "active" | "approvalPending" | "approved" | "created" | "expired" | "expiring" | "terminated" | "terminating" | "terminationRequested";

export interface GdapRelationship {
  id: string;
  displayName: string;
  duration: string;
  status: GdapStatus;
  autoExtendDuration: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  activatedDateTime: string | null;
  endDateTime: string | null;
  customer: { tenantId: string; displayName: string };
  /** Role template ids the relationship grants (agents get a subset through access assignments). */
  roleDefinitionIds: string[];
}

export interface CustomerTenant {
  id: string;
  displayName: string;
  region: Region;
  defaultDomain: string;
  /** Verified domains; the first is the initial `*.onmicrosoft.com` domain. */
  domains: string[];
  countryLetterCode: string;
  createdDateTime: string;
  partnerTenantId: string;
  /** DAP: the partner's AdminAgents have admin rights here. */
  dap: boolean;
  gdapRelationships: GdapRelationship[];
  /** Epoch ms when the partner relationship reached this tenant; tokens issued before it never work. */
  propagatedAt: number;
  /** Has Intune licences; without them managedDevices calls fail. */
  intuneLicensed: boolean;
  /** Application permissions the partner's app holds in this tenant, when set (control API); else the partner's. */
  appPermissions?: string[];
  /** How many objects its directory holds (generated lazily, deterministic from the tenant id). */
  sizes: DirectorySizes;
  /**
   * The partner's contract with this customer, listed by `GET /contracts` in the partner tenant
   * (DAP customers). Names were copied when the relationship began, so they may be stale.
   */
  contract?: CustomerContract;
}

export interface CustomerContract {
  id: string;
  contractType: "SyndicationPartner" | "BreadthPartner" | "ResellerPartner";
  defaultDomainName: string;
  displayName: string;
}

export interface DirectorySizes {
  users: number;
  groups: number;
  devices: number;
  managedDevices: number;
}

/** Graph JSON of a directory object; `@odata.type` is set when listed in mixed collections. */
export type GraphObject = Record<string, unknown> & { id: string };

export interface TenantDirectory {
  tenantId: string;
  organization: GraphObject;
  users: GraphObject[];
  groups: GraphObject[];
  devices: GraphObject[];
  managedDevices: GraphObject[];
  /** users, groups and devices by id (the directoryObjects of the tenant). */
  byId: Map<string, GraphObject>;
  /** users by lower-cased userPrincipalName. */
  usersByUpn: Map<string, GraphObject>;
  /** group id -> ids of direct members (users, groups, devices). */
  members: Map<string, string[]>;
  /** group id -> ids of owners (users). */
  owners: Map<string, string[]>;
  /** object id -> ids of groups it is a direct member of. */
  memberOf: Map<string, string[]>;
  /** user id -> id of the manager (a user). */
  manager: Map<string, string>;
  /** device id -> ids of registered owners (users); at most one. */
  registeredOwners: Map<string, string[]>;
  /** device id -> ids of registered users. */
  registeredUsers: Map<string, string[]>;
  /** user id -> device ids owned / registered. */
  ownedDevices: Map<string, string[]>;
  registeredDevices: Map<string, string[]>;
}

/** Entra built-in role template ids the emulator knows (GDAP roles are granted by these). */
export const Roles = {
  GlobalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  GlobalReader: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
  DirectoryReaders: "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
  UserAdministrator: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  HelpdeskAdministrator: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  GroupsAdministrator: "fdd7a751-b60b-444a-984c-02652fe8fa1c",
  CloudDeviceAdministrator: "7698a772-787b-4ac8-901f-60d6b08affd2",
  IntuneAdministrator: "3a2c62db-5318-420d-8d74-23affee5d9d5",
} as const;

/** Well-known application ids. */
export const WellKnownApps = {
  MicrosoftGraph: "00000003-0000-0000-c000-000000000000",
} as const;

export interface Dataset {
  partners: PartnerTenant[];
  customers: CustomerTenant[];
}
