import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { GraphQLError } from "graphql";
import type { RequestContext } from "../../context";
import type { GdapRelationshipRecord } from "../../loaders/customerDirectory";
import { roleName } from "../../auth/roles";
import { tenantData } from "../shared/tenant";
import { Customer } from "./customer.type";
import { CustomerReadiness, GdapRelationship, PartnerRelationship, ReadinessState, RelationshipKind } from "./relationship.type";

const ACTIVE_FIRST = ["active", "expiring", "activating", "approved", "approvalPending", "created"];

/** Customer fields that come from the partner's side: the relationship, and whether the tenant answers. */
@Resolver(() => Customer)
export class CustomerPartnerResolver {
  @FieldResolver(() => PartnerRelationship, { nullable: true, description: "DAP and GDAP relationships with this customer." })
  async relationship(@Root() customer: Customer, @Ctx() ctx: RequestContext): Promise<PartnerRelationship> {
    const record = await ctx.data.customers.get(customer.id);
    const gdap = [...record.gdapRelationships].sort((a, b) => rank(a.status) - rank(b.status)).map(toGdap);
    const kind = record.contract && gdap.length ? RelationshipKind.DAP_AND_GDAP : gdap.length ? RelationshipKind.GDAP : RelationshipKind.DAP;
    return Object.assign(new PartnerRelationship(), { kind, gdap });
  }

  @FieldResolver(() => CustomerReadiness, { description: "READY, PROPAGATING (a new customer, with the next check time) or DENIED (with the reason). Asks the tenant once." })
  async readiness(@Root() customer: Customer, @Ctx() ctx: RequestContext): Promise<CustomerReadiness> {
    const data = await tenantData(ctx, customer.id);
    try {
      await data.organization(["id"]);
      return Object.assign(new CustomerReadiness(), { state: ReadinessState.READY, nextCheckAt: null, reason: null });
    } catch (err) {
      const ext = err instanceof GraphQLError ? err.extensions : {};
      if (ext.code === "CUSTOMER_NOT_READY") {
        const at = new Date(Date.now() + Number(ext.retryAfter ?? 60) * 1000);
        return Object.assign(new CustomerReadiness(), { state: ReadinessState.PROPAGATING, nextCheckAt: at, reason: null });
      }
      if (typeof ext.code === "string") return Object.assign(new CustomerReadiness(), { state: ReadinessState.DENIED, nextCheckAt: null, reason: ext.code });
      throw err;
    }
  }
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
