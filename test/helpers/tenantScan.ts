/**
 * Tenant isolation scanning: from the emulator's seeded dataset (GET /_emulator/tenants), which
 * tenant ids and domains a caller may see, and a scanner that finds any other tenant's id or domain
 * in a text (a response body, a log line). Every seeded object carries its tenant's id (tenantId) or
 * one of its domains (userPrincipalName, mail), so a foreign identifier anywhere is a leak.
 */

export interface SeededTenants {
  partners: Array<{ id: string; region: string; defaultDomain: string }>;
  customers: Array<{ id: string; region: string; defaultDomain: string; domains: string[]; partnerTenantId: string }>;
}

export interface TenantView {
  /** Customer tenant ids the caller may see. */
  customerIds: Set<string>;
  /** Its own partner tenants' ids (`me.partnerTenants`). */
  partnerIds: Set<string>;
  /** Identifiers (tenant ids and domains, lower case) of every tenant the caller must never see. */
  foreignIds: Set<string>;
  foreignDomains: Set<string>;
}

/**
 * What a caller served through the partner tenants of `regions` may see: those partner tenants and
 * their customers. Everything else in the dataset is foreign to it.
 */
export function viewOfRegions(seeded: SeededTenants, regions: readonly string[]): TenantView {
  const mine = (region: string) => regions.includes(region);
  const view: TenantView = { customerIds: new Set(), partnerIds: new Set(), foreignIds: new Set(), foreignDomains: new Set() };
  for (const p of seeded.partners) {
    if (mine(p.region)) {
      view.partnerIds.add(p.id.toLowerCase());
      continue;
    }
    view.foreignIds.add(p.id.toLowerCase());
    view.foreignDomains.add(p.defaultDomain.toLowerCase());
  }
  for (const c of seeded.customers) {
    if (mine(c.region)) {
      view.customerIds.add(c.id.toLowerCase());
      continue;
    }
    view.foreignIds.add(c.id.toLowerCase());
    for (const d of [c.defaultDomain, ...c.domains]) view.foreignDomains.add(d.toLowerCase());
  }
  return view;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Finds foreign identifiers in texts; one compiled domain pattern per view. */
export class ForeignIdentifierScanner {
  private readonly domains: RegExp | undefined;

  constructor(private readonly view: TenantView) {
    const escaped = [...view.foreignDomains].sort((a, b) => b.length - a.length).map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    // Bounded on both sides by a character that cannot continue a domain label, so that
    // "contosona001.onmicrosoft.com" is not found inside "xcontosona001.onmicrosoft.com".
    this.domains = escaped.length ? new RegExp(`(?<![a-z0-9-])(?:${escaped.join("|")})(?![a-z0-9-])`, "gi") : undefined;
  }

  /** The foreign tenant ids and domains that occur in `text` (empty when none). */
  find(text: string): string[] {
    const found = new Set<string>();
    for (const m of text.match(GUID) ?? []) if (this.view.foreignIds.has(m.toLowerCase())) found.add(m.toLowerCase());
    if (this.domains) for (const m of text.match(this.domains) ?? []) found.add(m.toLowerCase());
    return [...found];
  }
}

/**
 * Walks a GraphQL response's data and returns every `tenantId` (and every Customer `id`) that is
 * neither one of the caller's customers nor one of its partner tenants: a structural check beside the textual scan.
 */
export function foreignTenantFields(data: unknown, view: TenantView): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    const own = (id: string) => view.customerIds.has(id.toLowerCase()) || view.partnerIds.has(id.toLowerCase());
    if (typeof o.tenantId === "string" && !own(o.tenantId)) out.push(`tenantId ${o.tenantId}`);
    if (o.__typename === "Customer" && typeof o.id === "string" && !view.customerIds.has(o.id.toLowerCase())) out.push(`Customer ${o.id}`);
    for (const child of Object.values(o)) walk(child);
  };
  walk(data);
  return out;
}
