import type { Agent } from "undici";
import type { TenantAccess, TokenSource } from "../auth/tokenSource";
import { TenantGraphClient } from "../graph/graphClient";
import { CustomerDirectory, type CustomerRecord } from "./customerDirectory";
import { TenantData } from "./tenantData";

export interface GraphSettings {
  graphEndpoint: string;
  dispatcher: Agent;
}

/**
 * Everything one GraphQL operation reads from Microsoft Graph, created per request: the caller's
 * customer directory and, lazily, one TenantData per customer tenant it touches.
 */
export class RequestData {
  readonly customers: CustomerDirectory;
  private readonly tenants = new Map<string, TenantData>();

  constructor(private readonly access: TenantAccess, private readonly graph: GraphSettings) {
    this.customers = new CustomerDirectory(async () =>
      (await access.partnerTenants()).map(({ region, tokens }) => ({
        region,
        partnerTenantId: tokens.tenantId,
        data: this.dataFor(tokens.tenantId, async () => tokens),
      })),
    );
  }

  /** The Graph data of a customer tenant the directory listed (so its region is known). */
  tenant(customer: CustomerRecord): TenantData {
    return this.dataFor(customer.id, () => this.access.forCustomer(customer.id, customer.region));
  }

  private dataFor(tenantId: string, tokens: () => Promise<TokenSource>): TenantData {
    const key = tenantId.toLowerCase();
    let data = this.tenants.get(key);
    if (!data) {
      let source: Promise<TokenSource> | undefined;
      const once = () => (source ??= tokens());
      data = new TenantData(key, new TenantGraphClient(key, once, this.graph.graphEndpoint, this.graph.dispatcher));
      this.tenants.set(key, data);
    }
    return data;
  }
}
