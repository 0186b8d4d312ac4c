/**
 * `$select` and projection. Graph matches property names case-insensitively and answers with the
 * schema's spelling; unset scalars come back as null and unset collections as [] (docs/graph-facts.md §5).
 */
import type { GraphObject } from "../data/model";
import { badRequest, unknownProperty, type QueryError } from "./errors";
import type { PropertyType, ResourceSpec } from "./types";

const lookups = new WeakMap<ResourceSpec, Map<string, string>>();

/** The schema spelling of a property name, or null when the type has no such property. */
export function canonicalName(spec: ResourceSpec, name: string): string | null {
  let map = lookups.get(spec);
  if (!map) {
    map = new Map(Object.keys(spec.properties).map((k) => [k.toLowerCase(), k]));
    lookups.set(spec, map);
  }
  return map.get(name.toLowerCase()) ?? null;
}

/** Properties returned when no $select is given. */
export function defaultProperties(spec: ResourceSpec): readonly string[] {
  return spec.defaultSelect ?? Object.keys(spec.properties).filter((k) => !spec.properties[k].singleOnly);
}

/** Splits `$select`; returns the names as written (resolution is per spec). */
export function splitSelect(raw: string): string[] | QueryError {
  const names = raw.split(",").map((s) => s.trim());
  if (names.some((n) => n === "")) return badRequest(`Syntax error in $select: '${raw}'.`);
  return names;
}

/** Resolves names against one spec: canonical names, or the 400 for the first unknown one. */
export function resolveSelect(spec: ResourceSpec, names: readonly string[]): string[] | QueryError {
  const out: string[] = [];
  for (const n of names) {
    const c = canonicalName(spec, n);
    if (c === null) return unknownProperty(n, spec);
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

const isCollection = (t: PropertyType | undefined): boolean => t === "stringCollection" || t === "complexCollection";

/**
 * Picks `names` (canonical, or the default set when null) from `item`; `id` is always kept and
 * `@odata.*` annotations of the item (type, etag) are carried. `odataType` forces `@odata.type`
 * first, as on mixed collections.
 */
export function project(item: GraphObject, spec: ResourceSpec, names: readonly string[] | null, odataType?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (odataType) out["@odata.type"] = odataType;
  // Graph annotates items with @odata.type only in collections that mix types, and on resources whose
  // docs show it on every item (GDAP); the store keeps it on every object, so it is dropped elsewhere.
  for (const key of Object.keys(item)) {
    if (!key.startsWith("@odata.") || key in out) continue;
    if (key === "@odata.type" && !spec.annotatesItemType) continue;
    out[key] = item[key];
  }
  const keys = names ?? defaultProperties(spec);
  for (const k of keys) {
    out[k] = k in item ? item[k] : isCollection(spec.properties[k]?.type) ? [] : null;
  }
  if (!("id" in out)) out.id = item.id;
  return out;
}

/** `…#users` + `(id,displayName)`; an entity context keeps its `/$entity` suffix last. */
export function contextWithSelect(contextUrl: string, names: readonly string[] | null): string {
  if (!names) return contextUrl;
  const list = `(${names.join(",")})`;
  return contextUrl.endsWith("/$entity") ? `${contextUrl.slice(0, -"/$entity".length)}${list}/$entity` : contextUrl + list;
}
