import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { checkObjectId } from "../shared/ids";
import { graphSelect, selectedFields } from "../shared/selection";
import { tenantData } from "../shared/tenant";
import { MANAGED_DEVICE_PROPERTIES, toManagedDevice, type ManagedDevice } from "./managedDevice.type";

/** Federation entity lookup through the tenant's per-id loader (Intune has no getByIds). */
export async function resolveManagedDeviceReference(ref: { tenantId: string; id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<ManagedDevice | null> {
  const data = await tenantData(ctx, ref.tenantId);
  const select = graphSelect(selectedFields(info, "ManagedDevice"), MANAGED_DEVICE_PROPERTIES);
  const found = await data.objects("/deviceManagement/managedDevices").load({ id: checkObjectId(String(ref.id), false), select });
  return found ? toManagedDevice(data.tenantId, found) : null;
}
