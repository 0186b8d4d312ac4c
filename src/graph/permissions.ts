import type { DataKind, Workload } from "./resilience";

/**
 * What each kind of Graph data needs: the Entra built-in roles a GDAP relationship can grant (by role
 * template id), so an agent is told which role they lack (ROLE_MISSING), and the application
 * permissions, so an app-only caller is told which permission the partner-managed app lacks
 * (CONSENT_MISSING).
 */
export const ROLE_NAMES: Readonly<Record<string, string>> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
  "88d8e3e3-8f55-4a1e-953a-9b9898b8876b": "Directory Readers",
  "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
  "fdd7a751-b60b-444a-984c-02652fe8fa1c": "Groups Administrator",
  "7698a772-787b-4ac8-901f-60d6b08affd2": "Cloud Device Administrator",
  "3a2c62db-5318-420d-8d74-23affee5d9d5": "Intune Administrator",
};

const DIRECTORY_READ = [
  "Directory Readers",
  "Global Reader",
  "User Administrator",
  "Helpdesk Administrator",
  "Groups Administrator",
  "Cloud Device Administrator",
  "Intune Administrator",
  "Global Administrator",
];
const INTUNE_READ = ["Intune Administrator", "Global Reader", "Global Administrator"];

/** Roles any one of which lets an agent read data of this kind (least privileged first). */
export function rolesFor(data: Workload): string[] {
  return data === "intune" ? INTUNE_READ : DIRECTORY_READ;
}

export function roleName(templateId: string): string {
  return ROLE_NAMES[templateId.toLowerCase()] ?? templateId;
}

/**
 * Application permissions any one of which lets the app read data of this kind, least privileged
 * first (Graph's permission tables for list/get of each resource; Directory.Read.All covers the
 * directory, never Intune).
 */
const APP_PERMISSIONS: Readonly<Record<DataKind, readonly string[]>> = {
  organization: ["Organization.Read.All", "Directory.Read.All"],
  users: ["User.Read.All", "Directory.Read.All"],
  groups: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"],
  devices: ["Device.Read.All", "Directory.Read.All"],
  managedDevices: ["DeviceManagementManagedDevices.Read.All"],
  directoryObjects: ["Directory.Read.All"],
  contracts: ["Directory.Read.All"],
  delegatedAdmin: ["DelegatedAdminRelationship.Read.All"],
};

export function permissionsFor(kind: DataKind): string[] {
  return [...APP_PERMISSIONS[kind]];
}
