import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum CallerMode {
  APP = "APP",
  AGENT = "AGENT",
}
registerEnumType(CallerMode, {
  name: "CallerMode",
  description: "APP: the API acts as the partner-managed app. AGENT: an agent's delegated rights (GDAP/DAP).",
  valuesConfig: {
    APP: {
      description:
        "The API calls Graph as the region's partner-managed app (client credentials): the application permissions consented in each customer apply (errors: CONSENT_MISSING).",
    },
    AGENT: {
      description:
        "The API calls Graph on behalf of the signed-in agent (on-behalf-of): the roles the agent's GDAP relationships (or DAP) grant apply (errors: ROLE_MISSING).",
    },
  },
});

@ObjectType({ description: "A regional partner tenant and its partner-managed app." })
export class PartnerTenant {
  @Field({ description: "The region this partner tenant serves (a tenant_region_scope such as NA or EU), from the server's configuration." })
  region!: string;

  @Field(() => ID, { description: "Tenant id of the regional partner tenant." })
  tenantId!: string;

  @Field(() => String, { nullable: true, description: "The partner tenant's name as configured; null when the configuration gives none." })
  displayName!: string | null;

  @Field(() => ID, { description: "Client id of the region's partner-managed app." })
  appId!: string;
}

@ObjectType({ description: "Who is calling, and through which partner tenants." })
export class Caller {
  @Field(() => CallerMode, {
    description: "Whose rights the API uses in customer tenants: the partner-managed app's (APP) or the signed-in agent's (AGENT), from the caller's token.",
  })
  mode!: CallerMode;

  @Field({ description: "True in demo mode, where requests without a token are served app-only." })
  demo!: boolean;

  @Field(() => ID, { nullable: true, description: "The agent's object id in its partner tenant." })
  agentId!: string | null;

  @Field(() => String, { nullable: true, description: "The agent's sign-in name (the token's preferred_username, upn or unique_name); null in APP mode." })
  userName!: string | null;

  @Field(() => ID, { nullable: true, description: "The partner tenant the caller signed in to." })
  partnerTenantId!: string | null;

  @Field(() => [PartnerTenant], { description: "Partner tenants whose customers this caller reaches." })
  partnerTenants!: PartnerTenant[];
}

@ObjectType({ description: "How a frontend must sign an agent in to work in a customer tenant." })
export class SignInRouting {
  @Field({ description: "The sign-in name that was asked about, trimmed." })
  userName!: string;

  @Field(() => ID, { description: "The customer tenant the sign-in name belongs to." })
  tenantId!: string;

  @Field({ description: "The tenant's region (tenant_region_scope)." })
  region!: string;

  @Field(() => String, { nullable: true, description: "The tenant's finer region (tenant_region_sub_scope, e.g. GCC), when it has one." })
  regionSubScope!: string | null;

  @Field(() => ID, { description: "The regional partner tenant that serves this region." })
  partnerTenantId!: string;

  @Field(() => ID, { description: "Client id of that region's partner-managed app: the app to sign in with." })
  clientId!: string;

  @Field({ description: "Authority of the customer tenant, as Microsoft's partner sign-in flow uses it." })
  authority!: string;
}
