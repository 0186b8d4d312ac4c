import type { ResourceKind } from "./authorize";
import { Messages } from "./errors";

/**
 * Turns a Graph URL path into a target. Segments are matched case-insensitively, as Graph does
 * (`/deviceManagement/manageddevices` works). Everything is read-only except the two POST actions.
 */

export type EntitySet =
  | "users"
  | "groups"
  | "devices"
  | "directoryObjects"
  | "managedDevices"
  | "contracts"
  | "organization"
  | "delegatedAdminCustomers"
  | "delegatedAdminRelationships";

/** Navigation properties the emulator serves, per entity set. */
const NAVIGATIONS: Partial<Record<EntitySet, readonly string[]>> = {
  users: ["memberOf", "transitiveMemberOf", "ownedDevices", "registeredDevices", "managedDevices", "manager", "directReports"],
  groups: ["members", "transitiveMembers", "owners", "memberOf", "transitiveMemberOf"],
  devices: ["registeredOwners", "registeredUsers", "memberOf", "transitiveMemberOf"],
};
/** Navigations that name a single object, not a collection. */
export const SINGLE_NAVIGATIONS: ReadonlySet<string> = new Set(["manager"]);
/** OData casts accepted after a mixed navigation (`/memberOf/microsoft.graph.group`). */
const CASTS = ["microsoft.graph.user", "microsoft.graph.group", "microsoft.graph.device"];

export type Key = { id: string } | { deviceId: string };

export type Target =
  | { kind: "collection"; set: EntitySet; count: boolean }
  | { kind: "entity"; set: EntitySet; key: Key }
  | { kind: "navigation"; set: EntitySet; key: Key; nav: string; cast?: string; count: boolean }
  | { kind: "getByIds" }
  | { kind: "batch" };

export interface Route {
  target: Target;
  /** Which permissions the request needs. */
  resource: ResourceKind;
  /** Which throttling applies: directory resource units, Intune request counts, or none (GDAP). */
  service: "directory" | "intune" | "none";
  /** Base resource-unit cost (docs/graph-facts.md §2) before the query adjustments. */
  baseCost: number;
}

export type RouteResult = { ok: true; route: Route } | { ok: false; status: number; code: string; message: string };

const TOP_LEVEL: Record<string, EntitySet> = {
  users: "users",
  groups: "groups",
  devices: "devices",
  contracts: "contracts",
  organization: "organization",
  directoryobjects: "directoryObjects",
};

const segmentError = (segment: string): RouteResult => ({
  ok: false,
  status: 400,
  code: "BadRequest",
  message: Messages.segmentNotFound(segment),
});
const methodError = (): RouteResult => ({
  ok: false,
  status: 405,
  code: "Request_BadRequest",
  message: Messages.methodNotAllowed,
});

function canonical(list: readonly string[], segment: string): string | undefined {
  const s = segment.toLowerCase();
  return list.find((n) => n.toLowerCase() === s);
}

