import { ServerError } from "@azure/msal-node";
import { toAuthError } from "../../../src/auth/authErrors";
import { PartnerGraphError } from "../../../src/errors";

const TENANT = "11111111-1111-4111-8111-111111111111";
/** As MSAL builds it from a token-endpoint error body (error, error_description, error_codes[0], status). */
const serverError = (error: string, aadsts: number, status = 400) =>
  new ServerError(error, "corr-id", `AADSTS${aadsts}: text from Entra\r\nTrace ID: x`, undefined, String(aadsts), status);

describe("toAuthError: the AADSTS codes a caller can act on", () => {
  it.each([
    [500133, "UNAUTHENTICATED"],
    [50013, "UNAUTHENTICATED"],
    [50020, "FORBIDDEN"],
  ])("maps AADSTS%i to %s, with the code and without Entra's text", (aadsts, code) => {
    const err = toAuthError(serverError("invalid_grant", aadsts), TENANT);
    expect(err).toBeInstanceOf(PartnerGraphError);
    expect((err as PartnerGraphError).code).toBe(code);
    expect((err as PartnerGraphError).extensions).toMatchObject({ tenantId: TENANT, aadsts });
    expect(err.message).not.toMatch(/AADSTS|Trace ID|text from Entra/);
    // Sign in again, do not retry: no retry hint.
    expect((err as PartnerGraphError).extensions.retryAfter).toBeUndefined();
  });

  it("gives 50020 the reason: no partner relationship in force", () => {
    expect((toAuthError(serverError("invalid_grant", 50020), TENANT) as PartnerGraphError).extensions.reason).toBe("NO_RELATIONSHIP");
  });

  it("reads the code from the description when MSAL has no errorNo", () => {
    const err = new ServerError("invalid_grant", "corr-id", "AADSTS500133: Assertion is not within its valid time range.");
    expect((toAuthError(err, TENANT) as PartnerGraphError).code).toBe("UNAUTHENTICATED");
  });

  it("still masks what the caller cannot act on (a wrong client secret)", () => {
    expect(toAuthError(serverError("invalid_client", 7000215, 401), TENANT)).not.toBeInstanceOf(PartnerGraphError);
  });
});
