import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum RelationshipKind {
  DAP = "DAP",
  GDAP = "GDAP",
  DAP_AND_GDAP = "DAP_AND_GDAP",
}
registerEnumType(RelationshipKind, {
  name: "RelationshipKind",
  description: "How the partner administers the customer: legacy DAP (contract), granular GDAP, or both.",
  valuesConfig: {
    DAP: { description: "Listed in the partner's /contracts only (delegated admin privileges, the legacy all-or-nothing model); or GDAP could not be read." },
    GDAP: { description: "Granular delegated admin relationships only (tenantRelationships/delegatedAdminRelationships)." },
    DAP_AND_GDAP: { description: "Both a DAP contract and at least one GDAP relationship." },
  },
});

export enum ReadinessState {
  READY = "READY",
  PROPAGATING = "PROPAGATING",
  DENIED = "DENIED",
}
registerEnumType(ReadinessState, {
  name: "ReadinessState",
  description: "Whether the caller can read the customer tenant now.",
  valuesConfig: {
    READY: { description: "The tenant answers the caller." },
    PROPAGATING: { description: "A new customer whose partner relationship has not reached the tenant yet (CUSTOMER_NOT_READY); try again at nextCheckAt." },
    DENIED: { description: "The tenant refuses the caller; reason holds the error code (ROLE_MISSING, CONSENT_MISSING, FORBIDDEN…)." },
  },
});

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
  valuesConfig: {
    ORGANIZATION: { description: "The organisation profile (Graph /organization): Organization.Read.All, or a directory-reading GDAP role." },
    USERS: { description: "Users (Graph /users): User.Read.All, or a directory-reading GDAP role." },
    GROUPS: { description: "Groups (Graph /groups): GroupMember.Read.All, or a directory-reading GDAP role." },
    DEVICES: { description: "Entra devices (Graph /devices): Device.Read.All, or a directory-reading GDAP role." },
    MANAGED_DEVICES: {
      description:
        "Intune managed devices: DeviceManagementManagedDevices.Read.All, or Intune Administrator / Global Reader; needs an Intune licence in the tenant.",
    },
  },
});

@ObjectType({ description: "A granular delegated admin privileges (GDAP) relationship." })
export class GdapRelationship {
  @Field(() => ID, { description: "Id of the delegatedAdminRelationship in the partner tenant." })
  id!: string;

  @Field({ description: "The relationship's name, as the partner gave it." })
  displayName!: string;

  @Field({ description: "Graph's status: active, expiring, approvalPending, terminated, …" })
  status!: string;

  @Field(() => [String], { description: "Entra roles the relationship grants, by name." })
  roles!: string[];

  @Field(() => [ID], { description: "The same roles, by role template id." })
  roleDefinitionIds!: string[];

  @Field(() => Date, {
    nullable: true,
    description: "When the partner created the relationship request; a recent one means the customer may still be PROPAGATING.",
  })
  createdDateTime!: Date | null;

  @Field(() => Date, { nullable: true, description: "When the customer approved it and it became active; null while pending." })
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
  @Field(() => ReadinessState, { description: "READY when at least one workload answers the caller, else PROPAGATING or DENIED." })
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
  @Field(() => Workload, { description: "The kind of data this entry is about." })
  workload!: Workload;

  @Field(() => ReadinessState, { description: "Whether the caller can read this kind of data now." })
  state!: ReadinessState;

  @Field(() => String, { nullable: true, description: "DENIED or PROPAGATING: the error code that explains why." })
  reason!: string | null;

  @Field(() => [String], { nullable: true, description: "DENIED to an app-only caller: application permissions any one of which would do." })
  requiredPermissions!: string[] | null;

  @Field(() => [String], { nullable: true, description: "DENIED to an agent: Entra roles any one of which would do." })
  requiredRoles!: string[] | null;
}
