import type { GraphQLResolveInfo } from "graphql";
import type { RequestContext } from "../../context";
import { checkObjectId } from "../../ids";
import { graphSelect, selectedFields } from "../shared/selection";
import { MANAGED_DEVICE_PROPERTIES, toManagedDevice, type ManagedDevice } from "./managedDevice.type";

/** Federation entity lookup through the tenant's per-id loader (Intune has no getByIds). */
export async function resolveManagedDeviceReference(
  ref: { tenantId: string; id: string },
  ctx: RequestContext,
  info: GraphQLResolveInfo,
): Promise<ManagedDevice | null> {
  const tenant = ctx.loaders.tenant(ref.tenantId);
  const found = await tenant.managedDevices.byId(
    checkObjectId(String(ref.id), false),
    graphSelect(selectedFields(info, "ManagedDevice"), MANAGED_DEVICE_PROPERTIES),
  );
  return found ? toManagedDevice(tenant.tenantId, found) : null;
}
