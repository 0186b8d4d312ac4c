import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { sameFailure } from "../../errors";
import type { RequestContext } from "../../context";
import type { GdapRelationshipRecord } from "../../loaders/customerDirectory";
import type { WorkloadName, WorkloadProbe } from "../../loaders/tenantLoaders";
import { Customer } from "./customer.type";
import { CustomerReadiness, GdapRelationship, PartnerRelationship, ReadinessState, RelationshipKind, Workload, WorkloadReadiness } from "./relationship.type";

const ACTIVE_FIRST = ["active", "expiring", "activating", "approved", "approvalPending", "created"];

const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = {
  organization: Workload.ORGANIZATION,
  users: Workload.USERS,
  groups: Workload.GROUPS,
  devices: Workload.DEVICES,
  managedDevices: Workload.MANAGED_DEVICES,
};

/** Customer fields that come from the partner's side: the relationship, and whether the tenant answers. */
@Resolver(() => Customer)
export class CustomerPartnerResolver {
  @FieldResolver(() => PartnerRelationship, {
    nullable: true,
    description:
      "DAP and GDAP relationships with this customer, from the partner tenant's lists already read for `customers` (no extra call). GDAP needs DelegatedAdminRelationship.Read.All on the partner tenant.",
  })
  async relationship(@Root() customer: Customer, @Ctx() ctx: RequestContext): Promise<PartnerRelationship> {
    const record = await ctx.loaders.customers.get(customer.id);
    const gdap = [...record.gdapRelationships].sort((a, b) => rank(a.status) - rank(b.status)).map(toGdap);
    const kind = record.contract && gdap.length ? RelationshipKind.DAP_AND_GDAP : gdap.length ? RelationshipKind.GDAP : RelationshipKind.DAP;
    // A fresh error per customer: each lands at its own customer's path.
    const unavailable = record.gdapUnavailable;
    return new PartnerRelationship(kind, unavailable ? sameFailure(unavailable) : gdap);
  }

  @FieldResolver(() => CustomerReadiness, {
    description:
      "READY (the tenant answers the caller, for at least one workload), PROPAGATING (a new customer, with the next check time) or DENIED (with the reason, and the next check time while the denial may still be propagation). Asks the tenant once per workload, in one $batch.",
  })
  async readiness(@Root() customer: Customer, @Ctx() ctx: RequestContext): Promise<CustomerReadiness> {
    const probes = await ctx.loaders.tenant(customer.id).readiness();
    const workloads = probes.map(toWorkloadReadiness);
    const readiness = (state: ReadinessState, reason: string | null, retryAfter?: number) =>
      Object.assign(new CustomerReadiness(), {
        state,
        reason,
        nextCheckAt: retryAfter === undefined ? null : new Date(Date.now() + retryAfter * 1000),
        workloads,
      });
    const unready = probes.filter(isUnready);
    if (unready.length < probes.length) return readiness(ReadinessState.READY, null);
    const propagating = unready.filter((p) => p.state === "propagating");
    if (propagating.length) return readiness(ReadinessState.PROPAGATING, null, Math.min(...propagating.map((p) => p.retryAfter ?? 60)));
    // Denied everywhere: the organization profile's answer (the first probe) stands for the tenant.
    const first = unready[0];
    return readiness(ReadinessState.DENIED, first.code, first.retryAfter);
  }
}

const isUnready = (p: WorkloadProbe): p is Exclude<WorkloadProbe, { state: "ready" }> => p.state !== "ready";

function toWorkloadReadiness(p: WorkloadProbe): WorkloadReadiness {
  const workload = WORKLOADS[p.workload];
  if (p.state === "ready")
    return Object.assign(new WorkloadReadiness(), { workload, state: ReadinessState.READY, reason: null, requiredPermissions: null, requiredRoles: null });
  return Object.assign(new WorkloadReadiness(), {
    workload,
    state: p.state === "propagating" ? ReadinessState.PROPAGATING : ReadinessState.DENIED,
    reason: p.code,
    requiredPermissions: p.requiredPermissions ?? null,
    requiredRoles: p.requiredRoles ?? null,
  });
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
    roles: r.roles,
    roleDefinitionIds: r.roleDefinitionIds,
    createdDateTime: date(r.createdDateTime),
    activatedDateTime: date(r.activatedDateTime),
    endDateTime: date(r.endDateTime),
    autoExtend: Boolean(r.autoExtendDuration && !/^(P0D|PT0S)$/.test(r.autoExtendDuration)),
    autoExtendDuration: r.autoExtendDuration,
  });
}
