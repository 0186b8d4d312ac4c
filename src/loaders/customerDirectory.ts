import { PartnerGraphError } from "../errors";
import { buildQuery, skiptokenOf } from "../graph/odata";
import type { TenantData } from "./tenantData";

/** A GDAP relationship of the partner with a customer, as the partner tenant lists it. */
export interface GdapRelationshipRecord {
  id: string;
  displayName: string;
  status: string;
  roleDefinitionIds: string[];
  createdDateTime: string | null;
  activatedDateTime: string | null;
  endDateTime: string | null;
  autoExtendDuration: string | null;
}

/** A customer tenant as the partner knows it. */
export interface CustomerRecord {
  id: string;
  displayName: string;
  defaultDomainName: string | null;
  /** The region of the partner tenant whose relationship lists it (`tenant_region_scope`). */
  region: string;
  partnerTenantId: string;
  /** Listed in the partner tenant's /contracts (the DAP-era partner contract). */
  contract: boolean;
  gdapRelationships: GdapRelationshipRecord[];
}

/** When the partner relationship with this customer began, if known: the newest relationship's creation. */
export function relationshipCreatedAt(c: CustomerRecord): number | undefined {
  const times = c.gdapRelationships.map((r) => Date.parse(r.createdDateTime ?? "")).filter((t) => !Number.isNaN(t));
  return times.length ? Math.max(...times) : undefined;
}

export interface PartnerSource {
  region: string;
  partnerTenantId: string;
  data: TenantData;
}

/** Lists are read in pages of the largest size Graph allows, so most partners cost one call per list. */
const CONTRACT_PAGE = 999;
const GDAP_PAGE = 300;
const RELATIONSHIP_FIELDS = ["id", "displayName", "status", "customer", "accessDetails", "createdDateTime", "activatedDateTime", "endDateTime", "autoExtendDuration"];

/**
 * The caller's customers: the union, over every regional partner tenant, of its `/contracts` (DAP
 * customers) and `/tenantRelationships/delegatedAdminCustomers` (GDAP customers), merged by tenant id
 * and sorted by name, with the GDAP relationships of each. The three lists of every partner tenant are
 * asked for in one wave. Read once per operation; a customer not in it is not reachable.
 */
/** What one listing produced: the customers, and the partner tenants that could not be read. */
export interface Listing {
  customers: Map<string, CustomerRecord>;
  failures: Array<{ partnerTenantId: string; region: string; error: Error }>;
}

/**
 * Complete listings, kept for a short time per caller partition ("app", or one agent's token), so an
 * operation does not re-read the partner tenants each time. Never shared between partitions: an agent
 * sees only what its own token listed. Incomplete listings are never kept.
 */
export class ListingCache {
  private readonly entries = new Map<string, { listing: Listing; expires: number }>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now, private readonly maxEntries = 1000) {}

  get(partition: string): Listing | undefined {
    const hit = this.entries.get(partition);
    if (!hit) return undefined;
    if (hit.expires > this.now()) return hit.listing;
    this.entries.delete(partition);
    return undefined;
  }

  set(partition: string, listing: Listing): void {
    if (this.ttlMs <= 0 || listing.failures.length > 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(partition, { listing, expires: this.now() + this.ttlMs });
  }
}

export class CustomerDirectory {
  private listing?: Promise<Listing>;

  constructor(
    private readonly partners: () => Promise<PartnerSource[]>,
    private readonly cache?: { store: ListingCache; partition: string },
    /** With a customer token, the caller's one customer, described by that tenant itself. */
    private readonly pinned?: () => Promise<CustomerRecord>,
  ) {}

  async list(): Promise<CustomerRecord[]> {
    return [...(await this.load()).customers.values()].sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
  }

  /** Partner tenants whose lists could not be read in this operation (their customers are missing). */
  async failures(): Promise<Listing["failures"]> {
    return (await this.load()).failures;
  }

