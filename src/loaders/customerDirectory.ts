import { customerListIncomplete, customerNotReachable, isGdapApiRefusal, PartnerGraphError } from "../errors";
import { roleName } from "../graph/permissions";
import { NEW_CUSTOMER_HORIZON_SECONDS } from "../graph/propagation";
import type { ListSource, TenantGraph } from "../graph/tenantGraph";

/** A GDAP relationship of the partner with a customer, as the partner tenant lists it. */
export interface GdapRelationshipRecord {
  id: string;
  displayName: string;
  status: string;
  roleDefinitionIds: string[];
  /** The same roles by name (Entra's built-in role templates; an unknown template by its id). */
  roles: string[];
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
  /**
   * Why the GDAP part of this customer is unknown: its partner tenant's GDAP lists could not be read
   * (no DelegatedAdminRelationship.Read.All, a DAP-only partner, a cloud without the API, an outage).
   */
  gdapUnavailable?: PartnerGraphError;
  /** When this process first saw the customer in a listing of its partner tenant that had not had it before. */
  firstSeenAt?: number;
}

/**
 * When the partner relationship with this customer began, as far as anything tells: the newest GDAP
 * relationship's creation, or the moment a listing first showed the customer (a DAP-only customer has
 * no date the partner can read). Undefined when nothing tells.
 */
export function relationshipCreatedAt(c: CustomerRecord): number | undefined {
  const times = c.gdapRelationships.map((r) => Date.parse(r.createdDateTime ?? "")).filter((t) => !Number.isNaN(t));
  if (c.firstSeenAt !== undefined) times.push(c.firstSeenAt);
  return times.length ? Math.max(...times) : undefined;
}

/** A regional partner tenant, read with the caller's credentials for it. */
export interface PartnerSource {
  region: string;
  partnerTenantId: string;
  graph: TenantGraph;
}

/** Lists are read in pages of the largest size Graph allows, so most partners cost one call per list. */
const CONTRACT_PAGE = 999;
const GDAP_PAGE = 300;
const RELATIONSHIP_FIELDS = [
  "id",
  "displayName",
  "status",
  "customer",
  "accessDetails",
  "createdDateTime",
  "activatedDateTime",
  "endDateTime",
  "autoExtendDuration",
];

/**
 * What one listing produced: the customers, the partner tenants whose customers could not be listed
 * (`part: "customers"`: all of them missing) or whose GDAP lists failed for a passing reason
 * (`part: "gdap"`: customers known only through GDAP missing), and the partner tenants all three of
 * whose lists were read (`complete`: only those tell which customers are new).
 */
export interface Listing {
  customers: Map<string, CustomerRecord>;
  failures: Array<{ partnerTenantId: string; region: string; error: Error; part: "customers" | "gdap" }>;
  complete: string[];
}

/** How often one caller partition may make us re-read its partner tenants for an id the cached listing lacks. */
export const UNKNOWN_ID_REFRESH_MS = 10_000;

/**
 * Complete listings, kept for a short time per caller partition ("app", or one agent's token), so an
 * operation does not re-read the partner tenants each time. Never shared between partitions: an agent
 * sees only what its own token listed. Incomplete listings are never kept.
 *
 * Also what the process has seen of each partner tenant's customers, so a customer that appears in a
 * listing after one without it is known to be new (its relationship began in between): the only date
 * a DAP-only customer has.
 */
export class ListingCache {
  private readonly entries = new Map<string, { listing: Listing; expires: number }>();
  private readonly refreshedAt = new Map<string, number>();
  private readonly known = new Map<string, Set<string>>();
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
    private readonly refreshIntervalMs = UNKNOWN_ID_REFRESH_MS,
  ) {}

  /**
   * Whether this partition may re-read its listing now because an id was not in it: at most once per
   * interval, so unknown ids cannot make us read the partner tenants at will.
   */
  mayRefresh(partition: string): boolean {
    const now = this.now();
    const last = this.refreshedAt.get(partition);
    if (last !== undefined && now - last < this.refreshIntervalMs) return false;
    this.refreshedAt.delete(partition);
    if (this.refreshedAt.size >= this.maxEntries) this.refreshedAt.delete(this.refreshedAt.keys().next().value!);
    this.refreshedAt.set(partition, now);
    return true;
  }

  /**
   * Notes the customers of each partner tenant this listing read, and marks on each record when it was
   * first seen, if a listing of its partner tenant before this one did not have it.
   */
  sight(listing: Listing): void {
    const now = this.now();
    const horizonMs = NEW_CUSTOMER_HORIZON_SECONDS * 1000;
    for (const [id, at] of this.firstSeen) if (now - at >= horizonMs) this.firstSeen.delete(id);
    // A partner tenant whose GDAP lists could not be read (failed, or refused to this caller) may be
    // missing customers: not a basis for "new", neither now nor for the next listing.
    const byPartner = new Map<string, string[]>(listing.complete.map((p) => [p, []]));
    for (const c of listing.customers.values()) byPartner.get(c.partnerTenantId)?.push(c.id);
    for (const [partner, ids] of byPartner) {
      const before = this.known.get(partner);
      if (before) for (const id of ids) if (!before.has(id) && !this.firstSeen.has(id)) this.firstSeen.set(id, now);
      this.known.set(partner, new Set(ids));
    }
    for (const c of listing.customers.values()) {
      const at = this.firstSeen.get(c.id);
      if (at !== undefined) c.firstSeenAt = at;
    }
  }

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

