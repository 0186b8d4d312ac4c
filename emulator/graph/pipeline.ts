import type { EmulatorContext } from "../context";
import type { EmuRequest, EmuResponse } from "../http";
import { authorize, type Caller } from "./authorize";
import { faultError, graphError, Messages, type RequestInfo } from "./errors";
import { serve } from "./resources";
import { route, type Route } from "./router";
import { graphThrottle, resourceUnitCost, tenantSize, type ThrottleOutcome } from "./throttle";
import { tenantView } from "./views";

/**
 * One Graph request after authentication: a plain HTTP request or one `$batch` item. Steps, in the
 * order the service applies them: route (400/405), injected fault, authorisation (403), Intune
 * licence, throttling (429), then the read itself.
 */

/** Splits `/v1.0/users/x` into the version and the decoded segments after it. */
export function splitPath(url: URL): { version: string; segments: string[] } {
  const parts = url.pathname.split("/").filter((p, i) => i > 0 && p !== "");
  const [version = "v1.0", ...rest] = parts;
  const segments = rest.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return { version, segments };
}

export async function serveOne(req: EmuRequest, caller: Caller, ctx: EmulatorContext, info: RequestInfo): Promise<EmuResponse> {
  const { version, segments } = splitPath(req.url);
  const routed = route(req.method, segments);
  if (!routed.ok) return graphError(info, routed.status, routed.code, routed.message);
  const r = routed.route;
  if (r.target.kind === "batch") {
    // A $batch inside a $batch is not supported (known issues: no nested batches).
    return graphError(info, 400, "BadRequest", Messages.segmentNotFound("$batch"));
  }
  const intune = r.service === "intune";

  const fault = ctx.faults.graphFault(caller.tid);
  if (fault !== undefined) {
    const { code, message } = faultError(fault);
    const retryAfter = ctx.faults.config.retryAfter;
    return graphError(info, fault, code, message, { intune, headers: retryAfter ? { "retry-after": retryAfter } : {} });
  }

  const denial = authorize(caller, r.resource, ctx);
  if (denial) return graphError(info, denial.status, denial.code, denial.message, { intune, headers: denial.headers });

  const view = tenantView(ctx, caller.tid);
  if (!view) return graphError(info, 401, "InvalidAuthenticationToken", Messages.tokenValidationFailure);

  // The Graph API for Intune needs an Intune licence in the tenant (Intune API docs); the answer
  // unlicensed tenants get is observed as 400 "Request not applicable to target tenant."
  if (intune && (view.kind !== "customer" || !view.customer.intuneLicensed)) {
    return graphError(info, 400, "BadRequest", Messages.intuneNotApplicable, { intune });
  }

  const throttled = throttle(r, req, caller, ctx, view.kind === "customer" ? view.customer.sizes.users : view.dir.users.length);
  if (throttled && !throttled.ok) {
    const message = intune ? Messages.intuneThrottled : Messages.throttled;
    return graphError(info, 429, "TooManyRequests", message, { intune, headers: throttled.headers });
  }

  const res = await serve(r.target, { req, view, ctx, info, version, intune });
  if (throttled) Object.assign(res.headers, throttled.headers);
  return res;
}

function throttle(r: Route, req: EmuRequest, caller: Caller, ctx: EmulatorContext, users: number): ThrottleOutcome | undefined {
  if (r.service === "none") return undefined;
  // Directory answers always state their cost, throttling or not.
  const cost = resourceUnitCost(r.baseCost, req.url);
  if (!ctx.settings.throttling) return r.service === "directory" ? { ok: true, headers: { "x-ms-resource-unit": String(cost) } } : undefined;
  const t = graphThrottle(ctx);
  const common = { appId: caller.appId, tenantId: caller.tid, scale: ctx.settings.throttleScale, now: ctx.now() };
  // x-ms-throttle-priority is information only: it never changes the limits.
  const outcome = r.service === "intune" ? t.intune(common) : t.directory({ ...common, size: tenantSize(users), cost });
  // Counted so tests and benchmarks can see how often a client ran into the limits.
  if (!outcome.ok) ctx.counters.count("throttled", { tenantId: caller.tid, appId: caller.appId });
  return outcome;
}
