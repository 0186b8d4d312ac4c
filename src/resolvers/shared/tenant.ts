import type { RequestContext } from "../../context";
import type { TenantData } from "../../loaders/tenantData";
import { checkTenantId } from "./ids";

/**
 * The Graph data of a customer tenant the caller can reach. Goes through the customer directory
 * first, so an entity naming a tenant that is not the caller's customer fails as FORBIDDEN there and
 * never reaches Graph.
 */
export async function tenantData(ctx: RequestContext, tenantId: string): Promise<TenantData> {
  return ctx.data.tenant(await ctx.data.customers.get(checkTenantId(String(tenantId))));
}

/** Graph sends DateTimeOffset as ISO text; the schema's DateTimeISO scalar wants Date objects. */
export function toDates<T extends Record<string, unknown>>(o: T, fields: readonly string[]): T {
  for (const f of fields) {
    if (!(f in o)) continue;
    const v = o[f];
    (o as Record<string, unknown>)[f] = typeof v === "string" && !Number.isNaN(Date.parse(v)) ? new Date(v) : null;
  }
  return o;
}

/** A Graph string mapped onto a schema enum; values Graph adds later (unknownFutureValue…) become `fallback`. */
export function enumValue<E extends string>(values: readonly E[], v: unknown, fallback: E | null = null): E | null {
  return typeof v === "string" && (values as readonly string[]).includes(v) ? (v as E) : v === undefined || v === null ? null : fallback;
}

/** Maps each GraphQL field to the same-named Graph property. */
export function sameNames(fields: readonly string[]): Record<string, readonly string[]> {
  return Object.fromEntries(fields.map((f) => [f, [f]]));
}
