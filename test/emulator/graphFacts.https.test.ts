import { ServerError, type ConfidentialClientApplication } from "@azure/msal-node";
import { GraphError, RetryHandlerOptions, type Client } from "@microsoft/microsoft-graph-client";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { GRAPH_SCOPE, HttpsKit, raw, type CustomerInfo, type PartnerInfo } from "./httpsKit";

/**
 * docs/graph-facts.md §0, the twelve points, each proven over real HTTPS against a running emulator
 * through the real client libraries: @azure/msal-node for tokens, @microsoft/microsoft-graph-client
 * for Graph. TLS verification stays on (the emulator's CA is trusted through an undici Agent).
 * Data comes from the seeded demo dataset, found through the control API.
 */

let kit: HttpsKit;
let na: PartnerInfo;
let eu: PartnerInfo;
/** NA customers: the largest (paging), a small one, and one with Intune devices. */
let big: CustomerInfo;
let small: CustomerInfo;
let intune: CustomerInfo;
/** One MSAL client and Graph client of the NA partner's app, aimed at `small` unless a test says otherwise. */
let naApp: ConfidentialClientApplication;
let graph: Client;

const USER_DEFAULT_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "id",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
];
const ABSENT_ID = "00000000-0000-0000-0000-000000000000";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Graph's innerError.date: ISO 8601 without fraction or zone. */
const INNER_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;
/** Entra's error timestamp: "YYYY-MM-DD HH:MM:SSZ". */
const AAD_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/;
/** Retry-After in seconds, fractional allowed ("2.128", "7"). */
const SECONDS = /^\d+(\.\d{1,3})?$/;

beforeAll(async () => {
  kit = await HttpsKit.start();
  const partners = await kit.partners();
  na = partners.find((p) => p.region === "NA")!;
  eu = partners.find((p) => p.region === "EU")!;
  const bySize = [...na.customers].sort((a, b) => b.sizes.users - a.sizes.users);
  big = bySize[0]!;
  small = bySize.find((c) => c.sizes.users < 50 && c.sizes.managedDevices > 0)!;
  intune = small;
  naApp = kit.cca(na.app);
  graph = kit.graphFor(naApp, small.id);
});

afterAll(async () => {
  await kit?.close();
});

beforeEach(async () => {
  await kit.reset();
});

const counters = () =>
  kit.control<{ total: Record<string, number>; byTenant: Record<string, Record<string, number>>; requests: Array<{ url: string; consistencyLevel?: string }> }>(
    "GET",
    "/counters",
  );
const get = (path: string, c: Client = graph) => raw(c.api(path));
const eventual = (path: string, c: Client = graph) => raw(c.api(path).header("ConsistencyLevel", "eventual"));

// ---------------------------------------------------------------------------------------------