/**
 * The caller's customers: the union, over every regional partner tenant, of its `/contracts` (DAP
 * customers) and `/tenantRelationships/delegatedAdminCustomers` (GDAP customers), merged by tenant id
 * and sorted by name, with the GDAP relationships of each. The three lists of every partner tenant are
 * asked for in one wave. `/contracts` is the base: GDAP lists that cannot be read leave the contracts'
 * customers listed, their GDAP part unknown. Read once per operation; a customer not in it is not reachable.
 */
export class CustomerDirectory {
  private listing?: Promise<Listing>;
  /** The listing came from the cache, so an id it lacks may be a customer created since. */
  private fromCache = false;
  private refresh?: Promise<Listing>;

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
    const id = tenantId.toLowerCase();
    let listing = await this.load();
    // A customer created after the cached listing was read: read it again, once per operation and at
    // most once per interval for this caller partition.
    if (!listing.customers.has(id) && this.fromCache && this.cache) {
      this.refresh ??= this.cache.store.mayRefresh(this.cache.partition) ? this.fetchAndKeep() : Promise.resolve(listing);
      this.listing = this.refresh;
      listing = await this.refresh;
    }
    const record = listing.customers.get(id);
    if (record) return record;
    if (listing.failures.length > 0) throw customerListIncomplete();
    throw customerNotReachable();
  }

  private load(): Promise<Listing> {
    if (!this.listing && this.pinned) {
      this.listing = this.pinned().then((c) => ({ customers: new Map([[c.id, c]]), failures: [], complete: [] }));
    }
    if (!this.listing) {
      const cached = this.cache?.store.get(this.cache.partition);
      this.fromCache = cached !== undefined;
      this.listing = cached ? Promise.resolve(cached) : this.fetchAndKeep();
    }
    return this.listing;
  }

  private fetchAndKeep(): Promise<Listing> {
    return this.fetchAll().then((l) => {
      this.cache?.store.sight(l);
      this.cache?.store.set(this.cache.partition, l);
      return l;
    });
  }

  /** Every partner tenant alone: one that fails leaves the others' customers listed. */
  private async fetchAll(): Promise<Listing> {
    const partners = await this.partners();
    const settled = await Promise.allSettled(partners.map((p) => this.partnerListing(p)));
    const customers = new Map<string, CustomerRecord>();
    const failures: Listing["failures"] = [];
    const complete: string[] = [];
    settled.forEach((s, i) => {
      const { partnerTenantId, region } = partners[i];
      if (s.status === "rejected") {
        failures.push({ partnerTenantId, region, error: s.reason as Error, part: "customers" });
        return;
      }
      const { gdapError } = s.value;
      if (!gdapError) complete.push(partnerTenantId);
      else if (!isGdapApiRefusal(gdapError)) failures.push({ partnerTenantId, region, error: gdapError, part: "gdap" });
      for (const c of s.value.customers) mergeCustomer(customers, c);
    });
    return { customers, failures, complete };
  }

  /**
   * The three lists of one partner tenant, asked for together (one $batch). GDAP lists that fail leave
   * the contracts' customers with their GDAP part unavailable; a refusal (no permission, no such API)
   * is a lasting answer, anything else a passing one that makes the listing incomplete.
   */
  private async partnerListing(p: PartnerSource): Promise<{ customers: CustomerRecord[]; gdapError?: PartnerGraphError }> {
    const [contracts, gdap] = await Promise.all([
      this.contractsOf(p),
      Promise.all([this.gdapCustomersOf(p), allPages(p.graph, { kind: "delegatedAdminRelationships" }, RELATIONSHIP_FIELDS, GDAP_PAGE)]).then(
        ([customers, relationships]) => ({ customers, relationships, error: undefined }),
        (error: unknown) => {
          if (!(error instanceof PartnerGraphError)) throw error;
          return { customers: [], relationships: [], error };
        },
      ),
    ]);
    const byId = new Map<string, CustomerRecord>();
    for (const c of [...contracts, ...gdap.customers]) mergeCustomer(byId, c);
    for (const row of gdap.relationships) {
      const tenantId = String((row.customer as { tenantId?: unknown } | undefined)?.tenantId ?? "").toLowerCase();
      byId.get(tenantId)?.gdapRelationships.push(toRelationship(row));
    }
    if (gdap.error) for (const c of byId.values()) c.gdapUnavailable = gdap.error;
    return { customers: [...byId.values()], gdapError: gdap.error };
  }

  private async contractsOf(partner: PartnerSource): Promise<CustomerRecord[]> {
    const rows = await allPages(partner.graph, { kind: "contracts" }, ["customerId", "defaultDomainName", "displayName"], CONTRACT_PAGE);
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
    const rows = await allPages(partner.graph, { kind: "delegatedAdminCustomers" }, ["tenantId", "displayName"], GDAP_PAGE);
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

/** Follows a partner-tenant list to its end, page by page. */
async function allPages(graph: TenantGraph, source: ListSource, select: string[], top: number): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let skiptoken: string | undefined;
  do {
    const page = await graph.list(source, { select }, { top, skiptoken });
    out.push(...page.items);
    skiptoken = page.skiptoken;
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
    gdapUnavailable: seen.gdapUnavailable ?? c.gdapUnavailable,
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
    roles: roles.map(roleName),
    createdDateTime: str(row.createdDateTime),
    activatedDateTime: str(row.activatedDateTime),
    endDateTime: str(row.endDateTime),
    autoExtendDuration: str(row.autoExtendDuration),
  };
}
