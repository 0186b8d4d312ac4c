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
export class CustomerDirectory {
  private listing?: Promise<Map<string, CustomerRecord>>;

  constructor(private readonly partners: () => Promise<PartnerSource[]>) {}

  async list(): Promise<CustomerRecord[]> {
    return [...(await this.load()).values()].sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
  }

  /**
   * The customer with this tenant id. An unknown tenant and a tenant of another partner get the same
   * answer, so the API cannot be used to probe which tenants exist.
   */
  async get(tenantId: string): Promise<CustomerRecord> {
    const record = (await this.load()).get(tenantId.toLowerCase());
    if (!record) throw new PartnerGraphError("FORBIDDEN", "This tenant is not a customer the caller can reach.");
    return record;
  }

  async find(tenantId: string): Promise<CustomerRecord | undefined> {
    return (await this.load()).get(tenantId.toLowerCase());
  }

  private load(): Promise<Map<string, CustomerRecord>> {
    this.listing ??= this.fetchAll();
    return this.listing;
  }

  private async fetchAll(): Promise<Map<string, CustomerRecord>> {
    const partners = await this.partners();
    const [lists, relationships] = await Promise.all([
      Promise.all(partners.flatMap((p) => [this.contractsOf(p), this.gdapCustomersOf(p)])),
      Promise.all(partners.map((p) => allPages(p.data, "/tenantRelationships/delegatedAdminRelationships", RELATIONSHIP_FIELDS, GDAP_PAGE))),
    ]);
    const merged = new Map<string, CustomerRecord>();
    for (const list of lists) {
      for (const c of list) {
        const seen = merged.get(c.id);
        if (!seen) merged.set(c.id, c);
        else merged.set(c.id, { ...seen, contract: seen.contract || c.contract, defaultDomainName: seen.defaultDomainName ?? c.defaultDomainName });
      }
    }
    for (const row of relationships.flat()) {
      const tenantId = String((row.customer as { tenantId?: unknown } | undefined)?.tenantId ?? "").toLowerCase();
      merged.get(tenantId)?.gdapRelationships.push(toRelationship(row));
    }
    return merged;
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
