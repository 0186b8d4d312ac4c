import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { checkObjectId } from "../../ids";
import { graphSelect, selectedFields } from "../shared/selection";
import { DEVICE_PROPERTIES, toDevice, type Device } from "./device.type";

/**
 * Federation entity lookup through the tenant's per-id loader (batched 20 to a `$batch`); getByIds is
 * not used for devices because their default property set is not documented.
 */
export async function resolveDeviceReference(ref: { tenantId: string; id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Device | null> {
  const tenant = ctx.loaders.tenant(ref.tenantId);
  const found = await tenant.devices.byId(checkObjectId(String(ref.id), false), graphSelect(selectedFields(info, "Device"), DEVICE_PROPERTIES));
  return found ? toDevice(tenant.tenantId, found) : null;
}
