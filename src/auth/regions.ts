import { fetch, type Agent } from "undici";
import { noSuchTenant, notATenantIdOrDomain, tenantLookupUnanswered, tenantLookupUnreachable, tenantRegionMissing } from "../errors";

export interface TenantDiscovery {
  tenantId: string;
  region: string;
  /** Sub-scope such as GCC or DODCON, when the tenant is in a government cloud. */
  regionSubScope?: string;
}

/**
 * A tenant's region from its OpenID discovery document (`tenant_region_scope`), looked up by tenant
 * id or by a verified domain, cached for a TTL. Discovery documents are public and the same for every
 * caller, so this cache is shared by all requests without crossing any tenant's data.
 */
export class RegionResolver {
  private readonly cache = new Map<string, { value: Promise<TenantDiscovery>; expires: number }>();

  constructor(
    private readonly authorityHost: string,
    private readonly dispatcher: Agent,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  resolve(tenantIdOrDomain: string): Promise<TenantDiscovery> {
    const key = tenantIdOrDomain.toLowerCase();
    if (!/^[a-z0-9.-]{1,253}$/.test(key)) return Promise.reject(notATenantIdOrDomain());
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const value = this.fetchDiscovery(key);
    this.cache.set(key, { value, expires: this.now() + this.ttlMs });
    // A failed lookup is not cached: the next request tries again.
    value.catch(() => this.cache.delete(key));
    return value;
  }

  /** Readiness: the tenant's discovery document now, past the cache; it must name the same tenant. */
  async check(tenantId: string): Promise<void> {
    const found = await this.fetchDiscovery(tenantId.toLowerCase());
    if (found.tenantId !== tenantId.toLowerCase()) throw noSuchTenant(tenantId);
  }

  private async fetchDiscovery(tenant: string): Promise<TenantDiscovery> {
    const url = `${this.authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
    let res;
    try {
      res = await fetch(url, { dispatcher: this.dispatcher, signal: AbortSignal.timeout(10_000) });
    } catch {
      throw tenantLookupUnreachable();
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status === 400 || res.status === 404) throw noSuchTenant();
    if (!res.ok) throw tenantLookupUnanswered();
    const issuer = String(body.issuer ?? "");
    const tenantId = /\/([0-9a-f-]{36})\/v2\.0$/i.exec(issuer)?.[1]?.toLowerCase();
    const region = typeof body.tenant_region_scope === "string" ? body.tenant_region_scope : undefined;
    if (!tenantId || !region) throw tenantRegionMissing();
    const sub = typeof body.tenant_region_sub_scope === "string" ? body.tenant_region_sub_scope : undefined;
    const found = { tenantId, region, regionSubScope: sub };
    // Cache under the tenant id too, so a lookup by domain also serves lookups by id.
    if (tenantId !== tenant) this.cache.set(tenantId, { value: Promise.resolve(found), expires: this.now() + this.ttlMs });
    return found;
  }
}
