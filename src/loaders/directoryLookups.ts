import DataLoader from "dataloader";
import { odataString } from "../graph/odata";
import type { GraphObject, ObjectKey, TenantData } from "./tenantData";

/** A lookup of objects by the value of a property other than their id (an alternate key). */
export interface ValueKey {
  value: string;
  select: readonly string[];
}

/** Graph's documented limit of ids in one `directoryObjects/getByIds` call. */
export const GET_BY_IDS_MAX = 1000;

/**
 * Properties Graph returns without `$select`, which is all that `getByIds` returns (graph-facts §4:
 * the documented default set of users; for groups, everything but the "returned only on $select"
 * properties). Devices are left out: their default set is not documented.
 */
const GET_BY_IDS_COVERS: Readonly<Record<"user" | "group", ReadonlySet<string>>> = {
  user: new Set([
    "id", "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage",
    "surname", "userPrincipalName",
  ]),
  group: new Set([
    "id", "displayName", "description", "groupTypes", "mailEnabled", "securityEnabled", "mail", "mailNickname", "membershipRule",
    "membershipRuleProcessingState", "visibility", "isAssignableToRole", "createdDateTime", "renewedDateTime", "expirationDateTime",
    "onPremisesSyncEnabled", "classification", "resourceProvisioningOptions",
  ]),
};

const COLLECTION = { user: "/users", group: "/groups" } as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Set-based lookups of one tenant for one operation, on top of its TenantData (whose request loader
 * turns what these issue in one tick into one `$batch` wave):
 *
 * - `byIds(type)`: objects by id through `POST /directoryObjects/getByIds` (one call for up to 1,000
 *   ids) when every key's selection is within Graph's default property set; otherwise, and for a
 *   single id, through the per-id loader (`GET /users/{id}`, batched 20 to a `$batch`).
 * - `devicesByDeviceId` / `managedDevicesByAzureADDeviceId`: the Entra ↔ Intune join, one
 *   `$filter=deviceId eq '…'` / `azureADDeviceId eq '…'` item per value, 20 to a `$batch`: `eq` is
 *   the only operator both resources document for these properties (no `in` on device.deviceId;
 *   Intune allows `or` only between enum values), and n values still cost ⌈n/20⌉ requests.
 */
export class DirectoryLookups {
  private readonly byIdLoaders = new Map<string, DataLoader<ObjectKey, GraphObject | null, string>>();
  readonly devicesByDeviceId: DataLoader<ValueKey, GraphObject | null, string>;
  readonly managedDevicesByAzureADDeviceId: DataLoader<ValueKey, GraphObject | null, string>;

  constructor(private readonly data: TenantData) {
    this.devicesByDeviceId = this.valueLoader("/devices", "deviceId");
    this.managedDevicesByAzureADDeviceId = this.valueLoader("/deviceManagement/managedDevices", "azureADDeviceId");
  }

  byIds(type: "user" | "group"): DataLoader<ObjectKey, GraphObject | null, string> {
    let loader = this.byIdLoaders.get(type);
    if (!loader) {
      loader = this.getByIdsLoader(type);
      this.byIdLoaders.set(type, loader);
    }
    return loader;
  }

  private getByIdsLoader(type: "user" | "group"): DataLoader<ObjectKey, GraphObject | null, string> {
    const covers = GET_BY_IDS_COVERS[type];
    const perId = this.data.objects(COLLECTION[type]);
    return new DataLoader<ObjectKey, GraphObject | null, string>(
      async (keys) => {
        const inBulk = (k: ObjectKey) => GUID.test(k.id) && k.select.every((p) => covers.has(p));
        const bulkIds = [...new Set(keys.filter(inBulk).map((k) => k.id.toLowerCase()))];
        // getByIds costs 5 resource units to a GET's 1: worth it only for more than one id.
        const useBulk = bulkIds.length > 1;
        // The per-id loads start now, in this tick, so they share the wave of the getByIds call.
        const single = keys.map((k) => (useBulk && inBulk(k) ? undefined : perId.load(k).catch((e: Error) => e)));
        const found = new Map<string, GraphObject>();
        let bulkError: Error | undefined;
        if (useBulk) {
          const chunks: string[][] = [];
          for (let i = 0; i < bulkIds.length; i += GET_BY_IDS_MAX) chunks.push(bulkIds.slice(i, i + GET_BY_IDS_MAX));
          try {
            const pages = await Promise.all(chunks.map((ids) => this.data.post("/directoryObjects/getByIds", { ids, types: [type] }, { readOnly: true })));
            for (const page of pages) for (const o of (page?.value ?? []) as GraphObject[]) found.set(o.id.toLowerCase(), o);
          } catch (err) {
            bulkError = err instanceof Error ? err : new Error(String(err));
          }
        }
        return Promise.all(keys.map((k, i) => single[i] ?? bulkError ?? found.get(k.id.toLowerCase()) ?? null));
      },
      { cacheKeyFn: (k) => `${k.id.toLowerCase()}|${[...k.select].sort().join(",")}` },
    );
  }

  /**
   * Objects of `path` by the value of `property`: each value asked for in one tick becomes one
   * `property eq 'value'` request, all issued together (so the tenant's loader sends them as one wave
   * of `$batch`es of 20), selecting the union of what the keys need. An absent value is `null`.
   */
  private valueLoader(path: string, property: string): DataLoader<ValueKey, GraphObject | null, string> {
    return new DataLoader<ValueKey, GraphObject | null, string>(
      async (keys) => {
        const select = new Set<string>(["id", property]);
        keys.forEach((k) => k.select.forEach((p) => select.add(p)));
        const values = [...new Set(keys.map((k) => k.value.toLowerCase()))];
        const byValue = new Map<string, GraphObject | Error | null>();
        await Promise.all(
          values.map(async (value) => {
            try {
              // One match is expected; two let a duplicate registration show as the first, deterministically.
              const page = await this.data.page(path, { select: [...select].sort(), filter: `${property} eq ${odataString(value)}`, top: 2 });
              byValue.set(value, (page.value ?? []).find((o) => String(o[property] ?? "").toLowerCase() === value) ?? null);
            } catch (err) {
              byValue.set(value, err instanceof Error ? err : new Error(String(err)));
            }
          }),
        );
        return keys.map((k) => byValue.get(k.value.toLowerCase()) ?? null);
      },
      { cacheKeyFn: (k) => `${k.value.toLowerCase()}|${[...k.select].sort().join(",")}` },
    );
  }
}

/** One DirectoryLookups per TenantData, i.e. per tenant per operation, like the loaders it builds on. */
const lookups = new WeakMap<TenantData, DirectoryLookups>();

export function directoryLookups(data: TenantData): DirectoryLookups {
  let l = lookups.get(data);
  if (!l) {
    l = new DirectoryLookups(data);
    lookups.set(data, l);
  }
  return l;
}
