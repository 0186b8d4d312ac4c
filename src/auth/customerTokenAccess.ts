import { decodeJwt } from "jose";
import { customerTokenForAnotherTenant, customerTokenNotACustomer, customerTokenNotTheCallers, customerTokenUncheckable, PartnerGraphError } from "../errors";
import type { TokenSource } from "../graph/credentials";
import { isGuid } from "../ids";
import type { TenantAccess } from "./tenantAccess";

/** The header a frontend sends the agent's own Graph token for one customer tenant in. */
export const CUSTOMER_TOKEN_HEADER = "x-customer-graph-token";

/**
 * Microsoft's documented flow for partner-managed apps: the frontend signs the agent in with the
 * authorization code flow against the CUSTOMER tenant's authority and gets a Graph token of that
 * tenant. A request may carry it (beside the agent's token for this API): it is used for that tenant
 * only, for this request only, and never mixed with on-behalf-of or app-only tokens — every other
 * tenant in the operation is FORBIDDEN.
 *
 * We cannot verify a token addressed to Graph (it is not ours to validate; Graph does). We only read
 * its tenant and subject, and refuse it unless it names the same agent the verified API token does
 * and a tenant among that agent's customers (checked against the agent's own listing before any Graph
 * call with the token: a made-up or foreign-tenant token never reaches Graph).
 */
export class CustomerTokenAccess implements TenantAccess {
  readonly tenantId: string;
  private readonly source: TokenSource;

  constructor(token: string, agentId: string, graphResource: string, now = Date.now()) {
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(token) as Record<string, unknown>;
    } catch {
      throw customerTokenNotTheCallers();
    }
    const tid = String(claims.tid ?? "");
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const graphAudiences = new Set([graphResource, "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"]);
    if (!isGuid(tid) || claims.oid !== agentId || !audiences.some((a) => graphAudiences.has(String(a)))) throw customerTokenNotTheCallers();
    if (typeof claims.exp === "number" && claims.exp * 1000 <= now) throw customerTokenNotTheCallers();
    this.tenantId = tid.toLowerCase();
    const tenantId = this.tenantId;
    this.source = {
      tenantId,
      getToken: async (report) => {
        // The caller's own token: nothing is acquired or cached.
        const at = Date.now();
        report?.({ mode: "customer", source: "request", ok: true, startedAt: at, endedAt: at });
        return token;
      },
      // Nothing to renew: the frontend must sign the agent in again.
      renew: () => undefined,
    };
  }

  /**
   * The access for a request, once its tenant is known to be one of the caller's customers.
   * `customerOfCaller` resolves when it is, and rejects with FORBIDDEN (or UPSTREAM_UNAVAILABLE while
   * the listing cannot be read) otherwise.
   */
  static async verified(
    token: string,
    agentId: string,
    graphResource: string,
    customerOfCaller: (tenantId: string) => Promise<unknown>,
  ): Promise<CustomerTokenAccess> {
    const access = new CustomerTokenAccess(token, agentId, graphResource);
    try {
      await customerOfCaller(access.tenantId);
    } catch (err) {
      const code = err instanceof PartnerGraphError ? err.code : undefined;
      if (code === "FORBIDDEN") throw customerTokenNotACustomer();
      if (code === "UPSTREAM_UNAVAILABLE") throw customerTokenUncheckable();
      throw err;
    }
    return access;
  }

  async forCustomer(tenantId: string): Promise<TokenSource> {
    if (tenantId.toLowerCase() !== this.tenantId) throw customerTokenForAnotherTenant(tenantId);
    return this.source;
  }

  async partnerTenants(): Promise<Array<{ region: string; tokens: TokenSource }>> {
    return [];
  }
}
