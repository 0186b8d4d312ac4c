import type { EmulatorContext } from "../context";
import type { Agent, PartnerApp, PartnerTenant } from "../data/model";
import type { TenantRef } from "../world";

/** `common` and `organizations` name no tenant; delegated grants take the user's home tenant. */
export type TenantSegment = { kind: "multi"; name: "common" | "organizations" } | { kind: "tenant"; ref: TenantRef };

/** Resolves the `{tenant}` path segment: a tenant id, any verified domain, or common/organizations. */
export function resolveTenantSegment(ctx: EmulatorContext, segment: string): TenantSegment | undefined {
  const lower = segment.toLowerCase();
  if (lower === "common" || lower === "organizations") return { kind: "multi", name: lower };
  const ref = ctx.world.tenant(lower);
  return ref ? { kind: "tenant", ref } : undefined;
}

/**
 * Whether a partner-managed app has a service principal in a tenant: its own partner tenant, and
 * the customers of that partner (pre-consent reaches only same-partner, hence same-region, customers).
 */
export function appPresentIn(app: { partner: PartnerTenant; app: PartnerApp }, ref: TenantRef): boolean {
  if (ref.kind === "partner") return ref.tenant.id === app.partner.id;
  return ref.tenant.partnerTenantId === app.partner.id;
}

/** Whether an agent may act in a tenant: its own partner tenant or a customer that partner manages. */
export function agentMayActIn(agent: Agent, ref: TenantRef): boolean {
  if (ref.kind === "partner") return ref.tenant.id === agent.partnerTenantId;
  return ref.tenant.partnerTenantId === agent.partnerTenantId;
}
