import type { Collection, ListSource, ObjectRef } from "./tenantGraph";

const COLLECTION_PATHS: Readonly<Record<Collection, string>> = {
  users: "/users",
  groups: "/groups",
  devices: "/devices",
  managedDevices: "/deviceManagement/managedDevices",
};

const PARTNER_LIST_PATHS = {
  organization: "/organization",
  contracts: "/contracts",
  delegatedAdminCustomers: "/tenantRelationships/delegatedAdminCustomers",
  delegatedAdminRelationships: "/tenantRelationships/delegatedAdminRelationships",
} as const;

const segment = encodeURIComponent;

/** The Graph path (relative to the version root) of a list. */
export function listPath(source: ListSource): string {
  switch (source.kind) {
    case "userLinks":
      return `/users/${segment(source.userId)}/${source.link}`;
    case "groupLinks":
      return `/groups/${segment(source.groupId)}/${source.link}`;
    case "deviceLinks":
      return `/devices/${segment(source.deviceId)}/${source.link}`;
    case "users":
    case "groups":
    case "devices":
    case "managedDevices":
      return COLLECTION_PATHS[source.kind];
    default:
      return PARTNER_LIST_PATHS[source.kind];
  }
}

/** The Graph path of one object, or undefined for an id that names none (dot segments would climb out of the collection). */
export function objectPath(ref: ObjectRef): string | undefined {
  if (ref.kind === "manager") return `/users/${segment(ref.userId)}/manager`;
  if (ref.id === "." || ref.id === "..") return undefined;
  return `${COLLECTION_PATHS[ref.kind]}/${segment(ref.id)}`;
}
