import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../context";
import { Caller, CallerMode, SignInRouting } from "./caller.type";

@Resolver()
export class CallerResolver {
  @Query(() => Caller, {
    description: "Who is calling, in which mode, through which partner tenants. Read from the caller's token and the configuration: no Graph call.",
  })
  me(@Ctx() ctx: RequestContext): Caller {
    const c = ctx.caller;
    const partners = ctx.partners.filter((p) =>
      c.mode === "app" ? !c.regions || c.regions.includes(p.region.toUpperCase()) : p.tenantId.toLowerCase() === c.partnerTenantId.toLowerCase(),
    );
    return Object.assign(new Caller(), {
      mode: c.mode === "agent" ? CallerMode.AGENT : CallerMode.APP,
      demo: c.mode === "app" && c.appId === undefined && ctx.demo,
      agentId: c.mode === "agent" ? c.agentId : null,
      userName: c.mode === "agent" ? (c.userName ?? null) : null,
      partnerTenantId: c.partnerTenantId ?? null,
      partnerTenants: partners,
    });
  }

  @Query(() => SignInRouting, {
    description:
      "From a customer user's sign-in name: the region, and the regional app and authority to sign an agent in with. Reads the domain's OpenID discovery document (no token needed); errors: BAD_USER_INPUT, NOT_FOUND (unknown domain), REGION_NOT_SERVED.",
  })
  async signInRouting(
    @Arg("userName", { description: "A customer user's sign-in name (user@domain); BAD_USER_INPUT without a domain." }) userName: string,
    @Ctx() ctx: RequestContext,
  ): Promise<SignInRouting> {
    return Object.assign(new SignInRouting(), await ctx.signInRouting.route(userName));
  }
}
