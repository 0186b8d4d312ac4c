/**
 * The one place the Graph emulator touches the OData engine (emulator/odata), so the engine's
 * module names are referenced once.
 */
import { createHash, randomBytes } from "node:crypto";
export { queryCollection, queryEntity } from "../odata/query";
export {
  contractSpec,
  delegatedAdminCustomerSpec,
  delegatedAdminRelationshipSpec,
  deviceSpec,
  directoryObjectSpec,
  directoryObjectsMixedSpec,
  groupSpec,
  managedDeviceSpec,
  organizationSpec,
  userSpec,
} from "../odata/resourceSpecs";
export type { MixedResourceSpec, ResourceSpec } from "../odata/types";

/** Per-process secret: skiptokens of one emulator run are meaningless to another. */
const PROCESS_SECRET = randomBytes(16).toString("hex");

/** Binds a $skiptoken to the tenant and path it was issued for (the engine adds the query). */
export function skiptokenSecret(tenantId: string, pathname: string): string {
  return createHash("sha256").update(`${PROCESS_SECRET}|${tenantId}|${pathname.toLowerCase()}`).digest("hex");
}
export { project } from "../odata/select";
