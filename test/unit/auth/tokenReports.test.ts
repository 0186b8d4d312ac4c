import { AuthError, type ConfidentialClientApplication } from "@azure/msal-node";
import { AppOnlyTokenSource } from "../../../src/auth/msalTokenSources";
import { TokenRenewals } from "../../../src/auth/renewals";
import { MemoryTokenCache } from "../../../src/auth/tokenCache";
import type { TokenReport } from "../../../src/graph/observer";

const TENANT = "11111111-1111-1111-1111-111111111111";

/** A stand-in for MSAL's client (the source's only collaborator): answers client credentials after `ms`, or fails. */
function app(behaviour: { ms?: number; fail?: boolean } = {}) {
  let calls = 0;
  const client = {
    acquireTokenByClientCredential: async () => {
      calls++;
      await new Promise((r) => setTimeout(r, behaviour.ms ?? 5));
      if (behaviour.fail) throw new AuthError("temporarily_unavailable", "The identity platform is busy.");
      return { accessToken: `token-${calls}`, expiresOn: new Date(Date.now() + 3_600_000) };
    },
  };
  return { client: client as unknown as ConfidentialClientApplication, calls: () => calls };
}

const source = (client: ConfidentialClientApplication) =>
  new AppOnlyTokenSource(
    TENANT,
    client,
    `https://login.example/${TENANT}`,
    "https://graph.example/.default",
    new TokenRenewals(),
    new MemoryTokenCache(),
    "app-id",
  );

describe("token sources report how each token was had", () => {
  it("endpoint for the request that asked, shared for one that joined it, cache afterwards; never the token", async () => {
    const msal = app({ ms: 20 });
    const s = source(msal.client);
    const reports: TokenReport[] = [];
    const report = (r: TokenReport) => reports.push(r);
    const [a, b] = await Promise.all([s.getToken(report), s.getToken(report)]);
    expect([a, b]).toEqual(["token-1", "token-1"]);
    expect(await s.getToken(report)).toBe("token-1");
    expect(msal.calls()).toBe(1);
    expect(reports.map((r) => [r.mode, r.source, r.ok])).toEqual([
      ["app", "endpoint", true],
      ["app", "shared", true],
      ["app", "cache", true],
    ]);
    expect(reports[0]!.endedAt - reports[0]!.startedAt).toBeGreaterThanOrEqual(15);
    expect(JSON.stringify(reports)).not.toContain("token-1");
  });

  it("a failed token request with its code", async () => {
    const s = source(app({ fail: true }).client);
    const reports: TokenReport[] = [];
    await expect(s.getToken((r) => reports.push(r))).rejects.toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
    expect(reports).toEqual([expect.objectContaining({ mode: "app", source: "endpoint", ok: false, code: "UPSTREAM_UNAVAILABLE" })]);
  });

  it("nothing, and the same token, without a reporter", async () => {
    expect(await source(app().client).getToken()).toBe("token-1");
  });
});
