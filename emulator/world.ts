import type { Agent, CustomerTenant, Dataset, PartnerApp, PartnerTenant, Region, TenantDirectory } from "./data/model";
import { generateDirectory, newCustomerTenant } from "./data/seed";

export type TenantRef = { kind: "partner"; tenant: PartnerTenant } | { kind: "customer"; tenant: CustomerTenant };

/**
 * Lookups over the dataset. Customer directories are generated on first use (deterministically from
 * the tenant), so a scale case of 1,000 customers costs memory only for the tenants a test touches.
 */
export class World {
  private readonly tenants = new Map<string, TenantRef>();
  private readonly apps = new Map<string, { partner: PartnerTenant; app: PartnerApp }>();
  private readonly agents = new Map<string, { partner: PartnerTenant; agent: Agent }>();
  private readonly directories = new Map<string, TenantDirectory>();

  constructor(readonly dataset: Dataset) {
    for (const p of dataset.partners) this.indexPartner(p);
    for (const c of dataset.customers) this.indexCustomer(c);
  }

  /** A tenant by id or by any of its verified domains (case-insensitive). */
  tenant(idOrDomain: string): TenantRef | undefined {
    return this.tenants.get(idOrDomain.toLowerCase());
  }

  customer(id: string): CustomerTenant | undefined {
    const t = this.tenants.get(id.toLowerCase());
    return t?.kind === "customer" ? t.tenant : undefined;
  }

  partner(id: string): PartnerTenant | undefined {
    const t = this.tenants.get(id.toLowerCase());
    return t?.kind === "partner" ? t.tenant : undefined;
  }

  partnerForRegion(region: Region): PartnerTenant | undefined {
    return this.dataset.partners.find((p) => p.region === region);
  }

  app(clientId: string): { partner: PartnerTenant; app: PartnerApp } | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  /** An agent by object id or user principal name. */
  agent(idOrUpn: string): { partner: PartnerTenant; agent: Agent } | undefined {
    return this.agents.get(idOrUpn.toLowerCase());
  }

  customersOf(partnerTenantId: string): CustomerTenant[] {
    return this.dataset.customers.filter((c) => c.partnerTenantId === partnerTenantId);
  }

  directory(customerTenantId: string): TenantDirectory {
    const id = customerTenantId.toLowerCase();
    let dir = this.directories.get(id);
    if (!dir) {
      const customer = this.customer(id);
      if (!customer) throw new Error(`no customer tenant ${id}`);
      dir = generateDirectory(customer);
      this.directories.set(id, dir);
    }
    return dir;
  }

  /**
   * Application permissions the partner-managed app holds in a customer: the customer's own grant, else
   * the one set for the partner's customers, else what the app was consented (pre-consent grants it).
   */
  appPermissionsIn(customer: CustomerTenant): string[] {
    const partner = this.partner(customer.partnerTenantId);
    return customer.appPermissions ?? partner?.customerAppPermissions ?? partner?.app.applicationPermissions ?? [];
  }

  /**
   * Creates a customer tenant whose partner relationship propagates after `propagationMs`: with a GDAP
   * relationship (the default), and/or a DAP contract (`/contracts` only, when `gdap` is false).
   */
  createCustomer(input: { region: Region; displayName?: string; propagationMs: number; now: number; gdap?: boolean; dap?: boolean }): CustomerTenant {
    const partner = this.partnerForRegion(input.region);
    if (!partner) throw new Error(`no partner tenant serves region ${input.region}`);
    const gdap = input.gdap ?? true;
    const customer = newCustomerTenant(partner, this.dataset.customers.length, input.displayName, new Date(input.now), { gdap, dap: input.dap ?? !gdap });
    // Token `iat` has whole seconds; rounding up keeps a token minted just after the window from being judged as minted before it.
    customer.propagatedAt = Math.ceil((input.now + input.propagationMs) / 1000) * 1000;
    this.dataset.customers.push(customer);
    this.indexCustomer(customer);
    return customer;
  }

  private indexPartner(p: PartnerTenant): void {
    this.tenants.set(p.id.toLowerCase(), { kind: "partner", tenant: p });
    for (const d of p.domains) this.tenants.set(d.toLowerCase(), { kind: "partner", tenant: p });
    this.apps.set(p.app.clientId.toLowerCase(), { partner: p, app: p.app });
    for (const a of p.agents) {
      this.agents.set(a.id.toLowerCase(), { partner: p, agent: a });
      this.agents.set(a.userPrincipalName.toLowerCase(), { partner: p, agent: a });
    }
  }

  private indexCustomer(c: CustomerTenant): void {
    this.tenants.set(c.id.toLowerCase(), { kind: "customer", tenant: c });
    for (const d of c.domains) this.tenants.set(d.toLowerCase(), { kind: "customer", tenant: c });
  }
}
