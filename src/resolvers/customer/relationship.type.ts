import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum RelationshipKind {
  DAP = "DAP",
  GDAP = "GDAP",
  DAP_AND_GDAP = "DAP_AND_GDAP",
}
registerEnumType(RelationshipKind, {
  name: "RelationshipKind",
  description: "How the partner administers the customer: legacy DAP (contract), granular GDAP, or both.",
});

export enum ReadinessState {
  READY = "READY",
  PROPAGATING = "PROPAGATING",
  DENIED = "DENIED",
}
registerEnumType(ReadinessState, { name: "ReadinessState", description: "Whether the caller can read the customer tenant now." });

/** The kinds of customer data this API reads, each with its own Graph permission and GDAP roles. */
export enum Workload {
  ORGANIZATION = "ORGANIZATION",
  USERS = "USERS",
  GROUPS = "GROUPS",
  DEVICES = "DEVICES",
  MANAGED_DEVICES = "MANAGED_DEVICES",
}
registerEnumType(Workload, {
  name: "Workload",
  description: "A kind of customer data: organization profile, users, groups, Entra devices, Intune managed devices.",
});

@ObjectType({ description: "A granular delegated admin privileges (GDAP) relationship." })
export class GdapRelationship {
  @Field(() => ID)
  id!: string;

  @Field()
  displayName!: string;

  @Field({ description: "Graph's status: active, expiring, approvalPending, terminated, …" })
  status!: string;

  @Field(() => [String], { description: "Entra roles the relationship grants, by name." })
  roles!: string[];

  @Field(() => [ID], { description: "The same roles, by role template id." })
  roleDefinitionIds!: string[];

  @Field(() => Date, { nullable: true })
  createdDateTime!: Date | null;

  @Field(() => Date, { nullable: true })
  activatedDateTime!: Date | null;

  @Field(() => Date, { nullable: true, description: "When the relationship ends unless extended." })
  endDateTime!: Date | null;

  @Field({ description: "Renews itself for autoExtendDuration when it ends." })
  autoExtend!: boolean;

  @Field(() => String, { nullable: true, description: "ISO 8601 duration, e.g. P180D." })
  autoExtendDuration!: string | null;
}

@ObjectType({ description: "The partner's relationship with a customer." })
export class PartnerRelationship {
  @Field(() => RelationshipKind, { description: "From the lists that could be read: with `gdap` unavailable, GDAP is not known." })
  kind!: RelationshipKind;

  /** Why the GDAP relationships are unknown (the partner tenant's GDAP lists could not be read). */
  private readonly unavailable?: Error;
  private readonly relationships: GdapRelationship[];

  constructor(kind: RelationshipKind, gdap: GdapRelationship[] | Error) {
    this.kind = kind;
    if (gdap instanceof Error) {
      this.unavailable = gdap;
      this.relationships = [];
    } else {
      this.relationships = gdap;
    }
  }

  // A getter, so the error lands at `relationship.gdap` and the rest of the customer is unaffected.
  @Field(() => [GdapRelationship], {
    nullable: true,
    description:
      "GDAP relationships, active ones first; null, with an error naming why, when the partner tenant's GDAP lists could not be read (no DelegatedAdminRelationship.Read.All, a DAP-only partner, a cloud without the API).",
  })
  get gdap(): GdapRelationship[] {
    if (this.unavailable) throw this.unavailable;
    return this.relationships;
  }
}

@ObjectType({ description: "Whether the customer tenant can be read now." })
export class CustomerReadiness {
  @Field(() => ReadinessState)
  state!: ReadinessState;

  @Field(() => Date, { nullable: true, description: "PROPAGATING: when to try again (Microsoft: 3 minutes after creation, then every 60 s)." })
  nextCheckAt!: Date | null;

  @Field(() => String, { nullable: true, description: "DENIED: the error code that explains why." })
  reason!: string | null;

  @Field(() => [WorkloadReadiness], { description: "Each kind of data on its own: which workloads the tenant denies the caller, and what they need." })
  workloads!: WorkloadReadiness[];
}

@ObjectType({ description: "Whether the caller can read one kind of the customer's data now." })
export class WorkloadReadiness {
  @Field(() => Workload)
  workload!: Workload;

  @Field(() => ReadinessState)
  state!: ReadinessState;

  @Field(() => String, { nullable: true, description: "DENIED or PROPAGATING: the error code that explains why." })
  reason!: string | null;

  @Field(() => [String], { nullable: true, description: "DENIED to an app-only caller: application permissions any one of which would do." })
  requiredPermissions!: string[] | null;

  @Field(() => [String], { nullable: true, description: "DENIED to an agent: Entra roles any one of which would do." })
  requiredRoles!: string[] | null;
}
