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

/** GDAP relationships that still admit the partner's agents (active, or expiring but not yet ended; the seed treats the same two as effective). */
const ADMITTING: ReadonlySet<string> = new Set(["active", "expiring"]);

/**
 * Whether an agent may act in a tenant: its own partner tenant, or a customer that partner manages
 * through a relationship in force (DAP, or a GDAP relationship active or expiring). Without one the
 * agent is a stranger there and Entra answers AADSTS50020; with one, which data it reads is Graph's
 * decision (roles), not the token endpoint's.
 */
export function agentMayActIn(agent: Agent, ref: TenantRef): boolean {
  if (ref.kind === "partner") return ref.tenant.id === agent.partnerTenantId;
  if (ref.tenant.partnerTenantId !== agent.partnerTenantId) return false;
  return ref.tenant.dap || ref.tenant.gdapRelationships.some((r) => ADMITTING.has(r.status));
}
