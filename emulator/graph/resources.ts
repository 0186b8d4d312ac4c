import type { EmulatorContext } from "../context";
import type { GraphObject, TenantDirectory } from "../data/model";
import { jsonBody, type EmuRequest, type EmuResponse } from "../http";
import { graphError, Messages, okJson, okText, type RequestInfo } from "./errors";
import * as od from "./odata";
import type { EntitySet, Key, Target } from "./router";
import {
  closure,
  contractsOf,
  directReportsOf,
  findOfType,
  findUser,
  gdapCustomersOf,
  gdapRelationshipsOf,
  managedDeviceById,
  managedDevicesOfUser,
  objectsOf,
  ODataType,
  typed,
  typeOf,
  type TenantView,
} from "./views";

/**
 * Serves a routed, authorised read: finds the items the URL names in the token's tenant and hands
 * them to the OData engine with the resource's spec (docs/graph-facts.md §3–§5).
 */

interface Serve {
  req: EmuRequest;
  view: TenantView;
  ctx: EmulatorContext;
  info: RequestInfo;
  /** `v1.0` or `beta`: context URLs name the version the client called. */
  version: string;
  /** Intune errors carry `details: []`. */
  intune: boolean;
}

const SPEC_BY_TYPE: Record<string, od.ResourceSpec> = {
  [ODataType.user]: od.userSpec,
  [ODataType.group]: od.groupSpec,
  [ODataType.device]: od.deviceSpec,
};

function metadata(s: Serve, fragment: string): string {
  return `${s.req.url.origin}/${s.version}/$metadata#${fragment}`;
}

function notFound(s: Serve, id: string): EmuResponse {
  return graphError(s.info, 404, "Request_ResourceNotFound", Messages.resourceNotFound(id), { intune: s.intune });
}

export async function serve(target: Target, s: Serve): Promise<EmuResponse> {
  switch (target.kind) {
    case "collection":
      return serveCollection(target.set, target.count, s);
    case "entity":
      return serveEntity(target.set, target.key, s);
    case "navigation":
      return serveNavigation(target, s);
    case "getByIds":
      return getByIds(s);
    case "batch":
      throw new Error("$batch is served by batch.ts");
  }
}

async function collection(
  s: Serve,
  spec: od.ResourceSpec | od.MixedResourceSpec,
  items: readonly GraphObject[],
  fragment: string,
  countSegment: boolean,
): Promise<EmuResponse> {
  const result = await od.queryCollection({
    spec,
    items,
    requestUrl: s.req.url,
    consistencyLevel: s.req.headers["consistencylevel"],
    contextUrl: metadata(s, fragment),
    skiptokenSecret: od.skiptokenSecret(s.view.tenantId, s.req.url.pathname),
    countSegment,
    filterSupport: s.ctx.settings.filterSupport,
  });
  if (!result.ok) return graphError(s.info, result.status, result.code, result.message, { intune: s.intune });
  return result.contentType === "text/plain" ? okText(s.info, result.body) : okJson(s.info, result.body);
}

async function entity(s: Serve, spec: od.ResourceSpec, item: GraphObject, fragment: string): Promise<EmuResponse> {
  const result = await od.queryEntity({ spec, item, requestUrl: s.req.url, contextUrl: metadata(s, `${fragment}/$entity`) });
  if (!result.ok) return graphError(s.info, result.status, result.code, result.message, { intune: s.intune });
  return okJson(s.info, result.body);
}

