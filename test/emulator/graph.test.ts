import { handleGraph } from "../../emulator/graph";
import { graphThrottle } from "../../emulator/graph/throttle";
import {
  agentToken,
  agents,
  APP_ID,
  appToken,
  body,
  C1,
  C2,
  C3,
  C4,
  deviceId,
  graphFixture,
  groupId,
  managedId,
  OTHER_APP_ID,
  request,
  userId,
  type GraphFixture,
} from "./graphFixture";

const run = (f: GraphFixture, method: string, path: string, token?: string, opts?: Parameters<typeof request>[3]) =>
  handleGraph(request(method, path, token, opts), f.ctx);

/** A batch of GET items. */
const batchOf = (urls: string[], extra: (i: number) => Record<string, unknown> = () => ({})) => ({
  requests: urls.map((url, i) => ({ id: String(i + 1), method: "GET", url, ...extra(i) })),
});

type Item = { id: string; status: number; headers: Record<string, string>; body: any };
const items = (res: { body: unknown }) => new Map(body<{ responses: Item[] }>(res as never).responses.map((r) => [r.id, r]));

describe("Graph emulator: authentication and tenant", () => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture();
  });

  test("the token's tid decides the tenant", async () => {
    const c1 = await run(f, "GET", "/v1.0/users?$top=5", await appToken(f, C1));
    const c3 = await run(f, "GET", "/v1.0/users?$top=5", await appToken(f, C3));
    expect(c1.status).toBe(200);
    expect(body(c1).value.every((u: any) => u.userPrincipalName.endsWith("@c1.onmicrosoft.com"))).toBe(true);
    expect(body(c3).value.every((u: any) => u.userPrincipalName.endsWith("@c3.onmicrosoft.com"))).toBe(true);
    expect(c1.headers["odata-version"]).toBe("4.0");
    expect(c1.headers["request-id"]).toBeTruthy();
    const org = await run(f, "GET", "/v1.0/organization", await appToken(f, C3));
    expect(body(org).value).toHaveLength(1);
    expect(body(org).value[0].id).toBe(C3);
  });

  test("401 InvalidAuthenticationToken: missing, garbage, expired, wrong audience", async () => {
    const cases: [string | undefined, string][] = [
      [undefined, "Access token is empty."],
      ["not-a-jwt", "CompactToken parsing failed with error code: 80049217"],
      [
        await appToken(f, C1, undefined, { exp: Math.floor(Date.now() / 1000) - 10, iat: Math.floor(Date.now() / 1000) - 4000 }),
        "Access token has expired or is not yet valid.",
      ],
      [await appToken(f, C1, undefined, { aud: "api://someone-else" }), "Access token validation failure. Invalid audience."],
    ];
    for (const [token, message] of cases) {
      const res = await run(f, "GET", "/v1.0/users", token, { headers: { "client-request-id": "abc-123" } });
      expect(res.status).toBe(401);
      expect(body(res).error.code).toBe("InvalidAuthenticationToken");
      expect(body(res).error.message).toBe(message);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="", authorization_uri=".*", client_id="00000003-0000-0000-c000-000000000000"$/);
      expect(res.headers["client-request-id"]).toBe("abc-123");
    }
  });

  test("the other audiences Graph accepts", async () => {
    for (const aud of ["https://127.0.0.1:8443", "00000003-0000-0000-c000-000000000000"]) {
      const res = await run(f, "GET", "/v1.0/organization", await appToken(f, C1, undefined, { aud }));
      expect(res.status).toBe(200);
    }
  });
});

