import { AuthError, InteractionRequiredAuthError } from "@azure/msal-node";
import {
  appNotConsented,
  callerTokenNoLongerAccepted,
  identityPlatformUnavailable,
  noPartnerRelationship,
  noSuchTenant,
  PartnerGraphError,
  signInAgain,
} from "../errors";

/** AADSTS codes that mean something to a caller; everything else is masked as an internal error. */
const AADSTS = /AADSTS(\d+)/;

/**
 * Turns an MSAL failure into our error vocabulary. The AADSTS description is not passed on: it
 * can name tenants and apps. The code is.
 */
export function toAuthError(err: unknown, tenantId: string): Error {
  if (err instanceof PartnerGraphError) return err;
  if (err instanceof InteractionRequiredAuthError) {
    return signInAgain(tenantId, err.claims || undefined);
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
        return callerTokenNoLongerAccepted(tenantId, code);
      // The agent is a stranger in this tenant: no DAP or GDAP relationship of its partner is in force there.
      case 50020:
        return noPartnerRelationship(tenantId, code);
      case 90002:
        return noSuchTenant(tenantId);
      case 90033: // "A transient error has occurred" — also what MSAL replays while it throttles the endpoint itself
        return identityPlatformUnavailable(tenantId);
      case 700016:
      case 65001:
      case 500011:
        return appNotConsented(tenantId, code);
    }
    if (err.errorCode === "temporarily_unavailable" || err.errorCode === "network_error" || /^5\d\d$/.test(String((err as { status?: number }).status ?? ""))) {
      return identityPlatformUnavailable(tenantId);
    }
  }
  // Bad client secret, misconfigured authority and the like: the operator's problem, masked for the caller.
  return err instanceof Error ? err : new Error(String(err));
}
