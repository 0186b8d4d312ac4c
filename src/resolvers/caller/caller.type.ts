import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum CallerMode {
  APP = "APP",
  AGENT = "AGENT",
}
registerEnumType(CallerMode, {
  name: "CallerMode",
  description: "APP: the API acts as the partner-managed app. AGENT: an agent's delegated rights (GDAP/DAP).",
});

@ObjectType({ description: "A regional partner tenant and its partner-managed app." })
export class PartnerTenant {
  @Field()
  region!: string;

  @Field(() => ID)
  tenantId!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => ID, { description: "Client id of the region's partner-managed app." })
  appId!: string;
}

@ObjectType({ description: "Who is calling, and through which partner tenants." })
export class Caller {
  @Field(() => CallerMode)
  mode!: CallerMode;

  @Field({ description: "True in demo mode, where requests without a token are served app-only." })
  demo!: boolean;

  @Field(() => ID, { nullable: true, description: "The agent's object id in its partner tenant." })
  agentId!: string | null;

  @Field(() => String, { nullable: true })
  userName!: string | null;

  @Field(() => ID, { nullable: true, description: "The partner tenant the caller signed in to." })
  partnerTenantId!: string | null;

  @Field(() => [PartnerTenant], { description: "Partner tenants whose customers this caller reaches." })
  partnerTenants!: PartnerTenant[];
}

@ObjectType({ description: "How a frontend must sign an agent in to work in a customer tenant." })
export class SignInRouting {
  @Field()
  userName!: string;

  @Field(() => ID, { description: "The customer tenant the sign-in name belongs to." })
  tenantId!: string;

  @Field({ description: "The tenant's region (tenant_region_scope)." })
  region!: string;

  @Field(() => String, { nullable: true })
  regionSubScope!: string | null;

  @Field(() => ID, { description: "The regional partner tenant that serves this region." })
  partnerTenantId!: string;

  @Field(() => ID, { description: "Client id of that region's partner-managed app: the app to sign in with." })
  clientId!: string;

  @Field({ description: "Authority of the customer tenant, as Microsoft's partner sign-in flow uses it." })
  authority!: string;
}