/** `segments` are the decoded path segments after the version (`v1.0`, `beta`). */
export function route(method: string, segments: readonly string[]): RouteResult {
  const m = method.toUpperCase();
  const [first = "", ...rest] = segments;
  const head = first.toLowerCase();

  if (head === "$batch" && rest.length === 0) return m === "POST" ? done({ kind: "batch" }) : methodError();

  // `devices(deviceId='…')`: lookup by the alternate key (docs/graph-facts.md §5 navigation map).
  const alt = /^devices\(deviceId='((?:[^']|'')*)'\)$/i.exec(first);
  if (alt) return afterKey("devices", { deviceId: alt[1]!.replace(/''/g, "'") }, rest, m);

  let set: EntitySet | undefined = TOP_LEVEL[head];
  let tail = rest;
  if (head === "devicemanagement") {
    if ((rest[0] ?? "").toLowerCase() !== "manageddevices") return segmentError(rest[0] ?? first);
    set = "managedDevices";
    tail = rest.slice(1);
  } else if (head === "tenantrelationships") {
    const sub = (rest[0] ?? "").toLowerCase();
    if (sub === "delegatedadmincustomers") set = "delegatedAdminCustomers";
    else if (sub === "delegatedadminrelationships") set = "delegatedAdminRelationships";
    else return segmentError(rest[0] ?? first);
    tail = rest.slice(1);
  }
  if (!set) return segmentError(first);

  if (set === "directoryObjects") {
    const action = (tail[0] ?? "").toLowerCase();
    if (tail.length === 1 && (action === "getbyids" || action === "microsoft.graph.getbyids")) {
      return m === "POST" ? done({ kind: "getByIds" }) : methodError();
    }
    if (tail.length === 0) return m === "GET" ? segmentError(first) : methodError();
  }

  if (tail.length === 0) return m === "GET" ? done({ kind: "collection", set, count: false }) : methodError();
  if (tail[0] === "$count") {
    if (tail.length > 1) return segmentError(tail[1]!);
    return m === "GET" ? done({ kind: "collection", set, count: true }) : methodError();
  }
  return afterKey(set, { id: tail[0]! }, tail.slice(1), m);
}

function afterKey(set: EntitySet, key: Key, tail: readonly string[], method: string): RouteResult {
  if (method !== "GET") return methodError();
  if (tail.length === 0) return done({ kind: "entity", set, key });
  const nav = canonical(NAVIGATIONS[set] ?? [], tail[0]!);
  if (!nav) return segmentError(tail[0]!);
  let rest = tail.slice(1);
  let cast: string | undefined;
  if (rest.length && !SINGLE_NAVIGATIONS.has(nav)) {
    const c = canonical(CASTS, rest[0]!);
    if (c) {
      cast = c;
      rest = rest.slice(1);
    }
  }
  let count = false;
  if (rest.length && rest[0] === "$count" && !SINGLE_NAVIGATIONS.has(nav)) {
    count = true;
    rest = rest.slice(1);
  }
  if (rest.length) return segmentError(rest[0]!);
  return done({ kind: "navigation", set, key, nav, cast, count });
}

function done(target: Target): RouteResult {
  return { ok: true, route: { target, ...classify(target) } };
}

/** Permission class, throttling service and base RU cost of a target (docs/graph-facts.md §2). */
function classify(target: Target): Omit<Route, "target"> {
  switch (target.kind) {
    case "batch":
      return { resource: "directoryObjects", service: "none", baseCost: 0 };
    case "getByIds":
      return { resource: "directoryObjects", service: "directory", baseCost: 5 };
    case "collection":
    case "entity": {
      const set = target.set;
      if (set === "managedDevices") return { resource: "managedDevices", service: "intune", baseCost: 1 };
      if (set === "delegatedAdminCustomers" || set === "delegatedAdminRelationships") {
        return { resource: "delegatedAdmin", service: "none", baseCost: 1 };
      }
      const baseCost =
        target.kind === "collection" && !target.count && set === "users" ? 2 : target.kind === "collection" && !target.count && set === "contracts" ? 3 : 1;
      return { resource: resourceOf(set), service: "directory", baseCost };
    }
    case "navigation": {
      if (target.nav === "managedDevices") return { resource: "managedDevices", service: "intune", baseCost: 1 };
      const baseCost =
        target.nav === "members"
          ? 3
          : target.nav === "transitiveMembers"
            ? 5
            : target.set === "users" && (target.nav === "memberOf" || target.nav === "transitiveMemberOf")
              ? 2
              : 1;
      return { resource: resourceOf(target.set), service: "directory", baseCost };
    }
  }
}

function resourceOf(set: EntitySet): ResourceKind {
  switch (set) {
    case "users":
    case "groups":
    case "devices":
    case "contracts":
    case "organization":
    case "directoryObjects":
    case "managedDevices":
      return set;
    case "delegatedAdminCustomers":
    case "delegatedAdminRelationships":
      return "delegatedAdmin";
  }
}