describe("Graph emulator: authorisation", () => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture();
  });

  const expectDenied = (res: { status: number; body: unknown }) => {
    expect(res.status).toBe(403);
    expect(body(res as never).error).toMatchObject({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
  };

  test("an app without roles is denied; the resource's own permission suffices", async () => {
    expectDenied(await run(f, "GET", "/v1.0/users", await appToken(f, C1, [])));
    expectDenied(await run(f, "GET", "/v1.0/users", await appToken(f, C1, ["Group.Read.All"])));
    expect((await run(f, "GET", "/v1.0/users", await appToken(f, C1, ["User.Read.All"]))).status).toBe(200);
    expectDenied(await run(f, "GET", "/v1.0/deviceManagement/managedDevices", await appToken(f, C1, ["Directory.Read.All"])));
  });

  test("a token of a tenant still propagating is denied, even after the window; a new token works", async () => {
    const early = await appToken(f, C2);
    expectDenied(await run(f, "GET", "/v1.0/users", early));
    f.clock.now += 200_000; // the relationship has arrived
    expectDenied(await run(f, "GET", "/v1.0/users", early));
    const fresh = await appToken(f, C2, undefined, { iat: Math.floor(f.clock.now / 1000) });
    expect((await run(f, "GET", "/v1.0/users", fresh)).status).toBe(200);
  });

  test("an app of no partner of this customer has no identity there", async () => {
    const res = await run(f, "GET", "/v1.0/users", await appToken(f, C1, undefined, { appId: OTHER_APP_ID }));
    expect(res.status).toBe(401);
    expect(body(res).error.code).toBe("Authorization_IdentityNotFound");
  });

  test("pre-consent is checked at request time", async () => {
    const token = await appToken(f, C1);
    f.partner.appInAdminAgents = false;
    expectDenied(await run(f, "GET", "/v1.0/users", token));
  });

  test("agents: GDAP role needed, helpdesk cannot read Intune, expired relationships grant nothing, DAP admin agents can", async () => {
    expect((await run(f, "GET", "/v1.0/users", await agentToken(f, C1, agents.reader))).status).toBe(200);
    expectDenied(await run(f, "GET", "/v1.0/users", await agentToken(f, C1, agents.nobody)));
    expect((await run(f, "GET", "/v1.0/users", await agentToken(f, C1, agents.helpdesk))).status).toBe(200);
    expectDenied(await run(f, "GET", "/v1.0/deviceManagement/managedDevices", await agentToken(f, C1, agents.helpdesk)));
    expectDenied(await run(f, "GET", `/v1.0/users/${userId("c1", 1)}/managedDevices`, await agentToken(f, C1, agents.helpdesk)));
    expect((await run(f, "GET", "/v1.0/deviceManagement/managedDevices", await agentToken(f, C1, agents.reader))).status).toBe(200);
    expectDenied(await run(f, "GET", "/v1.0/users", await agentToken(f, C4, agents.reader)));
    expectDenied(await run(f, "GET", "/v1.0/users", await agentToken(f, C1, agents.unbacked)));
    expect((await run(f, "GET", "/v1.0/users", await agentToken(f, C3, agents.dap))).status).toBe(200);
    expectDenied(await run(f, "GET", "/v1.0/users", await agentToken(f, C1, agents.dap)));
  });

  test("delegated tokens also need the scope", async () => {
    expectDenied(await run(f, "GET", "/v1.0/users", await agentToken(f, C1, agents.reader, "Group.Read.All")));
  });

  test("Intune on a tenant without Intune licences: the documented-by-observation 400 with details", async () => {
    const res = await run(f, "GET", "/v1.0/deviceManagement/managedDevices", await appToken(f, C3));
    expect(res.status).toBe(400);
    expect(body(res).error).toMatchObject({ code: "BadRequest", message: "Request not applicable to target tenant.", details: [] });
  });
});