/** The items and spec of a top-level entity set in this tenant. */
function entitySet(set: EntitySet, s: Serve): { spec: od.ResourceSpec; items: readonly GraphObject[]; fragment: string } {
  const { dir } = s.view;
  const partner = s.view.kind === "partner" ? s.view.partner : undefined;
  switch (set) {
    case "users":
      return { spec: od.userSpec, items: dir.users, fragment: "users" };
    case "groups":
      return { spec: od.groupSpec, items: dir.groups, fragment: "groups" };
    case "devices":
      return { spec: od.deviceSpec, items: dir.devices, fragment: "devices" };
    case "managedDevices":
      return { spec: od.managedDeviceSpec, items: dir.managedDevices, fragment: "deviceManagement/managedDevices" };
    case "organization":
      return { spec: od.organizationSpec, items: [dir.organization], fragment: "organization" };
    // Partner-side objects exist only in partner tenants; elsewhere the collections are empty.
    case "contracts":
      return { spec: od.contractSpec, items: partner ? contractsOf(s.ctx, partner) : [], fragment: "contracts" };
    case "delegatedAdminCustomers":
      return { spec: od.delegatedAdminCustomerSpec, items: partner ? gdapCustomersOf(s.ctx, partner) : [], fragment: "delegatedAdminCustomers" };
    case "delegatedAdminRelationships":
      return { spec: od.delegatedAdminRelationshipSpec, items: partner ? gdapRelationshipsOf(s.ctx, partner) : [], fragment: "delegatedAdminRelationships" };
    case "directoryObjects":
      return { spec: od.directoryObjectSpec, items: [], fragment: "directoryObjects" };
  }
}

/** The documented context URL of the GDAP lists is rooted at tenantRelationships (docs/graph-facts.md §5). */
function gdapMetadata(s: Serve, fragment: string): string {
  return `${s.req.url.origin}/${s.version}/tenantRelationships/$metadata#${fragment}`;
}

async function serveCollection(set: EntitySet, count: boolean, s: Serve): Promise<EmuResponse> {
  const { spec, items, fragment } = entitySet(set, s);
  if (set === "delegatedAdminCustomers" || set === "delegatedAdminRelationships") {
    const result = await od.queryCollection({
      spec,
      items,
      requestUrl: s.req.url,
      consistencyLevel: s.req.headers["consistencylevel"],
      contextUrl: gdapMetadata(s, fragment),
      skiptokenSecret: od.skiptokenSecret(s.view.tenantId, s.req.url.pathname),
      countSegment: count,
      filterSupport: s.ctx.settings.filterSupport,
    });
    if (!result.ok) return graphError(s.info, result.status, result.code, result.message);
    return result.contentType === "text/plain" ? okText(s.info, result.body) : okJson(s.info, result.body);
  }
  return collection(s, spec, items, fragment, count);
}

/** Finds the entity a key names in an entity set, or undefined. */
function lookup(set: EntitySet, key: Key, s: Serve): GraphObject | undefined {
  const { dir } = s.view;
  if ("deviceId" in key) {
    const want = key.deviceId.toLowerCase();
    return dir.devices.find((d) => String(d.deviceId ?? "").toLowerCase() === want);
  }
  const id = key.id;
  switch (set) {
    case "users":
      return findUser(dir, id);
    case "groups":
      return findOfType(dir, id, ODataType.group);
    case "devices":
      return findOfType(dir, id, ODataType.device);
    case "managedDevices":
      return managedDeviceById(dir, id);
    case "directoryObjects": {
      const o = dir.byId.get(id.toLowerCase()) ?? dir.byId.get(id);
      return o && typed(dir, o);
    }
    default: {
      const want = id.toLowerCase();
      return entitySet(set, s).items.find((o) => o.id.toLowerCase() === want);
    }
  }
}

function keyText(key: Key): string {
  return "id" in key ? key.id : key.deviceId;
}

async function serveEntity(set: EntitySet, key: Key, s: Serve): Promise<EmuResponse> {
  const item = lookup(set, key, s);
  if (!item) return notFound(s, keyText(key));
  if (set === "directoryObjects") {
    const spec = SPEC_BY_TYPE[typeOf(s.view.dir, item.id) ?? ""] ?? od.directoryObjectSpec;
    return entity(s, spec, item, "directoryObjects");
  }
  const { spec, fragment } = entitySet(set, s);
  return entity(s, spec, item, fragment);
}

type NavTarget = Extract<Target, { kind: "navigation" }>;

