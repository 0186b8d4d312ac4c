import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { Agent, fetch } from "undici";
import { startEmulator, type RunningEmulator } from "../../emulator";
import type { CustomerTenant, PartnerTenant } from "../../emulator/data/model";
import { issueAgentApiToken } from "../../emulator/identity";

/**
 * The real @azure/msal-node against the emulator over HTTPS with certificate checks on: the
 * emulator's CA is trusted through an undici Agent used by a custom networkClient
 * (msal-graph-client-offline.md), so no environment variable or global state is touched.
 */
let emu: RunningEmulator;
let dispatcher: Agent;
let networkClient: INetworkModule;
let na: PartnerTenant;
let naCustomer: CustomerTenant;
let euCustomer: CustomerTenant;

beforeAll(async () => {
  emu = await startEmulator();
  dispatcher = new Agent({ connect: { ca: emu.caCert } });
  networkClient = {
    sendGetRequestAsync: (url, options) => send("GET", url, options),
    sendPostRequestAsync: (url, options) => send("POST", url, options),
  };
  const { world } = emu.ctx;
  na = world.partnerForRegion("NA")!;
  const now = emu.ctx.now();
  naCustomer = world.customersOf(na.id).find((c) => c.propagatedAt <= now)!;
  euCustomer = world.customersOf(world.partnerForRegion("EU")!.id)[0]!;
});

afterAll(async () => {
  await dispatcher?.close();
  await emu?.close();
});

async function send<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
  const res = await fetch(url, { method, headers: options?.headers, body: method === "POST" ? options?.body : undefined, dispatcher });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
  const text = await res.text();
  return { headers, status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

function cca(auth: { clientSecret?: string; clientCertificate?: { thumbprintSha256: string; privateKey: string } }): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId: na.app.clientId, authority: `${emu.url}/organizations`, knownAuthorities: [new URL(emu.url).host], ...auth },
    system: { networkClient },
  });
}

function tokenCount(): number {
  return emu.ctx.counters.snapshot().total.token ?? 0;
}

it("acquires app-only Graph tokens per customer with a client secret, then serves them from cache", async () => {
  const app = cca({ clientSecret: na.app.clientSecret });
  const request = { scopes: [`${emu.url}/.default`], authority: `${emu.url}/${naCustomer.id}` };
  const first = await app.acquireTokenByClientCredential(request);
  const claims = decodeJwt(first!.accessToken);
  expect(claims).toMatchObject({ tid: naCustomer.id, appid: na.app.clientId, appidacr: "1", idtyp: "app", aud: emu.url });
  expect(claims.roles).toEqual(na.app.applicationPermissions);
  const before = tokenCount();
  const second = await app.acquireTokenByClientCredential(request);
  expect(second!.fromCache).toBe(true);
  expect(tokenCount()).toBe(before);
});

it("acquires a token with the app's certificate (private_key_jwt)", async () => {
  const thumbprintSha256 = Buffer.from(na.app.certificateThumbprintSha256, "base64url").toString("hex");
  const app = cca({ clientCertificate: { thumbprintSha256, privateKey: na.app.certificatePrivateKeyPem } });
  const result = await app.acquireTokenByClientCredential({
    scopes: ["https://graph.microsoft.com/.default"],
    authority: `${emu.url}/${naCustomer.defaultDomain}`,
  });
  expect(decodeJwt(result!.accessToken)).toMatchObject({ tid: naCustomer.id, appidacr: "2", aud: "https://graph.microsoft.com" });
});

it("trades an agent's API token on behalf of the agent and caches the result per assertion", async () => {
  const agent = na.agents.find((a) => a.adminAgent && !a.mfaRequired)!;
  const { access_token } = await issueAgentApiToken(emu.ctx, agent.userPrincipalName);
  const app = cca({ clientSecret: na.app.clientSecret });
  const request = { oboAssertion: access_token, scopes: [`${emu.url}/.default`], authority: `${emu.url}/${naCustomer.id}` };
  const result = await app.acquireTokenOnBehalfOf(request);
  expect(decodeJwt(result!.accessToken)).toMatchObject({ tid: naCustomer.id, oid: agent.id, idtyp: "user", scp: na.app.delegatedPermissions.join(" ") });
  expect(result!.account?.homeAccountId).toBe(`${agent.id}.${na.id}`);
  const before = tokenCount();
  const again = await app.acquireTokenOnBehalfOf(request);
  expect(again!.fromCache).toBe(true);
  expect(tokenCount()).toBe(before);
});

it("surfaces the MFA challenge as an interaction-required error with claims", async () => {
  const agent = na.agents.find((a) => a.mfaRequired)!;
  const { access_token } = await issueAgentApiToken(emu.ctx, agent.id);
  const app = cca({ clientSecret: na.app.clientSecret });
  const err = await app
    .acquireTokenOnBehalfOf({ oboAssertion: access_token, scopes: [`${emu.url}/.default`], authority: `${emu.url}/${naCustomer.id}` })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ errorCode: "interaction_required", name: "InteractionRequiredAuthError" });
  expect((err as { claims: string }).claims).toContain("capolids");
});

it("fails for a customer of another region with AADSTS700016", async () => {
  const app = cca({ clientSecret: na.app.clientSecret });
  const err = await app
    .acquireTokenByClientCredential({ scopes: [`${emu.url}/.default`], authority: `${emu.url}/${euCustomer.id}`, skipCache: true })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ errorCode: "unauthorized_client" });
  expect((err as Error).message).toContain(`AADSTS700016: Application with identifier '${na.app.clientId}' was not found in the directory '${euCustomer.id}'`);
});
