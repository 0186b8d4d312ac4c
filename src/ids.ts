import { badInput } from "./errors";

/*
 * The ids of Entra and Graph, checked once for every layer: config (PARTNER_CONFIG), auth (token
 * claims), loaders and resolvers (arguments, entity keys). A leaf: it imports no layer.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A user principal name as Graph accepts it in a path: local part (guests carry #EXT#) @ domain. */
const UPN = /^[A-Za-z0-9._%+'#-]{1,113}@[A-Za-z0-9.-]{1,255}$/;

/** A GUID (tenant and object ids). */
export function isGuid(v: unknown): v is string {
  return typeof v === "string" && GUID.test(v);
}

/** What checkObjectId accepts for a user: a GUID or a user principal name. */
export function isUserId(v: unknown): v is string {
  return typeof v === "string" && (GUID.test(v) || UPN.test(v));
}

export function checkTenantId(id: string): string {
  if (!GUID.test(id)) throw badInput("A customer id is a tenant id (GUID).", { argument: "id" });
  return id.toLowerCase();
}

/** Object ids are GUIDs; users may also be addressed by user principal name. */
export function checkObjectId(id: string, allowUpn = true): string {
  if (GUID.test(id)) return id.toLowerCase();
  if (allowUpn && UPN.test(id)) return id;
  throw badInput(allowUpn ? "Expected an object id (GUID) or a user principal name." : "Expected an object id (GUID).", { argument: "id" });
}