describe("Graph emulator: resources", () => {
  let f: GraphFixture;
  let token: string;
  beforeEach(async () => {
    f = await graphFixture();
    token = await appToken(f, C1);
  });

  test("paging through @odata.nextLink", async () => {
    const first = await run(f, "GET", "/v1.0/users?$select=id,displayName", token);
    expect(body(first).value).toHaveLength(100);
    const next: string = body(first)["@odata.nextLink"];
    expect(next.startsWith("https://127.0.0.1:8443/v1.0/users?")).toBe(true);
    expect(next).toContain("$skiptoken=");
    const second = await run(f, "GET", next, token);
    expect(second.status).toBe(200);
    expect(body(second).value).toHaveLength(50);
    expect(body(second)["@odata.nextLink"]).toBeUndefined();
    const ids = new Set([...body(first).value, ...body(second).value].map((u: any) => u.id));
    expect(ids.size).toBe(150);
    expect(Object.keys(body(second).value[0]).sort()).toEqual(["displayName", "id"]);
  });

  test("users by id and by userPrincipalName, with the default property set", async () => {
    const byId = await run(f, "GET", `/v1.0/users/${userId("c1", 2)}`, token);
    const byUpn = await run(f, "GET", "/v1.0/users/USER2@c1.onmicrosoft.com", token);
    expect(body(byId).id).toBe(userId("c1", 2));
    expect(body(byUpn).id).toBe(userId("c1", 2));
    expect(body(byId)["@odata.context"]).toBe("https://127.0.0.1:8443/v1.0/$metadata#users/$entity");
    expect(body(byId)).not.toHaveProperty("accountEnabled");
  });

  test("navigation: memberOf, transitiveMemberOf, members, owners, registeredOwners, managedDevices, manager", async () => {
    const memberOf = body(await run(f, "GET", `/v1.0/users/${userId("c1", 1)}/memberOf`, token));
    expect(memberOf.value).toEqual([expect.objectContaining({ "@odata.type": "#microsoft.graph.group", id: groupId("c1", 1) })]);

    const transitive = body(await run(f, "GET", `/v1.0/users/${userId("c1", 3)}/transitiveMemberOf`, token));
    expect(transitive.value.map((g: any) => g.id).sort()).toEqual([groupId("c1", 1), groupId("c1", 2)].sort());

    const members = body(await run(f, "GET", `/v1.0/groups/${groupId("c1", 1)}/members`, token));
    expect(members.value.map((m: any) => m["@odata.type"]).sort()).toEqual([
      "#microsoft.graph.device",
      "#microsoft.graph.group",
      "#microsoft.graph.user",
      "#microsoft.graph.user",
    ]);
    const owners = body(await run(f, "GET", `/v1.0/groups/${groupId("c1", 1)}/owners`, token));
    expect(owners.value.map((o: any) => o.id)).toEqual([userId("c1", 1)]);

    const groupsOnly = body(await run(f, "GET", `/v1.0/groups/${groupId("c1", 1)}/members/microsoft.graph.user`, token));
    expect(groupsOnly.value).toHaveLength(2);

    const regOwners = body(await run(f, "GET", `/v1.0/devices/${deviceId("c1", 1)}/registeredOwners`, token));
    expect(regOwners.value).toEqual([expect.objectContaining({ "@odata.type": "#microsoft.graph.user", id: userId("c1", 1) })]);

    const byAltKey = await run(f, "GET", "/v1.0/devices(deviceId='c1-aad-device-1')", token);
    expect(body(byAltKey).id).toBe(deviceId("c1", 1));

    const managed = body(await run(f, "GET", `/v1.0/users/${userId("c1", 1)}/managedDevices`, token));
    expect(managed.value.map((m: any) => m.id)).toEqual([managedId("c1", 1)]);
    expect(managed.value[0].azureADDeviceId).toBe("c1-aad-device-1");

    const manager = await run(f, "GET", `/v1.0/users/${userId("c1", 2)}/manager`, token);
    expect(body(manager)).toMatchObject({ "@odata.type": "#microsoft.graph.user", id: userId("c1", 1) });
    const none = await run(f, "GET", `/v1.0/users/${userId("c1", 1)}/manager`, token);
    expect(none.status).toBe(404);
    expect(body(none).error.message).toBe("Resource 'manager' does not exist or one of its queried reference-property objects are not present.");

    const owned = body(await run(f, "GET", `/v1.0/users/${userId("c1", 1)}/ownedDevices`, token));
    expect(owned.value.map((d: any) => d["@odata.type"])).toEqual(["#microsoft.graph.device"]);
  });

  test("404 shape", async () => {
    const res = await run(f, "GET", "/v1.0/users/00000000-0000-0000-0000-00000000dead", token, { headers: { "client-request-id": "my-id" } });
    expect(res.status).toBe(404);
    const e = body(res).error;
    expect(e.code).toBe("Request_ResourceNotFound");
    expect(e.message).toBe("Resource '00000000-0000-0000-0000-00000000dead' does not exist or one of its queried reference-property objects are not present.");
    expect(e.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(e.innerError["request-id"]).toBe(res.headers["request-id"]);
    expect(e.innerError["client-request-id"]).toBe("my-id");
    expect(res.headers["client-request-id"]).toBe("my-id");
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["x-ms-ags-diagnostic"]).toBeTruthy();
    expect(res.headers.date).toBeTruthy();
    expect(e).not.toHaveProperty("details");
  });

  test("unknown segment is 400, wrong method is 405", async () => {
    const seg = await run(f, "GET", "/v1.0/widgets", token);
    expect(seg.status).toBe(400);
    expect(body(seg).error).toMatchObject({ code: "BadRequest", message: "Resource not found for the segment 'widgets'." });
    const nav = await run(f, "GET", `/v1.0/users/${userId("c1", 1)}/photos`, token);
    expect(body(nav).error.message).toBe("Resource not found for the segment 'photos'.");
    const method = await run(f, "DELETE", "/v1.0/users", token);
    expect(method.status).toBe(405);
    expect((await run(f, "GET", "/v1.0/directoryObjects/getByIds", token)).status).toBe(405);
  });

  test("$count segment needs ConsistencyLevel", async () => {
    const without = await run(f, "GET", "/v1.0/users/$count", token);
    expect(without.status).toBe(400);
    const withHeader = await run(f, "GET", "/v1.0/users/$count", token, { headers: { ConsistencyLevel: "eventual" } });
    expect(withHeader.status).toBe(200);
    expect(withHeader.body).toBe("150");
    expect(withHeader.headers["content-type"]).toBe("text/plain");
  });

  test("getByIds: found objects only, typed, default sets, filtered by types", async () => {
    const ids = [userId("c1", 1), groupId("c1", 1), deviceId("c1", 1), "00000000-0000-0000-0000-000000000000"];
    const all = await run(f, "POST", "/v1.0/directoryObjects/getByIds", token, { body: { ids } });
    expect(all.status).toBe(200);
    expect(body(all)["@odata.context"]).toBe("https://127.0.0.1:8443/v1.0/$metadata#directoryObjects");
    expect(body(all).value.map((o: any) => o["@odata.type"])).toEqual(["#microsoft.graph.user", "#microsoft.graph.group", "#microsoft.graph.device"]);
    expect(body(all).value[0]).not.toHaveProperty("accountEnabled"); // not in the user default set
    const some = await run(f, "POST", "/v1.0/directoryObjects/getByIds", token, { body: { ids, types: ["user", "group"] } });
    expect(body(some).value).toHaveLength(2);
    const tooMany = await run(f, "POST", "/v1.0/directoryObjects/getByIds", token, { body: { ids: Array.from({ length: 1001 }, (_, i) => String(i)) } });
    expect(tooMany.status).toBe(400);
  });

  test("partner tenant: contracts, GDAP customers and relationships", async () => {
    const p = await appToken(f, f.partner.id);
    const contracts = body(await run(f, "GET", "/v1.0/contracts", p));
    // One per customer holding a contract (DAP); names are the copies stored with the contract.
    expect(contracts.value).toHaveLength(2);
    expect(contracts.value[0]).toMatchObject({
      contractType: "ResellerPartner",
      customerId: C1,
      defaultDomainName: "c1.onmicrosoft.com",
      displayName: "c1 Inc. (old name)",
    });
    const gdapCustomers = body(await run(f, "GET", "/v1.0/tenantRelationships/delegatedAdminCustomers", p));
    expect(gdapCustomers.value.map((c: any) => c.id).sort()).toEqual([C1, C4].sort());
    expect(gdapCustomers["@odata.context"]).toBe("https://127.0.0.1:8443/v1.0/tenantRelationships/$metadata#delegatedAdminCustomers");
    const rels = body(await run(f, "GET", "/v1.0/tenantRelationships/delegatedAdminRelationships", p));
    expect(rels.value[0]).toMatchObject({ customer: { tenantId: C1 }, status: "active", accessDetails: { unifiedRoles: expect.any(Array) } });
    // Customer tenants hold no contracts.
    expect(body(await run(f, "GET", "/v1.0/contracts", token)).value).toEqual([]);
  });

  test("beta is served the same", async () => {
    const res = await run(f, "GET", `/beta/users/${userId("c1", 1)}`, token);
    expect(body(res)["@odata.context"]).toBe("https://127.0.0.1:8443/beta/$metadata#users/$entity");
  });

  test("fault injection: status, Graph error body, Retry-After from the fault config", async () => {
    f.ctx.faults.configure({ graphErrorRates: { "503": 1 }, retryAfter: "3" });
    const res = await run(f, "GET", "/v1.0/users", token);
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("3");
    expect(body(res).error.code).toBe("ServiceUnavailable");
    f.ctx.faults.configure({ graphErrorRates: { "429": 1 }, retryAfter: "" });
    const noHeader = await run(f, "GET", "/v1.0/users", token);
    expect(noHeader.status).toBe(429);
    expect(noHeader.headers).not.toHaveProperty("retry-after");
  });

  test("counters: graph per plain request, by tenant and app", async () => {
    await run(f, "GET", "/v1.0/organization", token);
    const s = f.ctx.counters.snapshot();
    expect(s.total.graph).toBe(1);
    expect(s.byTenant[C1]?.graph).toBe(1);
    expect(s.byApp[APP_ID]?.graph).toBe(1);
    expect(s.waves.graph).toBe(1);
  });
});

