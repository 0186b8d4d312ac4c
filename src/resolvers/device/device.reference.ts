import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { checkObjectId } from "../shared/ids";
import { graphSelect, selectedFields } from "../shared/selection";
import { tenantData } from "../shared/tenant";
import { DEVICE_PROPERTIES, toDevice, type Device } from "./device.type";

/**
 * Federation entity lookup through the tenant's per-id loader (batched 20 to a `$batch`); getByIds is
 * not used for devices because their default property set is not documented.
 */
export async function resolveDeviceReference(ref: { tenantId: string; id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Device | null> {
  const data = await tenantData(ctx, ref.tenantId);
  const select = graphSelect(selectedFields(info, "Device"), DEVICE_PROPERTIES);
  const found = await data.objects("/devices").load({ id: checkObjectId(String(ref.id), false), select });
  return found ? toDevice(data.tenantId, found) : null;
}
