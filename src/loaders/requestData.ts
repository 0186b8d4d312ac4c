import type { Agent } from "undici";
import type { Caller } from "../auth/caller";
import type { TenantAccess, TokenSource } from "../auth/tokenSource";
import { TenantGraphClient, type CallPolicy } from "../graph/graphClient";
import type { GraphBudget } from "../graph/budget";
import type { InFlightLimits, TenantBreakers } from "../graph/resilience";
import { CustomerDirectory, type CustomerRecord, type ListingCache } from "./customerDirectory";
import { customerFailureMapper, partnerFailureMapper } from "./failures";
import type { DenialEpisodes } from "./readiness";
import { TenantData, type FailureMapper } from "./tenantData";

export interface GraphSettings {
  graphEndpoint: string;
  dispatcher: Agent;
  limits: InFlightLimits;
  breakers: TenantBreakers;
  budget: GraphBudget;
  /** The operation's deadline: customers that do not answer by then return TIMEOUT at their path. */
  operationTimeoutMs: number;
  /** Recent complete customer listings per caller partition. */
  listings: ListingCache;
  /** When each (caller partition, customer) began to be denied, for customers whose age nothing tells. */
  denials: DenialEpisodes;
  now?: () => number;
}

/**
 * Everything one GraphQL operation reads from Microsoft Graph, created per request: the caller's
 * customer directory and, lazily, one TenantData per customer tenant it touches.
 */
export class RequestData {
  readonly customers: CustomerDirectory;
  private readonly tenants = new Map<string, TenantData>();
  private readonly policy: CallPolicy;

  constructor(
    private readonly caller: Caller,
    private readonly access: TenantAccess,
    private readonly graph: GraphSettings,
    /** A customer token's tenant: the only customer of this request. */
    pinnedTenantId?: string,
  ) {
    this.policy = {
      limits: graph.limits,
      breakers: graph.breakers,
      budget: graph.budget,
      deadline: Date.now() + graph.operationTimeoutMs,
      signal: AbortSignal.timeout(graph.operationTimeoutMs),
      partition: caller.partition,
    };
    this.customers = new CustomerDirectory(async () =>
      (await access.partnerTenants()).map(({ region, tokens }) => ({
        region,
        partnerTenantId: tokens.tenantId,
        data: this.dataFor(tokens.tenantId, async () => tokens, partnerFailureMapper(tokens.tenantId)),
      })),
      { store: graph.listings, partition: caller.partition },
      pinnedTenantId ? () => this.describeTenant(pinnedTenantId) : undefined,
    );
  }

  /** The Graph data of a customer tenant the directory listed (so its region is known). */
  tenant(customer: CustomerRecord): TenantData {
    let source: TokenSource | undefined;
    const tokens = async () => (source ??= await this.access.forCustomer(customer.id, customer.region));
    const renew = (force?: boolean) => void tokens().then((s) => s.renew(force), () => undefined);
    return this.dataFor(customer.id, tokens, customerFailureMapper(customer, this.caller, renew, this.graph.denials, this.graph.now ?? Date.now));
  }

  /** A tenant described by its own /organization, read with its own token. */
  private async describeTenant(tenantId: string): Promise<CustomerRecord> {
    const data = this.dataFor(tenantId, () => this.access.forCustomer(tenantId));
    const org: Record<string, any> = (await data.organization(["displayName", "id", "verifiedDomains"])) ?? {};
    const domains: Array<{ name?: string; isDefault?: boolean }> = org.verifiedDomains ?? [];
    return {
      id: tenantId,
      displayName: String(org.displayName ?? tenantId),
      defaultDomainName: domains.find((d) => d.isDefault)?.name ?? null,
      region: "",
      partnerTenantId: this.caller.partnerTenantId ?? "",
      contract: false,
      gdapRelationships: [],
    };
  }

  private dataFor(tenantId: string, tokens: () => Promise<TokenSource>, fail?: FailureMapper): TenantData {
    const key = tenantId.toLowerCase();
    let data = this.tenants.get(key);
    if (!data) {
      let source: Promise<TokenSource> | undefined;
      const once = () => (source ??= tokens());
      data = new TenantData(key, new TenantGraphClient(key, once, this.graph.graphEndpoint, this.graph.dispatcher, this.policy), fail);
      this.tenants.set(key, data);
    }
    return data;
  }
}