describe("Graph emulator: $batch", () => {
  let f: GraphFixture;
  let token: string;
  beforeEach(async () => {
    f = await graphFixture();
    token = await appToken(f, C1);
  });

  test("more than 20 items: 400 when enforced, served when lenient", async () => {
    const urls = Array.from({ length: 21 }, () => "/organization");
    const enforced = await run(f, "POST", "/v1.0/$batch", token, { body: batchOf(urls) });
    expect(enforced.status).toBe(400);
    expect(body(enforced).error).toMatchObject({ code: "BadRequest", message: "Number of requests inside batch exceeds the limit." });
    f.ctx.settings.batchLimit = "lenient";
    const lenient = await run(f, "POST", "/v1.0/$batch", token, { body: batchOf(urls) });
    expect(lenient.status).toBe(200);
    expect(items(lenient).size).toBe(21);
    const twenty = await run(f, "POST", "/v1.0/$batch", token, { body: batchOf(urls.slice(0, 20)) });
    expect(twenty.status).toBe(200);
  });

  test("duplicate ids fail the whole batch", async () => {
    const res = await run(f, "POST", "/v1.0/$batch", token, {
      body: {
        requests: [
          { id: "a", method: "GET", url: "/users" },
          { id: "A", method: "GET", url: "/groups" },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(body(res).error.code).toBe("BadRequest");
  });

  test("answers in another order, matched by id; relative URLs with or without a slash", async () => {
    const res = await run(f, "POST", "/v1.0/$batch", token, { body: batchOf(["/organization", "users?$top=1", "/groups", "/devices"]) });
    expect(res.status).toBe(200);
    const order = body<{ responses: Item[] }>(res).responses.map((r) => r.id);
    expect(order).not.toEqual(["1", "2", "3", "4"]);
    const byId = items(res);
    expect([...byId.values()].every((r) => r.status === 200)).toBe(true);
    expect(byId.get("2")!.body.value).toHaveLength(1);
    expect(byId.get("1")!.headers["OData-Version"]).toBe("4.0");
  });

  test("dependants of a failed item get 424; independent items still run", async () => {
    const res = await run(f, "POST", "/v1.0/$batch", token, {
      body: {
        requests: [
          { id: "1", method: "GET", url: "/users/00000000-0000-0000-0000-000000000000" },
          { id: "2", method: "GET", url: "/organization", dependsOn: ["1"] },
          { id: "3", method: "GET", url: "/groups", dependsOn: ["2"] },
          { id: "4", method: "GET", url: "/devices" },
        ],
      },
    });
    const r = items(res);
    expect(r.get("1")!.status).toBe(404);
    expect(r.get("2")!.status).toBe(424);
    expect(r.get("3")!.status).toBe(424);
    expect(r.get("4")!.status).toBe(200);
  });

  test("ConsistencyLevel must be set per item; the outer header is not passed down", async () => {
    const res = await run(f, "POST", "/v1.0/$batch", token, {
      headers: { ConsistencyLevel: "eventual" },
      body: {
        requests: [
          { id: "with", method: "GET", url: "/users/$count", headers: { ConsistencyLevel: "eventual" } },
          { id: "without", method: "GET", url: "/users/$count" },
        ],
      },
    });
    const r = items(res);
    expect(r.get("with")!.status).toBe(200);
    expect(r.get("with")!.body).toBe("150");
    expect(r.get("without")!.status).toBe(400);
  });

  test("an item URL with the version or absolute fails that item only", async () => {
    const res = await run(f, "POST", "/v1.0/$batch", token, {
      body: batchOf(["/v1.0/users", "https://graph.microsoft.com/v1.0/users", "/users?$top=1"]),
    });
    expect(res.status).toBe(200);
    const r = items(res);
    for (const id of ["1", "2"]) {
      expect(r.get(id)!.status).toBe(400);
      expect(r.get(id)!.body.error).toMatchObject({ code: "BadRequest", message: "Resource not found for the segment 'v1.0'." });
    }
    expect(r.get("3")!.status).toBe(200);
  });

  test("a body needs Content-Type in the item headers", async () => {
    const res = await run(f, "POST", "/v1.0/$batch", token, {
      body: { requests: [{ id: "1", method: "POST", url: "/directoryObjects/getByIds", body: { ids: [userId("c1", 1)] } }] },
    });
    expect(res.status).toBe(400);
    const ok = await run(f, "POST", "/v1.0/$batch", token, {
      body: {
        requests: [
          { id: "1", method: "POST", url: "/directoryObjects/getByIds", headers: { "Content-Type": "application/json" }, body: { ids: [userId("c1", 1)] } },
        ],
      },
    });
    expect(items(ok).get("1")!.body.value).toHaveLength(1);
  });

  test("items are authorised on their own", async () => {
    const limited = await appToken(f, C1, ["User.Read.All"]);
    const res = await run(f, "POST", "/v1.0/$batch", limited, { body: batchOf(["/users?$top=1", "/groups"]) });
    const r = items(res);
    expect(r.get("1")!.status).toBe(200);
    expect(r.get("2")!.status).toBe(403);
  });

  test("a throttled item carries Retry-After in its own headers; the batch is 200", async () => {
    f.ctx.settings.throttling = true;
    f.ctx.settings.throttleScale = 0.001; // S tenant: 3.5 → 4 RU per 10 s; GET users costs 2
    const res = await run(f, "POST", "/v1.0/$batch", token, { body: batchOf(["/users", "/users", "/users"]) });
    expect(res.status).toBe(200);
    const r = items(res);
    expect(r.get("1")!.status).toBe(200);
    expect(r.get("1")!.headers["x-ms-resource-unit"]).toBe("2");
    expect(r.get("2")!.status).toBe(200);
    const throttled = r.get("3")!;
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers["Retry-After"])).toBeGreaterThan(0);
    expect(throttled.headers["x-ms-throttle-scope"]).toBe(`Tenant_Application/Read/${APP_ID}/${C1}`);
    expect(throttled.headers["x-ms-throttle-information"]).toBe("ResourceUnitLimitExceeded");
    expect(throttled.body.error.code).toBe("TooManyRequests");
    // After Retry-After the bucket holds the cost again.
    f.ctx.now = (
      (t) => () =>
        t
    )(Date.now() + Number(throttled.headers["Retry-After"]) * 1000);
    expect((await run(f, "GET", "/v1.0/users", token)).status).toBe(200);
  });

  test("counters: one batch, one batchItem per item, by tenant and app", async () => {
    await run(f, "POST", "/v1.0/$batch", token, { body: batchOf(["/users", "/groups", "/devices"]) });
    const s = f.ctx.counters.snapshot();
    expect(s.total.batch).toBe(1);
    expect(s.total.batchItem).toBe(3);
    expect(s.byTenant[C1]).toMatchObject({ batch: 1, batchItem: 3 });
    expect(s.byApp[APP_ID]).toMatchObject({ batch: 1, batchItem: 3 });
    expect(s.total.graph).toBeUndefined();
  });
});

describe("Graph emulator: throttling", () => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture({ throttling: true });
  });

  test("directory: RU cost header, limit percentage above 80%, 429 with fractional Retry-After", async () => {
    f.ctx.settings.throttleScale = 0.01;
    const token = await appToken(f, C1); // C1 has 150 users: M → 5,000 × 0.01 = 50 RU
    const first = await run(f, "GET", "/v1.0/users?$select=id", token);
    expect(first.headers["x-ms-resource-unit"]).toBe("1"); // 2 − 1 for $select
    const costs: string[] = [];
    let last = first;
    for (let i = 0; i < 60 && last.status === 200; i++) {
      last = await run(f, "GET", "/v1.0/users", token);
      costs.push(last.headers["x-ms-throttle-limit-percentage"] ?? "");
    }
    expect(costs.some((c) => c !== "")).toBe(true);
    expect(last.status).toBe(429);
    expect(last.headers["retry-after"]).toMatch(/^\d+(\.\d{1,3})?$/);
    expect(body(last).error).toMatchObject({ code: "TooManyRequests", message: "Please retry again later." });
    graphThrottle(f.ctx).reset();
    expect((await run(f, "GET", "/v1.0/users", token)).status).toBe(200);
  });

  test("Intune: 429 sometimes without Retry-After, with details", async () => {
    f.ctx.settings.throttleScale = 0.001; // 2 per 20 s per app and tenant
    const token = await appToken(f, C1);
    const statuses: { status: number; retryAfter?: string; details?: unknown }[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await run(f, "GET", "/v1.0/deviceManagement/managedDevices", token);
      statuses.push({ status: res.status, retryAfter: res.headers["retry-after"], details: body(res).error?.details });
    }
    expect(statuses.slice(0, 2).every((s) => s.status === 200)).toBe(true);
    const throttled = statuses.slice(2);
    expect(throttled.every((s) => s.status === 429)).toBe(true);
    expect(throttled.some((s) => s.retryAfter === undefined)).toBe(true);
    expect(throttled.some((s) => s.retryAfter !== undefined)).toBe(true);
    expect(throttled[0]!.details).toEqual([]);
  });
});
