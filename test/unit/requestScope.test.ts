import type { Agent } from "undici";
import type { Caller } from "../../src/auth/caller";
import { DenialEpisodes } from "../../src/auth/denials";
import type { TenantAccess } from "../../src/auth/tenantAccess";
import type { TokenSource } from "../../src/graph/credentials";
import { GraphBudget } from "../../src/graph/budget";
import { InFlightLimits, TenantBreakers } from "../../src/graph/resilience";
import { ListingCache } from "../../src/loaders/customerDirectory";
import { loaderOptions, requestGraphs, type RequestSettings } from "../../src/requestScope";

const settings: RequestSettings = {
  graphEndpoint: "https://graph.example",
  dispatcher: {} as Agent,
  limits: new InFlightLimits(10, 5),
  breakers: new TenantBreakers({ windowMs: 1000, minVolume: 5, failureRate: 0.5, openMs: 1000, probeTimeoutMs: 1000 }),
  budget: new GraphBudget(1),
  operationTimeoutMs: 5000,
  listings: new ListingCache(0),
  denials: new DenialEpisodes(),
};
const source = (tenantId: string): TokenSource => ({ tenantId, getToken: async () => "t", renew: () => undefined });

function access(): TenantAccess & { forCustomer: jest.Mock } {
  return { forCustomer: jest.fn(async (id: string) => source(id)), partnerTenants: async () => [{ region: "EU", tokens: source("P1") }] };
}

describe("requestGraphs (the per-request composition)", () => {
  const app: Caller = { mode: "app", partition: "app" };

  it("gives each tenant one TenantGraph per operation, whoever asks for it first (a pinned tenant keeps its generic translation)", () => {
    const graphs = requestGraphs(app, access(), settings);
    const pinned = graphs.pinned("C1");
    expect(graphs.customer({ id: "c1", region: "" })).toBe(pinned);
    expect(graphs.customer({ id: "c2", region: "EU" })).not.toBe(pinned);
    expect(pinned.tenantId).toBe("c1");
  });

  it("reads each partner tenant with its own token source, acquiring no customer token for it", async () => {
    const a = access();
    const [partner] = await requestGraphs(app, a, settings).partnerTenants();
    expect(partner).toMatchObject({ region: "EU", partnerTenantId: "P1" });
    expect(partner!.graph.tenantId).toBe("p1");
    expect(a.forCustomer).not.toHaveBeenCalled();
  });

  it("binds the customers list's cursors to the app, or to one agent", () => {
    expect(loaderOptions(app, settings).cursorOwner).toBe("app");
    const agent: Caller = { mode: "agent", partition: "h", agentId: "a1", partnerTenantId: "p1" };
    expect(loaderOptions(agent, settings, "c1")).toMatchObject({ cursorOwner: "agent:p1:a1", partition: "h", partnerTenantId: "p1", pinnedTenantId: "c1" });
  });
});