  /**
   * The customer with this tenant id. An unknown tenant and a tenant of another partner get the same
   * answer, so the API cannot be used to probe which tenants exist. While a partner tenant's list could
   * not be read, an unlisted tenant may be one of its customers: that is UPSTREAM_UNAVAILABLE.
   */
  async get(tenantId: string): Promise<CustomerRecord> {
    const listing = await this.load();
    const record = listing.customers.get(tenantId.toLowerCase());
    if (record) return record;
    if (listing.failures.length > 0) {
      throw new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The partner's customer list could not be read completely; try again.", {
        retryAfter: 5,
      });
    }
    throw new PartnerGraphError("FORBIDDEN", "This tenant is not a customer the caller can reach.");
  }

  private load(): Promise<Listing> {
    if (!this.listing && this.pinned) {
      this.listing = this.pinned().then((c) => ({ customers: new Map([[c.id, c]]), failures: [] }));
    }
    if (!this.listing) {
      const cached = this.cache?.store.get(this.cache.partition);
      this.listing = cached ? Promise.resolve(cached) : this.fetchAll().then((l) => (this.cache?.store.set(this.cache.partition, l), l));
    }
    return this.listing;
  }

  /** Every partner tenant alone: one that fails leaves the others' customers listed. */
  private async fetchAll(): Promise<Listing> {
    const partners = await this.partners();
    const settled = await Promise.allSettled(partners.map((p) => this.partnerListing(p)));
    const customers = new Map<string, CustomerRecord>();
    const failures: Listing["failures"] = [];
    settled.forEach((s, i) => {
      if (s.status === "rejected") {
        failures.push({ partnerTenantId: partners[i].partnerTenantId, region: partners[i].region, error: s.reason as Error });
        return;
      }
      for (const c of s.value) mergeCustomer(customers, c);
    });
    return { customers, failures };
  }

  /** The three lists of one partner tenant, asked for together (one $batch). */
  private async partnerListing(p: PartnerSource): Promise<CustomerRecord[]> {
    const [contracts, gdap, relationships] = await Promise.all([
      this.contractsOf(p),
      this.gdapCustomersOf(p),
      allPages(p.data, "/tenantRelationships/delegatedAdminRelationships", RELATIONSHIP_FIELDS, GDAP_PAGE),
    ]);
    const byId = new Map<string, CustomerRecord>();
    for (const c of [...contracts, ...gdap]) mergeCustomer(byId, c);
    for (const row of relationships) {
      const tenantId = String((row.customer as { tenantId?: unknown } | undefined)?.tenantId ?? "").toLowerCase();
      byId.get(tenantId)?.gdapRelationships.push(toRelationship(row));
    }
    return [...byId.values()];
  }

  private async contractsOf(partner: PartnerSource): Promise<CustomerRecord[]> {
    const rows = await allPages(partner.data, "/contracts", ["customerId", "defaultDomainName", "displayName"], CONTRACT_PAGE);
    return rows
      .filter((c) => typeof c.customerId === "string")
      .map((c) => ({
        id: String(c.customerId).toLowerCase(),
        displayName: String(c.displayName ?? c.defaultDomainName ?? c.customerId),
        defaultDomainName: typeof c.defaultDomainName === "string" ? c.defaultDomainName : null,
        region: partner.region,
        partnerTenantId: partner.partnerTenantId,
        contract: true,
        gdapRelationships: [],
      }));
  }

  /** GDAP customers carry no domain; a DAP contract of the same tenant, when there is one, supplies it. */
  private async gdapCustomersOf(partner: PartnerSource): Promise<CustomerRecord[]> {
    const rows = await allPages(partner.data, "/tenantRelationships/delegatedAdminCustomers", ["tenantId", "displayName"], GDAP_PAGE);
    return rows
      .filter((c) => typeof c.tenantId === "string")
      .map((c) => ({
        id: String(c.tenantId).toLowerCase(),
        displayName: String(c.displayName ?? c.tenantId),
        defaultDomainName: null,
        region: partner.region,
        partnerTenantId: partner.partnerTenantId,
        contract: false,
        gdapRelationships: [],
      }));
  }
}

/** Follows a partner-tenant list to its end; we rebuild each next URL from its skip token. */
async function allPages(data: TenantData, path: string, select: string[], top: number): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let skiptoken: string | undefined;
  do {
    const page = await data.get(`${path}${buildQuery({ select, top, skiptoken })}`);
    out.push(...(page.value ?? []));
    skiptoken = skiptokenOf(page["@odata.nextLink"]);
  } while (skiptoken);
  return out;
}

/** Adds a customer listed again (by contracts and by GDAP, or by two partner tenants) into one record. */
function mergeCustomer(into: Map<string, CustomerRecord>, c: CustomerRecord): void {
  const seen = into.get(c.id);
  if (!seen) {
    into.set(c.id, c);
    return;
  }
  into.set(c.id, {
    ...seen,
    contract: seen.contract || c.contract,
    defaultDomainName: seen.defaultDomainName ?? c.defaultDomainName,
    gdapRelationships: [...seen.gdapRelationships, ...c.gdapRelationships],
  });
}

function toRelationship(row: Record<string, unknown>): GdapRelationshipRecord {
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const roles = ((row.accessDetails as { unifiedRoles?: Array<{ roleDefinitionId?: unknown }> } | undefined)?.unifiedRoles ?? [])
    .map((r) => String(r.roleDefinitionId ?? ""))
    .filter(Boolean);
  return {
    id: String(row.id),
    displayName: String(row.displayName ?? ""),
    status: String(row.status ?? "unknown"),
    roleDefinitionIds: roles,
    createdDateTime: str(row.createdDateTime),
    activatedDateTime: str(row.activatedDateTime),
    endDateTime: str(row.endDateTime),
    autoExtendDuration: str(row.autoExtendDuration),
  };
}
