import type { GraphQLError } from "graphql";
import { AppOnlyAccess } from "./auth/appOnlyAccess";
import type { Caller } from "./auth/caller";
import type { CallerAuthenticator } from "./auth/callerAuth";
import { CustomerTokenAccess } from "./auth/customerTokenAccess";
import { DelegatedAccess } from "./auth/delegatedAccess";
import type { RegionalApps } from "./auth/regionalApps";
import type { RegionResolver } from "./auth/regions";
import type { SignInRouter } from "./auth/signInRouting";
import type { TenantAccess } from "./auth/tenantAccess";
import type { GraphObserver } from "./graph/observer";
import { customerTokenFromAgentsOnly } from "./errors";
import type { RequestLoaders } from "./loaders/requestLoaders";

export interface PartnerTenantInfo {
  region: string;
  tenantId: string;
  displayName: string | null;
  appId: string;
}

/** What every resolver gets: who is calling, and the per-request loaders of Graph data. No tokens, no HTTP. */
export interface RequestContext {
  caller: Caller;
  loaders: RequestLoaders;
  /** The configured regional partner tenants (public facts: ids and app client ids, no secrets). */
  partners: PartnerTenantInfo[];
  signInRouting: SignInRouter;
  demo: boolean;
  /** Errors reported beside returned data (see partialErrorsPlugin). */
  partialErrors: GraphQLError[];
}

/**
 * Builds a request's context from its Authorization header and its customer token (x-customer-graph-token),
 * if any; `observer` is the operation's recorder, which its Graph calls report to (never in the context itself).
 */
export type ContextFor = (authorization: string | undefined, customerToken?: string, observer?: GraphObserver) => Promise<RequestContext>;

export interface ContextDeps {
  /** Demo mode: a request without a token is served app-only, every region. */
  demo: boolean;
  /** Microsoft Graph root: the audience a customer token must name. */
  graphEndpoint: string;
  apps: RegionalApps;
  regions: RegionResolver;
  authenticator: CallerAuthenticator;
  /** What the contexts of all requests share, built once by the composition root. */
  shared: Pick<RequestContext, "partners" | "signInRouting" | "demo">;
  /** A request's loaders for a caller through one access (`pinnedTenantId`: a customer token's tenant, its only customer). */
  requestLoaders(caller: Caller, access: TenantAccess, pinnedTenantId?: string, observer?: GraphObserver): RequestLoaders;
}

/**
 * The per-request context: the caller (its bearer token checked), the tenant access its kind of token
 * gives (app-only, on-behalf-of, or the agent's own customer token), and the Graph data read through it.
 */
export function createContextFor(deps: ContextDeps): ContextFor {
  const { shared } = deps;
  const demoAccess = new AppOnlyAccess(deps.apps, deps.regions);
  const context = (caller: Caller, access: TenantAccess, observer: GraphObserver | undefined, pinnedTenantId?: string): RequestContext => ({
    ...shared,
    caller,
    loaders: deps.requestLoaders(caller, access, pinnedTenantId, observer),
    partialErrors: [],
  });

  return async (authorization, customerToken, observer) => {
    if (!authorization && deps.demo && customerToken === undefined) return context({ mode: "app", partition: "app" }, demoAccess, observer);
    const { caller, assertion } = await deps.authenticator.authenticate(authorization);
    if (customerToken !== undefined) {
      // The agent's own Graph token of one customer: that tenant only, never mixed with OBO or app-only.
      if (caller.mode !== "agent") throw customerTokenFromAgentsOnly();
      // Its tenant must be one of the agent's customers, as the agent's own (delegated) listing says.
      const own = deps.requestLoaders(caller, new DelegatedAccess(deps.apps, caller, assertion!), undefined, observer);
      const access = await CustomerTokenAccess.verified(customerToken, caller.agentId, deps.graphEndpoint, (tenantId) => own.customers.get(tenantId));
      return context(caller, access, observer, access.tenantId);
    }
    const access = caller.mode === "agent" ? new DelegatedAccess(deps.apps, caller, assertion!) : new AppOnlyAccess(deps.apps, deps.regions, caller.regions);
    return context(caller, access, observer);
  };
}
