import { AuthError, InteractionRequiredAuthError } from "@azure/msal-node";
import { PartnerGraphError } from "../errors";

/** AADSTS codes that mean something to a caller; everything else is masked as an internal error. */
const AADSTS = /AADSTS(\d+)/;

/**
 * Turns an MSAL failure into our error vocabulary. The AADSTS description is not passed on: it
 * can name tenants and apps. The code is.
 */
export function toAuthError(err: unknown, tenantId: string): Error {
  if (err instanceof PartnerGraphError) return err;
  if (err instanceof InteractionRequiredAuthError) {
    return new PartnerGraphError("UNAUTHENTICATED", "The agent must sign in again to satisfy a policy of the customer tenant.", {
      tenantId,
      claims: err.claims || undefined,
    });
  }
  if (err instanceof AuthError) {
    const errorNo = (err as { errorNo?: string }).errorNo;
    const code = Number(errorNo ?? AADSTS.exec(`${err.errorMessage} ${err.message}`)?.[1] ?? NaN);
    switch (code) {
      // The caller's token passed our checks but not Entra's: expired there (500133, we allow a little
      // clock skew) or no longer valid (50013: e.g. its signing key was rotated out). Retrying cannot
      // help; the client must get a new token.
      case 500133:
      case 50013:
        return new PartnerGraphError("UNAUTHENTICATED", "The caller's token is no longer accepted by the identity platform; sign in again for a new one.", {
          tenantId,
          aadsts: code,
        });
      // The agent is a stranger in this tenant: no DAP or GDAP relationship of its partner is in force there.
      case 50020:
        return new PartnerGraphError("FORBIDDEN", "The agent has no access to this customer tenant: no partner relationship (DAP or GDAP) with it is in force.", {
          tenantId,
          reason: "NO_RELATIONSHIP",
          aadsts: code,
        });
      case 90002:
        return new PartnerGraphError("NOT_FOUND", "No such tenant.", { tenantId });
      case 90033: // "A transient error has occurred" — also what MSAL replays while it throttles the endpoint itself
        return new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform is unavailable for this tenant.", { tenantId });
      case 700016:
      case 65001:
      case 500011:
        return new PartnerGraphError("CONSENT_MISSING", "The partner app is not consented in this customer tenant.", { tenantId, aadsts: code });
    }
    if (err.errorCode === "temporarily_unavailable" || err.errorCode === "network_error" || /^5\d\d$/.test(String((err as { status?: number }).status ?? ""))) {
      return new PartnerGraphError("UPSTREAM_UNAVAILABLE", "The identity platform is unavailable for this tenant.", { tenantId });
    }
  }
  // Bad client secret, misconfigured authority and the like: the operator's problem, masked for the caller.
  return err instanceof Error ? err : new Error(String(err));
}
