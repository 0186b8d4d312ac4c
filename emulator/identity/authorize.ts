import type { EmulatorContext } from "../context";
import { formBody, type EmuRequest, type EmuResponse } from "../http";
import type { TenantRef } from "../world";
import { issueCode } from "./codes";
import { AadError, aadTimestamp, Errors } from "./errors";
import { clientInfo } from "./issue";
import { agentMayActIn, appPresentIn, resolveTenantSegment } from "./tenants";

/** Query parameters of the authorize request that the sign-in form carries through its POST. */
const CARRIED = [
  "client_id",
  "redirect_uri",
  "response_type",
  "response_mode",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
  "client_info",
  "prompt",
  "login_hint",
];

/**
 * `/{tenant}/oauth2/v2.0/authorize`: a minimal sign-in page (GET) and its submission (POST).
 * The documented CSP flow signs the agent in against the CUSTOMER tenant's authority with the
 * agent's partner account; the agent must belong to the partner managing that customer.
 */
export async function handleAuthorize(req: EmuRequest, ctx: EmulatorContext, segment: string): Promise<EmuResponse> {
  const params = req.method === "POST" ? formBody(req) : req.url.searchParams;
  const resolved = resolveTenantSegment(ctx, segment);
  const clientId = params.get("client_id") ?? "";
  ctx.counters.count("authorize", { ...(resolved?.kind === "tenant" ? { tenantId: resolved.ref.tenant.id } : {}), ...(clientId ? { appId: clientId } : {}) });
  if (!resolved) return errorPage(ctx, Errors.tenantNotFound(segment));
  const client = ctx.world.app(clientId);
  if (!client) return errorPage(ctx, Errors.appNotFound(clientId, segment));
  const redirectUri = params.get("redirect_uri");
  if (!redirectUri || !isAbsoluteUrl(redirectUri)) return errorPage(ctx, Errors.missingParameter("redirect_uri"));
  if (!(params.get("response_type") ?? "").split(" ").includes("code")) {
    return redirectWithError(redirectUri, params, "unsupported_response_type", "AADSTS70005: The response_type is not supported; only 'code' is.");
  }
  const method = params.get("code_challenge_method") ?? (params.get("code_challenge") ? "plain" : undefined);
  if (method && method !== "S256" && method !== "plain") {
    return redirectWithError(redirectUri, params, "invalid_request", "AADSTS50149: Invalid Code_Challenge_method parameter.");
  }
  if (resolved.kind === "tenant" && !appPresentIn(client, resolved.ref)) return errorPage(ctx, Errors.appNotFound(clientId, segment));
  if (req.method !== "POST") return signInPage(params);

  const username = params.get("username") ?? "";
  const found = ctx.world.agent(username);
  if (!found || found.agent.password !== (params.get("password") ?? "")) {
    return signInPage(params, "AADSTS50126: Error validating credentials due to invalid username or password.");
  }
  const target: TenantRef = resolved.kind === "tenant" ? resolved.ref : { kind: "partner", tenant: found.partner };
  if (!agentMayActIn(found.agent, target)) {
    return errorPage(
      ctx,
      Errors.userNotInTenant(
        found.agent.userPrincipalName,
        `https://sts.windows.net/${found.partner.id}/`,
        target.tenant.displayName,
        client.app.clientId,
        client.app.displayName,
      ),
    );
  }
  const code = issueCode(ctx, {
    clientId: client.app.clientId,
    redirectUri,
    tenantId: target.tenant.id,
    agentId: found.agent.id,
    scope: params.get("scope") ?? "",
    nonce: params.get("nonce") ?? undefined,
    codeChallenge: params.get("code_challenge") ?? undefined,
    codeChallengeMethod: params.get("code_challenge") ? (method as "S256" | "plain") : undefined,
  });
  const location = new URL(redirectUri);
  location.searchParams.set("code", code);
  if (params.get("client_info") === "1") location.searchParams.set("client_info", clientInfo(found.agent));
  const state = params.get("state");
  if (state !== null) location.searchParams.set("state", state);
  return { status: 302, headers: { location: location.toString(), "cache-control": "no-store" }, body: "" };
}

function signInPage(params: URLSearchParams, error?: string): EmuResponse {
  const hidden = CARRIED.filter((k) => params.get(k) !== null)
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params.get(k) ?? "")}">`)
    .join("\n      ");
  const hint = escapeHtml(params.get("username") ?? params.get("login_hint") ?? "");
  const html = `<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>Sign in to your account</title></head>
  <body>
    <h1>Sign in</h1>
    ${error ? `<p role="alert" id="error">${escapeHtml(error)}</p>` : ""}
    <form method="post">
      ${hidden}
      <label>Email <input type="email" name="username" value="${hint}" autocomplete="username" required></label>
      <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
      <button type="submit">Sign in</button>
    </form>
  </body>
</html>`;
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body: html };
}

/** Errors Entra shows on its own page rather than sending to an unverified redirect URI. */
function errorPage(ctx: EmulatorContext, err: AadError): EmuResponse {
  const html = `<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>Sign in to your account</title></head>
  <body>
    <h1>Sorry, but we're having trouble signing you in.</h1>
    <p id="error" data-error="${err.error}" data-code="${err.code}">${escapeHtml(err.message)}</p>
    <p>Timestamp: ${aadTimestamp(ctx.now())}</p>
  </body>
</html>`;
  return { status: err.status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body: html };
}

function redirectWithError(redirectUri: string, params: URLSearchParams, error: string, description: string): EmuResponse {
  const location = new URL(redirectUri);
  location.searchParams.set("error", error);
  location.searchParams.set("error_description", description);
  const state = params.get("state");
  if (state !== null) location.searchParams.set("state", state);
  return { status: 302, headers: { location: location.toString() }, body: "" };
}

function isAbsoluteUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
