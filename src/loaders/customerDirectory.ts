import { PartnerGraphError } from "../errors";
import { buildQuery, skiptokenOf } from "../graph/odata";
import type { TenantData } from "./tenantData";

/** A customer tenant as the partner knows it. */
export interface CustomerRecord {
  id: string;
  displayName: string;
  defaultDomainName: string | null;
  /** The region of the partner tenant whose relationship lists it (`tenant_region_scope`). */
  region: string;
  partnerTenantId: string;
}

export interface PartnerSource {
  region: string;
  partnerTenantId: string;
  data: TenantData;
}

/** Contracts are read in pages of the largest size Graph allows, so a partner of 999 customers costs one call. */
const CONTRACT_PAGE = 999;

/**
 * The caller's customers: the union, over every regional partner tenant, of its `/contracts`, merged by
 * tenant id and sorted by name. Read once per operation; a customer not in it is not reachable.
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
    const lists = await Promise.all(partners.map((p) => this.contractsOf(p)));
    const merged = new Map<string, CustomerRecord>();
    for (const list of lists) for (const c of list) if (!merged.has(c.id)) merged.set(c.id, c);
    return merged;
  }

  private async contractsOf(partner: PartnerSource): Promise<CustomerRecord[]> {
    const out: CustomerRecord[] = [];
    let skiptoken: string | undefined;
    do {
      const page = await partner.data.get(`/contracts${buildQuery({ select: ["customerId", "defaultDomainName", "displayName"], top: CONTRACT_PAGE, skiptoken })}`);
      for (const c of page.value ?? []) {
        if (typeof c.customerId !== "string") continue;
        out.push({
          id: c.customerId.toLowerCase(),
          displayName: String(c.displayName ?? c.defaultDomainName ?? c.customerId),
          defaultDomainName: c.defaultDomainName ?? null,
          region: partner.region,
          partnerTenantId: partner.partnerTenantId,
        });
      }
      skiptoken = skiptokenOf(page["@odata.nextLink"]);
    } while (skiptoken);
    return out;
  }
}