/** The related objects of a navigation, typed for a mixed collection (Intune's are not). */
function related(dir: TenantDirectory, nav: string, id: string): GraphObject[] {
  const memberOf = (x: string) => dir.memberOf.get(x);
  switch (nav) {
    case "memberOf":
      return objectsOf(dir, dir.memberOf.get(id));
    case "transitiveMemberOf":
      return objectsOf(dir, closure(memberOf(id), memberOf));
    case "ownedDevices":
      return objectsOf(dir, dir.ownedDevices.get(id));
    case "registeredDevices":
      return objectsOf(dir, dir.registeredDevices.get(id));
    case "directReports":
      return objectsOf(dir, directReportsOf(dir, id));
    case "members":
      return objectsOf(dir, dir.members.get(id));
    case "transitiveMembers":
      return objectsOf(
        dir,
        closure(dir.members.get(id), (x) => dir.members.get(x)),
      );
    case "owners":
      return objectsOf(dir, dir.owners.get(id));
    case "registeredOwners":
      return objectsOf(dir, dir.registeredOwners.get(id));
    case "registeredUsers":
      return objectsOf(dir, dir.registeredUsers.get(id));
    default:
      return [];
  }
}

async function serveNavigation(t: NavTarget, s: Serve): Promise<EmuResponse> {
  const { dir } = s.view;
  const parent = lookup(t.set, t.key, s);
  if (!parent) return notFound(s, keyText(t.key));

  if (t.nav === "manager") {
    const managerId = dir.manager.get(parent.id);
    const manager = managerId ? dir.byId.get(managerId) : undefined;
    // Graph's answer for a user without a manager names the navigation, not an id.
    if (!manager) return notFound(s, "manager");
    // A directoryObject navigation: Graph annotates the single result with its @odata.type.
    return entity(s, { ...od.userSpec, annotatesItemType: true }, typed(dir, manager), "directoryObjects");
  }
  if (t.nav === "managedDevices") {
    return collection(s, od.managedDeviceSpec, managedDevicesOfUser(dir, parent.id), `users('${parent.id}')/managedDevices`, t.count);
  }

  let items = related(dir, t.nav, parent.id);
  if (t.cast) {
    const type = `#${t.cast}`;
    items = items.filter((o) => o["@odata.type"] === type);
    const fragment = t.cast.slice("microsoft.graph.".length) + "s";
    return collection(s, SPEC_BY_TYPE[type] ?? od.directoryObjectSpec, items, fragment, t.count);
  }
  return collection(s, od.directoryObjectsMixedSpec, items, "directoryObjects", t.count);
}

const GET_BY_IDS_MAX = 1000;

/** POST /directoryObjects/getByIds: the objects found, each with `@odata.type` and its default set. */
async function getByIds(s: Serve): Promise<EmuResponse> {
  const body = jsonBody(s.req) as { ids?: unknown; types?: unknown } | undefined;
  const ids = body?.ids;
  if (!body || typeof body !== "object" || !Array.isArray(ids) || !ids.every((i) => typeof i === "string")) {
    return graphError(s.info, 400, "Request_BadRequest", "Invalid request: the body must be a JSON object with an 'ids' array of strings.");
  }
  if (ids.length > GET_BY_IDS_MAX) {
    return graphError(s.info, 400, "Request_BadRequest", `The number of ids must not exceed ${GET_BY_IDS_MAX}.`);
  }
  let wanted: Set<string> | undefined;
  if (Array.isArray(body.types) && body.types.length) {
    wanted = new Set(
      body.types.map(
        (t) =>
          `#microsoft.graph.${String(t)
            .replace(/^#?microsoft\.graph\./i, "")
            .toLowerCase()}`,
      ),
    );
  }
  const { dir } = s.view;
  const value: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const raw of ids) {
    const o = dir.byId.get(raw.toLowerCase()) ?? dir.byId.get(raw);
    if (!o || seen.has(o.id)) continue;
    const type = typeOf(dir, o.id);
    const spec = type ? SPEC_BY_TYPE[type] : undefined;
    if (!type || !spec || (wanted && !wanted.has(type.toLowerCase()))) continue;
    seen.add(o.id);
    value.push(od.project(o, spec, null, type));
  }
  return okJson(s.info, { "@odata.context": metadata(s, "directoryObjects"), value });
}
