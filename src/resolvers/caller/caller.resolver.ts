import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../context";
import { Caller, CallerMode, SignInRouting } from "./caller.type";

@Resolver()
export class CallerResolver {
  @Query(() => Caller, { description: "Who is calling, in which mode, through which partner tenants." })
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

  @Query(() => SignInRouting, { description: "From a customer user's sign-in name: the region, and the regional app and authority to sign an agent in with." })
  async signInRouting(@Arg("userName") userName: string, @Ctx() ctx: RequestContext): Promise<SignInRouting> {
    return Object.assign(new SignInRouting(), await ctx.signInRouting.route(userName));
  }
}