describe("1. $batch: ≤20 items, per-item status, answers matched by id, 424 for dependants, Retry-After inside a throttled item", () => {
  const item = (id: string, url: string, extra: Record<string, unknown> = {}) => ({ id, method: "GET", url, ...extra });
  const batch = (requests: unknown[]) => raw(graph.api("/$batch"), "post", { requests });
  const byId = (body: { responses: Array<{ id: string; status: number; headers: Record<string, string>; body: any }> }) =>
    new Map(body.responses.map((r) => [r.id, r]));

  it("rejects 21 items with 400 and serves 20; with batchLimit lenient 21 are served", async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => item(String(i + 1), "/organization"));
    const over = await batch(many(21));
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: "BadRequest", message: "Number of requests inside batch exceeds the limit." });

    const twenty = await batch(many(20));
    expect(twenty.status).toBe(200);
    expect(twenty.body.responses).toHaveLength(20);
    expect(twenty.body.responses.every((r: { status: number }) => r.status === 200)).toBe(true);

    await kit.control("PUT", "/settings", { batchLimit: "lenient" });
    const lenient = await batch(many(21));
    expect(lenient.status).toBe(200);
    expect(lenient.body.responses).toHaveLength(21);
    expect(new Set(lenient.body.responses.map((r: { id: string }) => r.id))).toEqual(new Set(many(21).map((r) => r.id)));
  });

  it("gives each item its own status and headers; answers come in another order and are matched by id", async () => {
    const requests = [
      item("1", "/users?$top=2&$select=id,displayName"),
      item("2", `/users/${ABSENT_ID}`),
      item("3", "organization"),
      item("4", "/users/$count"),
      item("5", "/users/$count", { headers: { ConsistencyLevel: "eventual" } }),
    ];
    const res = await batch(requests);
    expect(res.status).toBe(200);
    const order = res.body.responses.map((r: { id: string }) => r.id);
    expect(order).not.toEqual(requests.map((r) => r.id));
    expect([...order].sort()).toEqual(["1", "2", "3", "4", "5"]);

    const answers = byId(res.body);
    expect(answers.get("1")!.status).toBe(200);
    expect(answers.get("1")!.headers["OData-Version"]).toBe("4.0");
    expect(answers.get("1")!.body["@odata.context"]).toMatch(/\$metadata#users\(id,displayName\)$/);
    expect(answers.get("1")!.body.value).toHaveLength(2);
    expect(answers.get("2")!.status).toBe(404);
    expect(answers.get("2")!.body.error.code).toBe("Request_ResourceNotFound");
    expect(answers.get("3")!.status).toBe(200);
    expect(answers.get("3")!.body.value[0].id).toBe(small.id);
    // ConsistencyLevel is per item: the same URL fails without it and counts with it.
    expect(answers.get("4")!.status).toBe(400);
    expect(answers.get("4")!.body.error).toMatchObject({ code: "Request_BadRequest", message: "$count is not currently supported." });
    expect(answers.get("5")!.status).toBe(200);
    expect(answers.get("5")!.body).toBe(String(small.sizes.users));
  });

  it("answers 424 for every dependant of a failed item and runs dependants of a successful one", async () => {
    const res = await batch([
      item("a", `/users/${ABSENT_ID}`),
      item("b", "/organization", { dependsOn: ["a"] }),
      item("c", "/organization", { dependsOn: ["b"] }),
    ]);
    expect(res.status).toBe(200);
    const answers = byId(res.body);
    expect(answers.get("a")!.status).toBe(404);
    expect(answers.get("b")!.status).toBe(424);
    expect(answers.get("c")!.status).toBe(424);
    expect(answers.get("b")!.body.error.code).toBe("FailedDependency");

    const ok = byId((await batch([item("x", "/organization"), item("y", "/users?$top=1", { dependsOn: ["x"] })])).body);
    expect([ok.get("x")!.status, ok.get("y")!.status]).toEqual([200, 200]);
  });

  it("puts 429 and Retry-After inside a throttled item's headers while the batch itself is 200", async () => {
    const two = [item("1", "/users?$top=1"), item("2", "/organization")];
    await kit.control("PUT", "/faults", { graphErrorRates: { "429": 1 }, retryAfter: "2.5" });
    const throttled = await batch(two);
    expect(throttled.status).toBe(200);
    expect(throttled.headers["retry-after"]).toBeUndefined();
    for (const answer of byId(throttled.body).values()) {
      expect(answer.status).toBe(429);
      expect(answer.headers["Retry-After"]).toBe("2.5");
      expect(answer.body.error).toMatchObject({ code: "TooManyRequests", message: "Please retry again later." });
    }

    await kit.control("POST", "/reset");
    const served = byId((await batch(two)).body);
    expect([served.get("1")!.status, served.get("2")!.status]).toEqual([200, 200]);
    expect(served.get("1")!.headers["Retry-After"]).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe("2. 429: Retry-After in seconds and error.code TooManyRequests; Intune may leave the header out", () => {
  it("sends an injected 429 with a fractional Retry-After, which the SDK surfaces as a GraphError", async () => {
    await kit.control("PUT", "/faults", { graphErrorRates: { "429": 1 }, retryAfter: "2.5" });
    const res = await get("/users?$top=1");
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("2.5");
    expect(res.body.error).toMatchObject({ code: "TooManyRequests", message: "Please retry again later." });

    const err = await graph
      .api("/users")
      .top(1)
      .middlewareOptions([new RetryHandlerOptions(0, 0)])
      .get()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 429, code: "TooManyRequests" });
  });

  it("throttles directory reads by resource units with Retry-After in seconds and the throttle scope", async () => {
    await kit.control("PUT", "/settings", { throttleScale: 0.001 }); // S tenant: 3,500 RU → 4 RU per 10 s
    const statuses: number[] = [];
    let throttled: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i < 10 && !throttled; i++) {
      const res = await get("/users?$top=1"); // 2 RU − 1 for $top < 20 = 1 RU
      statuses.push(res.status);
      if (res.status === 429) throttled = res;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(throttled!.headers["retry-after"]).toMatch(SECONDS);
    expect(Number(throttled!.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(throttled!.headers["retry-after"])).toBeLessThanOrEqual(2.5); // one RU of 4 per 10 s
    expect(throttled!.headers["x-ms-throttle-scope"]).toBe(`Tenant_Application/Read/${na.app.clientId}/${small.id}`);
    expect(throttled!.headers["x-ms-throttle-information"]).toBe("ResourceUnitLimitExceeded");
    expect(throttled!.body.error.code).toBe("TooManyRequests");
  });

  it("throttles Intune by request count and answers some 429s without Retry-After", async () => {
    await kit.control("PUT", "/settings", { throttleScale: 0.0005 }); // 2,000 per 20 s per app and tenant → 1
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await get("/deviceManagement/managedDevices?$select=id"));
    expect(answers.map((a) => a.status)).toEqual([200, 429, 429]);
    expect(answers[0]!.body.value).toHaveLength(intune.sizes.managedDevices);
    expect(answers[1]!.headers["retry-after"]).toMatch(SECONDS);
    const bare = answers[2]!;
    expect(bare.headers["retry-after"]).toBeUndefined();
    expect(bare.body.error).toMatchObject({ code: "TooManyRequests", message: "An error has occurred.", details: [] });
    expect(bare.body.error.innerError["request-id"]).toMatch(GUID);
  });
});

// ---------------------------------------------------------------------------------------------

describe("3. nextLink: absolute, keeps the query options, adds $skiptoken; ConsistencyLevel not carried; @odata.count on page 1 only", () => {
  it("pages a $count=true advanced query to the end, following nextLinks without the header", async () => {
    const bigGraph = kit.graphFor(naApp, big.id);
    const top = Math.ceil(big.sizes.users / 3) - 1; // four pages
    const first = await raw(
      bigGraph.api("/users").header("ConsistencyLevel", "eventual").count(true).top(top).select(["id", "displayName"]).orderby("displayName"),
    );
    expect(first.status).toBe(200);
    expect(first.body["@odata.count"]).toBe(big.sizes.users);
    expect(first.body.value).toHaveLength(top);

    const pages = [first.body];
    while (pages.at(-1)!["@odata.nextLink"]) {
      const next = await raw(bigGraph.api(pages.at(-1)!["@odata.nextLink"])); // no ConsistencyLevel
      expect(next.status).toBe(200);
      pages.push(next.body);
    }
    expect(pages).toHaveLength(4);
    expect(pages.slice(1).every((p) => !("@odata.count" in p))).toBe(true);
    const ids = pages.flatMap((p) => p.value.map((u: { id: string }) => u.id));
    expect(ids).toHaveLength(big.sizes.users);
    expect(new Set(ids).size).toBe(big.sizes.users);
    const names: string[] = pages.flatMap((p) => p.value.map((u: { displayName: string }) => u.displayName.toLowerCase()));
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    // Every nextLink is absolute and carries the original options plus an opaque $skiptoken.
    const { requests } = await counters();
    const sent = new URL(requests[0]!.url, kit.url);
    const options = (u: URL) => [...u.searchParams].filter(([k]) => k !== "$skiptoken").sort();
    expect(options(sent)).toEqual([
      ["$count", "true"],
      ["$orderby", "displayName"],
      ["$select", "id,displayName"],
      ["$top", String(top)],
    ]);
    const tokens = new Set<string>();
    for (const page of pages.slice(0, -1)) {
      const link = new URL(page["@odata.nextLink"]);
      expect(page["@odata.nextLink"].startsWith(`${kit.url}/v1.0/users?`)).toBe(true);
      expect(options(link)).toEqual(options(sent));
      expect(link.searchParams.get("$skiptoken")).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      tokens.add(link.searchParams.get("$skiptoken")!);
    }
    expect(tokens.size).toBe(3);
    // The emulator saw the header on the first request only: the client does not carry it.
    expect(requests.map((r) => r.consistencyLevel)).toEqual(["eventual", undefined, undefined, undefined]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("4. /users returns the default property set unless $select is given", () => {
  /** Property names of an item, sorted; `@odata.*` annotations are control information, not properties. */
  const properties = (item: object) =>
    Object.keys(item)
      .filter((k) => !k.startsWith("@odata."))
      .sort();

  it("returns exactly the eleven default properties without $select", async () => {
    const res = await get("/users?$top=5");
    expect(res.status).toBe(200);
    expect(res.body["@odata.context"]).toBe(`${kit.url}/v1.0/$metadata#users`);
    expect(res.body.value).toHaveLength(5);
    for (const user of res.body.value) expect(properties(user)).toEqual(USER_DEFAULT_PROPERTIES);
  });

  it("returns exactly the selected properties with $select, and 501 for a single-entity-only one", async () => {
    const res = await raw(graph.api("/users").top(5).select(["id", "accountEnabled", "department"]));
    expect(res.body["@odata.context"]).toBe(`${kit.url}/v1.0/$metadata#users(id,accountEnabled,department)`);
    for (const user of res.body.value) expect(properties(user)).toEqual(["accountEnabled", "department", "id"]);
    expect(typeof res.body.value[0].accountEnabled).toBe("boolean");

    const single = await get("/users?$select=id,aboutMe");
    expect(single.status).toBe(501);
    expect(single.body.error.code).toBe("NotImplemented");
  });
});

// ---------------------------------------------------------------------------------------------

describe("5. ne/not/endsWith/$count/$search need ConsistencyLevel: eventual (+ $count=true)", () => {
  const UNSUPPORTED = (op: string) =>
    `Operator '${op}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`;
  let suffix: string;

  beforeAll(async () => {
    const mails = await get("/users?$select=mail&$top=50");
    const mail: string = mails.body.value.map((u: { mail: string | null }) => u.mail).find(Boolean);
    suffix = mail.slice(mail.indexOf("@"));
  });

  it.each([
    ["endsWith", () => `endsWith(mail,'${suffix}')`],
    ["ne", () => "accountEnabled ne false"],
    ["not", () => "not(startsWith(displayName,'A'))"],
  ])("rejects %s without the header and $count=true, and serves it with both", async (op, filter) => {
    const q = `/users?$filter=${encodeURIComponent(filter())}`;
    for (const res of [await get(q), await get(`${q}&$count=true`), await eventual(q)]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "Request_UnsupportedQuery", message: UNSUPPORTED(op) });
    }
    const ok = await eventual(`${q}&$count=true`);
    expect(ok.status).toBe(200);
    expect(ok.body["@odata.count"]).toBe(ok.body.value.length);
    expect(ok.body.value.length).toBeGreaterThan(0);
  });

  it("applies the advanced filter it serves (endsWith matches only that domain)", async () => {
    const res = await eventual(`/users?$count=true&$select=mail&$filter=${encodeURIComponent(`endsWith(mail,'${suffix}')`)}`);
    expect(res.body.value.every((u: { mail: string }) => u.mail.endsWith(suffix))).toBe(true);
  });

  it("answers /users/$count only with the header, as text/plain", async () => {
    const bare = await get("/users/$count");
    expect(bare.status).toBe(400);
    expect(bare.body.error).toMatchObject({ code: "Request_BadRequest", message: "$count is not currently supported." });
    const counted = await eventual("/users/$count");
    expect(counted.status).toBe(200);
    expect(counted.headers["content-type"]).toMatch(/^text\/plain/);
    expect(counted.text).toBe(String(small.sizes.users));
  });

  it("answers $search only with the header (no $count=true needed)", async () => {
    const search = await raw(graph.api("/users").search('"displayName:a"'));
    expect(search.status).toBe(400);
    expect(search.body.error).toMatchObject({
      code: "Request_UnsupportedQuery",
      message: "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    });
    const served = await raw(graph.api("/users").search('"displayName:a"').header("ConsistencyLevel", "eventual"));
    expect(served.status).toBe(200);
    expect(served.body.value.length).toBeGreaterThan(0);
  });

  it("rejects $filter with $orderby without advanced query parameters", async () => {
    const q = `/users?$filter=${encodeURIComponent("startsWith(displayName,'A')")}&$orderby=displayName`;
    const res = await get(q);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "Request_UnsupportedQuery", message: "Sorting not supported for current query." });
    expect((await eventual(`${q}&$count=true`)).status).toBe(200);
  });

  it("silently ignores ?$count=true without the header", async () => {
    const res = await get("/users?$count=true&$top=3");
    expect(res.status).toBe(200);
    expect(res.body.value).toHaveLength(3);
    expect("@odata.count" in res.body).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe("6. error body {error:{code,message,innerError:{date,request-id,client-request-id}}} with a request-id header", () => {
  it("has exactly that shape, camelCase innerError, and ids that match the headers", async () => {
    const clientRequestId = "8e5b6b3a-2f6e-4c7e-9d0a-0d1c2b3a4f5e";
    const res = await raw(graph.api(`/users/${ABSENT_ID}`).header("client-request-id", clientRequestId));
    expect(res.status).toBe(404);
    expect(Object.keys(res.body)).toEqual(["error"]);
    expect(Object.keys(res.body.error)).toEqual(["code", "message", "innerError"]);
    expect(res.body.error.code).toBe("Request_ResourceNotFound");
    expect(res.body.error.message).toBe(`Resource '${ABSENT_ID}' does not exist or one of its queried reference-property objects are not present.`);
    const inner = res.body.error.innerError;
    expect(Object.keys(inner)).toEqual(["date", "request-id", "client-request-id"]);
    expect(inner.date).toMatch(INNER_DATE);
    expect(inner["request-id"]).toMatch(GUID);
    expect(res.headers["request-id"]).toBe(inner["request-id"]);
    expect(inner["client-request-id"]).toBe(clientRequestId);
    expect(res.headers["client-request-id"]).toBe(clientRequestId);
  });

  it("parses into the SDK's GraphError (code, requestId, date)", async () => {
    const err = (await graph
      .api(`/users/${ABSENT_ID}`)
      .get()
      .catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe("Request_ResourceNotFound");
    expect(err.requestId).toMatch(GUID);
    expect(err.date).toBeInstanceOf(Date);
    expect(Math.abs(err.date.getTime() - Date.now())).toBeLessThan(60_000);
  });
});

// ---------------------------------------------------------------------------------------------

describe("7. a new customer: denied until the partner relationship propagates, and a new token is needed after", () => {
  it("denies a token acquired during the window, also after it; a token acquired after the window works", async () => {
    const created = await kit.control<{ id: string; propagatedAt: string }>("POST", "/customers", { region: "NA", propagationSeconds: 2 });
    expect(created.id).toMatch(GUID);
    const app = kit.cca(na.app);
    const request = { scopes: [GRAPH_SCOPE], authority: kit.authority(created.id) };
    const early = (await app.acquireTokenByClientCredential(request))!;
    expect(decodeJwt(early.accessToken).roles).toBeUndefined(); // no pre-consented permissions yet
    const withToken = (token: string) => kit.graph(async () => token);

    const during = await get("/users?$top=1", withToken(early.accessToken));
    expect(during.status).toBe(403);
    expect(during.body.error).toMatchObject({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });

    // Wait out the window. Token iat has whole seconds, so wait to the next full second after it.
    const propagatedAt = Date.parse(created.propagatedAt);
    await new Promise((r) => setTimeout(r, Math.ceil(propagatedAt / 1000) * 1000 + 50 - Date.now()));

    expect((await get("/users?$top=1", withToken(early.accessToken))).status).toBe(403);
    const cached = (await app.acquireTokenByClientCredential(request))!;
    expect(cached.fromCache).toBe(true);
    expect(cached.accessToken).toBe(early.accessToken);

    const fresh = (await app.acquireTokenByClientCredential({ ...request, skipCache: true }))!;
    expect(fresh.fromCache).toBe(false);
    expect(decodeJwt(fresh.accessToken).roles).toContain("User.Read.All");
    const after = await get("/users?$top=1", withToken(fresh.accessToken));
    expect(after.status).toBe(200);
    expect(after.body.value).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe("8. token errors: AADSTS description, error_codes, trace_id, correlation_id, timestamp", () => {
  const failure = (app: ConfidentialClientApplication, tenant: string, correlationId?: string) =>
    app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], authority: kit.authority(tenant), skipCache: true, correlationId }).then(
      () => {
        throw new Error("expected a token error");
      },
      (e: unknown) => e as ServerError,
    );

  it("wrong secret: 401 invalid_client AADSTS7000215 through MSAL's ServerError", async () => {
    const correlationId = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    const err = await failure(kit.cca({ ...na.app, clientSecret: "not-the-secret" }), small.id, correlationId);
    expect(err).toBeInstanceOf(ServerError);
    expect(err.errorCode).toBe("invalid_client");
    expect(err.status).toBe(401);
    expect(Number(err.errorNo)).toBe(7000215);
    expect(err.correlationId).toBe(correlationId); // Entra echoes client-request-id as correlation_id
    expect(err.errorMessage).toMatch(
      /^Error\(s\): 7000215 - Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ - Description: AADSTS7000215: Invalid client secret provided\./,
    );
    expect(err.errorMessage).toMatch(/ - Trace ID: [0-9a-f-]{36}$/);
    expect(err.errorMessage).toContain(`Correlation ID: ${correlationId}`);
  });

  it("unknown tenant: 400 AADSTS90002", async () => {
    const tenant = "11111111-2222-3333-4444-555555555555";
    // MSAL first fetches the tenant's OpenID document, which fails the same way but reaches the caller
    // only as endpoints_resolution_error; with authorityMetadata MSAL goes straight to the token endpoint.
    const viaDiscovery = await failure(kit.cca(na.app), tenant);
    expect(viaDiscovery.errorCode).toBe("endpoints_resolution_error");
    const oidc = await kit.fetch(`/${tenant}/v2.0/.well-known/openid-configuration`);
    expect([oidc.status, oidc.body.error, oidc.body.error_codes]).toEqual([400, "invalid_tenant", [90002]]);

    const metadata = await kit.fetch("/organizations/v2.0/.well-known/openid-configuration");
    const err = await failure(kit.cca(na.app, { authorityMetadata: metadata.text }), tenant);
    expect(err.errorCode).toBe("invalid_request");
    expect(err.status).toBe(400);
    expect(Number(err.errorNo)).toBe(90002);
    expect(err.errorMessage).toContain(`AADSTS90002: Tenant '${tenant}' not found.`);
  });

  it("another region's app at a customer: 400 unauthorized_client AADSTS700016", async () => {
    const err = await failure(kit.cca(eu.app), small.id);
    expect(err.errorCode).toBe("unauthorized_client");
    expect(err.status).toBe(400);
    expect(Number(err.errorNo)).toBe(700016);
    expect(err.errorMessage).toContain(`AADSTS700016: Application with identifier '${eu.app.clientId}' was not found in the directory '${small.id}'.`);
  });

  it("has the documented body on the wire (raw POST)", async () => {
    const correlationId = "5f4e3d2c-1b0a-4987-8654-3210fedcba98";
    const res = await kit.fetch(`/${small.id}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "client-request-id": correlationId },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: na.app.clientId, client_secret: "wrong", scope: GRAPH_SCOPE }).toString(),
    });
    expect(res.status).toBe(401);
    const b = res.body;
    expect(Object.keys(b).sort()).toEqual(["correlation_id", "error", "error_codes", "error_description", "error_uri", "timestamp", "trace_id"]);
    expect(b.error).toBe("invalid_client");
    expect(b.error_codes).toEqual([7000215]);
    expect(b.timestamp).toMatch(AAD_TIMESTAMP);
    expect(b.trace_id).toMatch(GUID);
    expect(b.correlation_id).toBe(correlationId);
    expect(b.error_uri).toBe(`${kit.url}/error?code=7000215`);
    expect(b.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
    expect(b.error_description.endsWith(`\r\nTrace ID: ${b.trace_id}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${b.timestamp}`)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe("9. MSAL with knownAuthorities skips instance discovery and accepts the emulator's issuer", () => {
  it("fetches only the tenant's OpenID configuration and the token, never /common/discovery/instance", async () => {
    const app = kit.cca(na.app, { tenant: small.id });
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(result!.accessToken).toBeTruthy();
    expect(kit.msalCalls.map((c) => `${c.method} ${c.url.split("?")[0]}`)).toEqual([
      `GET ${kit.url}/${small.id}/v2.0/.well-known/openid-configuration`,
      `POST ${kit.url}/${small.id}/oauth2/v2.0/token`,
    ]);
    // The emulator counts both discovery routes as "discovery"; only the OpenID document names a tenant.
    const c = await counters();
    expect(c.total.discovery).toBe(1);
    expect(c.byTenant[small.id]!.discovery).toBe(1);
    expect(c.total.token).toBe(1);
    // The counter does see instance discovery when it is asked for: it counts without a tenant.
    const instance = await kit.fetch(
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${kit.url}/${small.id}/oauth2/v2.0/authorize`)}`,
    );
    expect(instance.status).toBe(200);
    const after = await counters();
    expect([after.total.discovery, after.byTenant[small.id]!.discovery]).toEqual([2, 1]);
  });

  it("passes the issuer check: the v2 issuer has the authority's scheme, host and port", async () => {
    const doc = await kit.fetch(`/${small.id}/v2.0/.well-known/openid-configuration`);
    expect(doc.body.issuer).toBe(`${kit.url}/${small.id}/v2.0`);
    expect(doc.body.token_endpoint).toBe(`${kit.url}/${small.id}/oauth2/v2.0/token`);
    const app = kit.cca(na.app, { tenant: small.id });
    await expect(app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] })).resolves.toMatchObject({ tokenType: "Bearer" });
  });

  it("would ask login.microsoftonline.com for instance discovery without knownAuthorities (control)", async () => {
    const app = kit.cca(na.app, { tenant: small.id, knownAuthorities: false });
    const err = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: "endpoints_resolution_error" });
    const discovery = kit.msalCalls.find((c) => c.url.includes("/common/discovery/instance"));
    expect(discovery?.url).toMatch(/^https:\/\/login\.microsoftonline\.com\/common\/discovery\/instance\?/);
    expect((await counters()).total.token).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe("10. the Graph client sends the bearer only to Graph hosts or customHosts", () => {
  it("strips Authorization without customHosts (401 from the emulator) and sends it with them", async () => {
    let asked = 0;
    const token = (await naApp.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], authority: kit.authority(small.id) }))!.accessToken;
    const provider = async () => {
      asked += 1;
      return token;
    };

    const without = kit.graph(provider, { customHosts: false });
    const denied = await get("/users?$top=1", without);
    expect(denied.status).toBe(401);
    expect(denied.body.error).toMatchObject({ code: "InvalidAuthenticationToken", message: "Access token is empty." });
    expect(denied.headers["www-authenticate"]).toContain('client_id="00000003-0000-0000-c000-000000000000"');
    // Even an explicit header is removed for a host the client does not know.
    const explicit = await raw(without.api("/users?$top=1").header("Authorization", `Bearer ${token}`));
    expect(explicit.status).toBe(401);
    expect(asked).toBe(0);

    const withHosts = kit.graph(provider);
    const ok = await get("/users?$top=1", withHosts);
    expect(ok.status).toBe(200);
    expect(asked).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe("11. client-credential tokens are cached per tenant; skipCache bypasses the cache", () => {
  it("serves a tenant's second acquisition from cache, fetches for another tenant, and refetches with skipCache", async () => {
    const app = kit.cca(na.app);
    const other = na.customers.find((c) => c.id !== small.id)!;
    const acquire = (tenant: string, skipCache = false) =>
      app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], authority: kit.authority(tenant), skipCache }).then((r) => r!);
    const tokenRequests = async () => (await counters()).byTenant;

    const a1 = await acquire(small.id);
    expect(a1.fromCache).toBe(false);
    const a2 = await acquire(small.id);
    expect(a2.fromCache).toBe(true);
    expect(a2.accessToken).toBe(a1.accessToken);
    expect((await tokenRequests())[small.id]!.token).toBe(1);

    const b = await acquire(other.id);
    expect(b.fromCache).toBe(false);
    expect(decodeJwt(b.accessToken).tid).toBe(other.id);
    expect((await tokenRequests())[other.id]!.token).toBe(1);

    const a3 = await acquire(small.id, true);
    expect(a3.fromCache).toBe(false);
    expect(a3.accessToken).not.toBe(a1.accessToken);
    const byTenant = await tokenRequests();
    expect([byTenant[small.id]!.token, byTenant[other.id]!.token]).toEqual([2, 1]);
    expect(kit.msalCalls.filter((c) => c.method === "POST")).toHaveLength(3);
  });
});

// ---------------------------------------------------------------------------------------------

describe("12. Graph access tokens are v1.0: iss sts.windows.net/{tid}/, aud Graph, appid, roles", () => {
  it("decodes an app-only Graph token to the v1.0 claims", async () => {
    const result = (await naApp.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], authority: kit.authority(small.id), skipCache: true }))!;
    const claims = decodeJwt(result.accessToken);
    expect(claims).toMatchObject({
      iss: `https://sts.windows.net/${small.id}/`,
      aud: "https://graph.microsoft.com",
      ver: "1.0",
      tid: small.id,
      appid: na.app.clientId,
      appidacr: "1",
      idtyp: "app",
    });
    expect([...(claims.roles as string[])].sort()).toEqual([...kit.emu.ctx.world.app(na.app.clientId)!.app.applicationPermissions].sort());
    expect(claims.roles).toEqual(expect.arrayContaining(["User.Read.All", "DeviceManagementManagedDevices.Read.All"]));
    expect(claims.scp).toBeUndefined();
    expect(claims.azp).toBeUndefined(); // v2.0-only claim
    expect((claims.exp as number) - (claims.iat as number)).toBe(3599);
    expect(decodeProtectedHeader(result.accessToken).alg).toBe("RS256");
  });
});
