import DataLoader from "dataloader";
import type { Collection, GraphObject, TenantGraph } from "../graph/tenantGraph";
import { isGuid } from "../ids";
import { selectionKey } from "./keys";

/** A request for one object by id (or by an alternate key's value), with the properties this operation needs of it. */
export interface ObjectKey {
  id: string;
  select: readonly string[];
}

export type ObjectLoader = DataLoader<ObjectKey, GraphObject | null, string>;

/**
 * Properties Graph returns without `$select`, which is all that `getByIds` returns (docs/graph-facts.md §4:
 * the documented default set of users; for groups, everything but the "returned only on $select"
 * properties). Devices are left out: their default set is not documented.
 */
const GET_BY_IDS_COVERS: Readonly<Record<"user" | "group", ReadonlySet<string>>> = {
  user: new Set([
    "id",
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
  ]),
  group: new Set([
    "id",
    "displayName",
    "description",
    "groupTypes",
    "mailEnabled",
    "securityEnabled",
    "mail",
    "mailNickname",
    "membershipRule",
    "membershipRuleProcessingState",
    "visibility",
    "isAssignableToRole",
    "createdDateTime",
    "renewedDateTime",
    "expirationDateTime",
    "onPremisesSyncEnabled",
    "classification",
    "resourceProvisioningOptions",
  ]),
};

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * Objects of a collection by id, one `GET {collection}/{id}` each (the graph sends the requests of one
 * tick as `$batch`es of 20): keys of one tick asking for the same id are merged into one request
 * selecting the union of their properties. A 404 is `null`, not a failure.
 */
export function perIdLoader(graph: () => Promise<TenantGraph>, kind: Collection): ObjectLoader {
  return new DataLoader<ObjectKey, GraphObject | null, string>(
    async (keys) => {
      const g = await graph();
      const selectById = new Map<string, Set<string>>();
      for (const k of keys) {
        const set = selectById.get(k.id) ?? new Set(["id"]);
        k.select.forEach((s) => set.add(s));
        selectById.set(k.id, set);
      }
      const results = new Map<string, Promise<GraphObject | null | Error>>();
      for (const [id, select] of selectById) results.set(id, g.get({ kind, id }, [...select].sort()).catch(asError));
      return Promise.all(keys.map((k) => results.get(k.id)!));
    },
    { cacheKeyFn: (k) => selectionKey(k.id, k.select) },
  );
}

/**
 * Users or groups by id through `directoryObjects/getByIds` (one call for up to 1,000 ids) when every
 * key's selection is within Graph's default property set; otherwise, and for a single id, through the
 * per-id loader — in the same tick, so they share the wave of the getByIds call.
 */
export function byIdsLoader(graph: () => Promise<TenantGraph>, type: "user" | "group", perId: ObjectLoader): ObjectLoader {
  const covers = GET_BY_IDS_COVERS[type];
  return new DataLoader<ObjectKey, GraphObject | null, string>(
    async (keys) => {
      const inBulk = (k: ObjectKey) => isGuid(k.id) && k.select.every((p) => covers.has(p));
      const bulkIds = [...new Set(keys.filter(inBulk).map((k) => k.id.toLowerCase()))];
      // getByIds costs 5 resource units to a GET's 1: worth it only for more than one id.
      const useBulk = bulkIds.length > 1;
      const single = keys.map((k) => (useBulk && inBulk(k) ? undefined : perId.load(k).catch(asError)));
      const found = new Map<string, GraphObject>();
      let bulkError: Error | undefined;
      if (useBulk) {
        try {
          for (const o of await (await graph()).getByIds(bulkIds, type)) found.set(o.id.toLowerCase(), o);
        } catch (err) {
          bulkError = asError(err);
        }
      }
      return Promise.all(keys.map((k, i) => single[i] ?? bulkError ?? found.get(k.id.toLowerCase()) ?? null));
    },
    { cacheKeyFn: (k) => selectionKey(k.id, k.select) },
  );
}

/**
 * Objects of a collection by the value of another property (the Entra ↔ Intune join): each value
 * asked for in one tick becomes one `property eq 'value'` list of at most 2, all issued together (so
 * they go as one wave of `$batch`es of 20), selecting the union of what the keys need. `eq` is the only
 * operator both resources document for these properties (no `in` on device.deviceId; Intune allows `or`
 * only between enum values), and n values still cost ⌈n/20⌉ requests. An absent value is `null`.
 */
export function valueLoader(graph: () => Promise<TenantGraph>, kind: Collection, property: string): ObjectLoader {
  return new DataLoader<ObjectKey, GraphObject | null, string>(
    async (keys) => {
      const g = await graph();
      const select = new Set<string>(["id", property]);
      keys.forEach((k) => k.select.forEach((p) => select.add(p)));
      const values = [...new Set(keys.map((k) => k.id.toLowerCase()))];
      const byValue = new Map<string, GraphObject | Error | null>();
      await Promise.all(
        values.map(async (value) => {
          try {
            // One match is expected; two let a duplicate registration show as the first, deterministically.
            const page = await g.list({ kind }, { select: [...select].sort(), equals: { property, value } }, { top: 2 });
            byValue.set(value, page.items.find((o) => String(o[property] ?? "").toLowerCase() === value) ?? null);
          } catch (err) {
            byValue.set(value, asError(err));
          }
        }),
      );
      return keys.map((k) => byValue.get(k.id.toLowerCase()) ?? null);
    },
    { cacheKeyFn: (k) => selectionKey(k.id, k.select) },
  );
}
