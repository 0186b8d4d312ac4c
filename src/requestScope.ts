import type { Caller } from "./auth/caller";
import { customerCredentials, type DenialEpisodes } from "./auth/denials";
import type { TenantAccess } from "./auth/tenantAccess";
import type { TenantCredentials } from "./graph/credentials";
import type { GraphObserver } from "./graph/observer";
import { connectTenant, operationPolicy, type GraphSettings } from "./graph/graphTenant";
import type { TenantGraph } from "./graph/tenantGraph";
import type { CursorCodec } from "./loaders/cursor";
import type { ListingCache } from "./loaders/customerDirectory";
import { RequestLoaders, type RequestLoaderOptions, type TenantGraphs } from "./loaders/requestLoaders";

/** The process-wide state one operation's loaders are built on: Graph's protections, listings, denial episodes. */
export interface RequestSettings extends GraphSettings {
  /** Recent complete customer listings per caller partition. */
  listings: ListingCache;
  /** When each (caller partition, customer) began to be denied, for customers whose age nothing tells. */
  denials: DenialEpisodes;
  now?: () => number;
}

/**
 * The TenantGraphs of one operation: each tenant it touches gets one TenantGraph (one request loader,
 * one token source), with the caller's credentials for it. Partner tenants and a customer token's tenant
 * get the generic translation of denials; a listed customer's denials are explained by src/auth.
 */
export function requestGraphs(caller: Caller, access: TenantAccess, settings: RequestSettings, observer?: GraphObserver): TenantGraphs {
  const policy = operationPolicy(settings, caller.partition, observer);
  const graphs = new Map<string, TenantGraph>();
  const connect = (tenantId: string, credentials: () => TenantCredentials): TenantGraph => {
    const key = tenantId.toLowerCase();
    let graph = graphs.get(key);
    if (!graph) {
      graph = connectTenant(key, credentials(), settings, policy);
      graphs.set(key, graph);
    }
    return graph;
  };
  return {
    partnerTenants: async () =>
      (await access.partnerTenants()).map(({ region, tokens }) => ({
        region,
        partnerTenantId: tokens.tenantId,
        graph: connect(tokens.tenantId, () => ({ tokens: async () => tokens })),
      })),
    customer: (customer) => connect(customer.id, () => customerCredentials(access, caller, customer, settings.denials, settings.now ?? Date.now)),
    pinned: (tenantId) => connect(tenantId, () => ({ tokens: () => access.forCustomer(tenantId) })),
  };
}

/** What the loaders of one operation know of its caller. */
export function loaderOptions(caller: Caller, settings: RequestSettings, pinnedTenantId?: string): RequestLoaderOptions {
  return {
    listings: settings.listings,
    partition: caller.partition,
    // Cursors of the customers list are bound to the caller (app, or one agent), not to one token of theirs.
    cursorOwner: caller.mode === "agent" ? `agent:${caller.partnerTenantId}:${caller.agentId}` : "app",
    partnerTenantId: caller.partnerTenantId,
    pinnedTenantId,
  };
}

/** The per-request loaders: what context.ts puts in the RequestContext of every operation (`observer`: the operation's recorder). */
export function createRequestLoaders(
  caller: Caller,
  access: TenantAccess,
  settings: RequestSettings,
  cursors: CursorCodec,
  pinnedTenantId?: string,
  observer?: GraphObserver,
): RequestLoaders {
  return new RequestLoaders(requestGraphs(caller, access, settings, observer), cursors, loaderOptions(caller, settings, pinnedTenantId));
}
