import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { GraphQLError } from "graphql";
import { PartnerGraphError } from "../../errors";
import type { RequestContext } from "../../context";
import type { GdapRelationshipRecord } from "../../loaders/customerDirectory";
import { roleName } from "../../auth/roles";
import { tenantData } from "../shared/tenant";
import { Customer } from "./customer.type";
import type { TenantData } from "../../loaders/tenantData";
import { CustomerReadiness, GdapRelationship, PartnerRelationship, ReadinessState, RelationshipKind, Workload, WorkloadReadiness } from "./relationship.type";

const ACTIVE_FIRST = ["active", "expiring", "activating", "approved", "approvalPending", "created"];

/** The cheapest read of each workload: one object's id. Asked together, they are one `$batch`. */
const PROBES: ReadonlyArray<[Workload, (data: TenantData) => Promise<unknown>]> = [
  [Workload.ORGANIZATION, (d) => d.organization(["id"])],
  [Workload.USERS, (d) => d.page("/users", { select: ["id"], top: 1 })],
  [Workload.GROUPS, (d) => d.page("/groups", { select: ["id"], top: 1 })],
  [Workload.DEVICES, (d) => d.page("/devices", { select: ["id"], top: 1 })],
  [Workload.MANAGED_DEVICES, (d) => d.page("/deviceManagement/managedDevices", { select: ["id"], top: 1 })],
];

/** Customer fields that come from the partner's side: the relationship, and whether the tenant answers. */
@Resolver(() => Customer)
export class CustomerPartnerResolver {
  @FieldResolver(() => PartnerRelationship, { nullable: true, description: "DAP and GDAP relationships with this customer." })
  async relationship(@Root() customer: Customer, @Ctx() ctx: RequestContext): Promise<PartnerRelationship> {
    const record = await ctx.data.customers.get(customer.id);
    const gdap = [...record.gdapRelationships].sort((a, b) => rank(a.status) - rank(b.status)).map(toGdap);
    const kind = record.contract && gdap.length ? RelationshipKind.DAP_AND_GDAP : gdap.length ? RelationshipKind.GDAP : RelationshipKind.DAP;
    // A fresh error per customer: each lands at its own customer's path.
    const unavailable = record.gdapUnavailable;
    return new PartnerRelationship(kind, unavailable ? new PartnerGraphError(unavailable.code, unavailable.message, { ...unavailable.extensions, code: undefined }) : gdap);
  }

  @FieldResolver(() => CustomerReadiness, {
    description: "READY (the tenant answers the caller, for at least one workload), PROPAGATING (a new customer, with the next check time) or DENIED (with the reason, and the next check time while the denial may still be propagation). Asks the tenant once per workload, in one $batch.",
  })
  async readiness(@Root() customer: Customer, @Ctx() ctx: RequestContext): Promise<CustomerReadiness> {
    const data = await tenantData(ctx, customer.id);
    const workloads = await Promise.all(PROBES.map(([workload, probe]) => probe(data).then(() => workloadReady(workload), (err: unknown) => workloadDenied(workload, err))));
    const readiness = (state: ReadinessState, reason: string | null, retryAfter?: number) =>
      Object.assign(new CustomerReadiness(), { state, reason, nextCheckAt: retryAfter === undefined ? null : new Date(Date.now() + retryAfter * 1000), workloads: workloads.map((w) => w.result) });
    if (workloads.some((w) => w.result.state === ReadinessState.READY)) return readiness(ReadinessState.READY, null);
    const propagating = workloads.filter((w) => w.result.state === ReadinessState.PROPAGATING);
    if (propagating.length) return readiness(ReadinessState.PROPAGATING, null, Math.min(...propagating.map((w) => w.retryAfter ?? 60)));
    // Denied everywhere: the organization profile's answer stands for the tenant.
    const first = workloads[0];
    return readiness(ReadinessState.DENIED, first.result.reason, first.retryAfter);
  }
}

function workloadReady(workload: Workload): { result: WorkloadReadiness; retryAfter?: number } {
  return { result: Object.assign(new WorkloadReadiness(), { workload, state: ReadinessState.READY, reason: null, requiredPermissions: null, requiredRoles: null }) };
}

/** A typed failure is this workload's state; anything else is a defect and fails the field. */
function workloadDenied(workload: Workload, err: unknown): { result: WorkloadReadiness; retryAfter?: number } {
  if (!(err instanceof GraphQLError) || typeof err.extensions.code !== "string") throw err;
  const ext = err.extensions as { code: string; retryAfter?: number; requiredPermissions?: string[]; requiredRoles?: string[] };
  const state = ext.code === "CUSTOMER_NOT_READY" ? ReadinessState.PROPAGATING : ReadinessState.DENIED;
  return {
    result: Object.assign(new WorkloadReadiness(), { workload, state, reason: ext.code, requiredPermissions: ext.requiredPermissions ?? null, requiredRoles: ext.requiredRoles ?? null }),
    retryAfter: typeof ext.retryAfter === "number" ? ext.retryAfter : undefined,
  };
}

function rank(status: string): number {
  const i = ACTIVE_FIRST.indexOf(status);
  return i < 0 ? ACTIVE_FIRST.length : i;
}

function toGdap(r: GdapRelationshipRecord): GdapRelationship {
  const date = (v: string | null) => (v ? new Date(v) : null);
  return Object.assign(new GdapRelationship(), {
    id: r.id,
    displayName: r.displayName,
    status: r.status,
    roles: r.roleDefinitionIds.map(roleName),
    roleDefinitionIds: r.roleDefinitionIds,
    createdDateTime: date(r.createdDateTime),
    activatedDateTime: date(r.activatedDateTime),
    endDateTime: date(r.endDateTime),
    autoExtend: Boolean(r.autoExtendDuration && !/^(P0D|PT0S)$/.test(r.autoExtendDuration)),
    autoExtendDuration: r.autoExtendDuration,
  });
}
