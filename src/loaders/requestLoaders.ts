import type { TenantGraph } from "../graph/tenantGraph";
import type { CursorCodec } from "./cursor";
import { CustomerDirectory, relationshipCreatedAt, type CustomerRecord, type ListingCache, type PartnerSource } from "./customerDirectory";
import { checkTenantId } from "../ids";
import { offsetPage, type Page, type PageRequest } from "./paging";
import { TenantLoaders } from "./tenantLoaders";

/**
 * The TenantGraphs of one operation, as its composition (src/requestScope.ts) provides them: with the
 * caller's credentials for each tenant. Each tenant has one TenantGraph per operation.
 */
export interface TenantGraphs {
  /** The regional partner tenants (their contracts and GDAP lists). */
  partnerTenants(): Promise<PartnerSource[]>;
  /** A customer the directory listed: its region says whose tokens reach it; its relationship start dates denials. */
  customer(customer: { id: string; region: string; relationshipStart?: number }): TenantGraph;
  /** The tenant of a customer token, read with that token alone. */
  pinned(tenantId: string): TenantGraph;
}

export interface RequestLoaderOptions {
  /** Recent complete customer listings, shared by the process. */
  listings: ListingCache;
  /** The caller's cache partition ("app…", or one agent's). */
  partition: string;
  /** Who the customers list's cursors are bound to (the app, or one agent; not one token of theirs). */
  cursorOwner: string;
  /** The caller's partner tenant, when known (recorded on a pinned customer). */
  partnerTenantId?: string;
  /** A customer token's tenant: the only customer of this operation. */
  pinnedTenantId?: string;
}

/**
 * Everything one GraphQL operation reads, created per request: the caller's customer directory, and
 * the loaders of each customer tenant it touches. Never shared between operations (DataLoader's rule:
 * one cache never serves callers with different permissions).
 */
export class RequestLoaders {
  readonly customers: CustomerDirectory;
  private readonly tenants = new Map<string, TenantLoaders>();

  constructor(
    private readonly graphs: TenantGraphs,
    private readonly cursors: CursorCodec,
    private readonly options: RequestLoaderOptions,
  ) {
    const pinned = options.pinnedTenantId;
    this.customers = new CustomerDirectory(
      () => graphs.partnerTenants(),
      { store: options.listings, partition: options.partition },
      pinned ? () => this.describeTenant(pinned, graphs.pinned(pinned)) : undefined,
    );
  }

  /**
   * The loaders of a customer tenant the caller can reach. Its Graph is reached only through the
   * customer directory, so a tenant that is not the caller's customer fails as FORBIDDEN there and
   * never reaches Graph.
   */
  tenant(tenantId: string): TenantLoaders {
    const id = checkTenantId(String(tenantId));
    let loaders = this.tenants.get(id);
    if (!loaders) {
      const graph = async () => {
        const record = await this.customers.get(id);
        return this.graphs.customer({ id: record.id, region: record.region, relationshipStart: relationshipCreatedAt(record) });
      };
      loaders = new TenantLoaders(id, graph, this.cursors);
      this.tenants.set(id, loaders);
    }
    return loaders;
  }

  /** A Relay page of the caller's customers, by name. */
  async customerPage(request: PageRequest): Promise<Page<CustomerRecord>> {
    const all = await this.customers.list();
    return offsetPage(all, request, this.cursors, { tenantId: "partner", query: `customers|${this.options.cursorOwner}` });
  }

  /** A tenant described by its own /organization, read with its own token. */
  private async describeTenant(tenantId: string, graph: TenantGraph): Promise<CustomerRecord> {
    const page = await graph.list({ kind: "organization" }, { select: ["displayName", "id", "verifiedDomains"] }, {});
    const org: Record<string, unknown> = page.items[0] ?? {};
    const domains = (Array.isArray(org.verifiedDomains) ? org.verifiedDomains : []) as Array<{ name?: string; isDefault?: boolean }>;
    return {
      id: tenantId,
      displayName: String(org.displayName ?? tenantId),
      defaultDomainName: domains.find((d) => d.isDefault)?.name ?? null,
      region: "",
      partnerTenantId: this.options.partnerTenantId ?? "",
      contract: false,
      gdapRelationships: [],
    };
  }
}
