import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum RelationshipKind {
  DAP = "DAP",
  GDAP = "GDAP",
  DAP_AND_GDAP = "DAP_AND_GDAP",
}
registerEnumType(RelationshipKind, { name: "RelationshipKind", description: "How the partner administers the customer: legacy DAP (contract), granular GDAP, or both." });

export enum ReadinessState {
  READY = "READY",
  PROPAGATING = "PROPAGATING",
  DENIED = "DENIED",
}
registerEnumType(ReadinessState, { name: "ReadinessState", description: "Whether the caller can read the customer tenant now." });

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
  @Field(() => RelationshipKind)
  kind!: RelationshipKind;

  @Field(() => [GdapRelationship], { description: "GDAP relationships, active ones first." })
  gdap!: GdapRelationship[];
}

@ObjectType({ description: "Whether the customer tenant can be read now." })
export class CustomerReadiness {
  @Field(() => ReadinessState)
  state!: ReadinessState;

  @Field(() => Date, { nullable: true, description: "PROPAGATING: when to try again (Microsoft: 3 minutes after creation, then every 60 s)." })
  nextCheckAt!: Date | null;

  @Field(() => String, { nullable: true, description: "DENIED: the error code that explains why." })
  reason!: string | null;
}
