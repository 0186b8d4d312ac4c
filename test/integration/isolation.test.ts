import { AsyncLocalStorage } from "node:async_hooks";
import { Writable } from "node:stream";
import { createLogger } from "../../src/log";
import { startHarness, type Harness } from "../helpers/harness";
import { ForeignIdentifierScanner, foreignTenantFields, viewOfRegions, type SeededTenants, type TenantView } from "../helpers/tenantScan";

/**
 * Tenant isolation under interleaving: ≥ 10,000 pairs of concurrent requests by agents of two regions
 * in two roles and by an app-only caller, in production mode with real tokens from the emulator.
 * Every response body and every log line is scanned for identifiers (tenant ids, domains) of a
 * tenant the caller may not see. Operations mix own and foreign tenants, cursors replayed by other
 * callers and against other tenants, and federation `_entities` of own and foreign tenants.
 *
 * Who may see what: an agent, its partner tenant's region; the app-only caller (a token of the NA
 * partner-managed app), the NA region only. Issue 10: an app token of one regional partner tenant
 * must reach only the regions configured for it, and this harness configures no more than its own.
 */

const PAIRS = Number(process.env.ISOLATION_PAIRS ?? 10_000);
/** Pairs in flight at once: enough to interleave callers inside the server, small enough for 2 cores. */
const CONCURRENCY = 8;
const SEED = Number(process.env.ISOLATION_SEED ?? 20260101);

interface CallerSpec {
  name: string;
  region: string;
  token: string;
  view: TenantView;
  scanner: ForeignIdentifierScanner;
}

interface TenantObjects {
  tenantId: string;
  region: string;
  users: string[];
  groups: string[];
  devices: string[];
}

type ListName = "users" | "groups" | "devices" | "managedDevices";
const LISTS: readonly ListName[] = ["users", "groups", "devices", "managedDevices"];
/** Identifying fields of each list's nodes: every one carries the tenant id or a tenant domain. */
const NODE_FIELDS: Record<ListName, string> = {
  users: "__typename tenantId id userPrincipalName mail",
  groups: "__typename tenantId id mail displayName",
  devices: "__typename tenantId id displayName",
  managedDevices: "__typename tenantId id userPrincipalName emailAddress deviceName",
};

interface StoredCursor {
  owner: string;
  tenantId: string | null; // null: the customers list
  list: ListName | "customers";
  cursor: string;
}

interface Violation {
  caller: string;
  op: string;
  query: string;
  variables: Record<string, unknown>;
  found: string[];
}

/** mulberry32: the run is the same on every machine for one seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

describe("tenant isolation: interleaved callers of two regions, two roles and app-only", () => {
  let h: Harness;
  const callerOfRequest = new AsyncLocalStorage<string>();
  const logLines: Array<{ caller: string | undefined; line: string }> = [];
  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));

  const responseViolations: Violation[] = [];
  const stats = { requests: 0, withData: new Map<string, number>(), continuedPages: 0, replays: 0, codes: new Map<string, number>() };
  let callers: CallerSpec[] = [];

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    // Every log line is attributed to the caller whose request was running when it was written
    // (pino writes synchronously into this sink, inside the request's async context).
    const sink = new Writable({
      write(chunk, _enc, done) {
        const caller = callerOfRequest.getStore();
        for (const line of chunk.toString().split("\n")) if (line) logLines.push({ caller, line });
        done();
      },
    });
    h = await startHarness({
      demoMode: false,
      log: createLogger("debug", sink),
      // Isolation, not throttling, is under test: no Graph throttling and no client budget, so
      // 20,000 requests do not wait on Retry-After.
      emulator: { settings: { throttling: false } },
      env: { GRAPH_BUDGET_SCALE: "0" },
    });
    const listeners = h.app.http.listeners("request") as Array<(...args: unknown[]) => void>;
    h.app.http.removeAllListeners("request");
    h.app.http.on("request", (req, res) => {
      const caller = String(req.headers["x-test-caller"] ?? "unknown");
      callerOfRequest.run(caller, () => listeners.forEach((l) => l.call(h.app.http, req, res)));
    });

    const seeded = await h.control<SeededTenants>("GET", "/tenants");
    const agentToken = async (upn: string) => (await h.control<{ access_token: string }>("POST", "/agents/token", { agent: upn })).access_token;
    const spec = (name: string, region: string, token: string): CallerSpec => {
      const view = viewOfRegions(seeded, [region]);
      return { name, region, token, view, scanner: new ForeignIdentifierScanner(view) };
    };
    callers = [
      spec("NA helpdesk", "NA", await agentToken("helpdesk@fabrikampartnersna.onmicrosoft.com")),
      spec("NA intune", "NA", await agentToken("intune@fabrikampartnersna.onmicrosoft.com")),
      spec("EU helpdesk", "EU", await agentToken("helpdesk@fabrikampartnerseu.onmicrosoft.com")),
      spec("EU intune", "EU", await agentToken("intune@fabrikampartnerseu.onmicrosoft.com")),
      spec("NA app-only", "NA", await h.appToken("NA")),
    ];
    expect(callers.every((c) => c.view.customerIds.size > 0 && c.view.foreignIds.size > 0)).toBe(true);

    const ask = async (caller: CallerSpec, query: string, variables: Record<string, unknown> = {}) => {
      const r = await h.query(query, variables, { authorization: `Bearer ${caller.token}`, "x-test-caller": caller.name });
      stats.requests += 1;
      return r;
    };

    // Object ids per region, learnt by each region's agents (setup; the scan covers these answers too).
    const objects = new Map<string, TenantObjects[]>();
    for (const c of callers.filter((x) => x.name.endsWith("helpdesk") || x.name.endsWith("intune"))) {
      const r = await ask(
        c,
        `{ customers(first: 100) { nodes { id region
        users(first: 3) { nodes { id } } groups(first: 3) { nodes { id } } devices(first: 3) { nodes { id } } } } }`,
      );
      scan(c, "setup", "customers with lists", {}, r.body);
      const list = objects.get(c.region) ?? [];
      for (const n of r.body.data?.customers?.nodes ?? []) {
        const ids = (conn: any) => (conn?.nodes ?? []).map((x: any) => x.id as string);
        const known = list.find((t) => t.tenantId === n.id);
        const entry = known ?? { tenantId: n.id, region: n.region, users: [], groups: [], devices: [] };
        for (const k of ["users", "groups", "devices"] as const) entry[k] = [...new Set([...entry[k], ...ids(n[k])])];
        if (!known) list.push(entry);
      }
      objects.set(c.region, list);
    }
    for (const region of ["NA", "EU"]) expect(objects.get(region)?.some((t) => t.users.length > 0)).toBe(true);

    const cursors: StoredCursor[] = [];
    const remember = (c: StoredCursor) => {
      if (typeof c.cursor !== "string") return;
      cursors.push(c);
      if (cursors.length > 400) cursors.splice(0, cursors.length - 400);
    };
    const r = rng(SEED);
    const own = (c: CallerSpec) => objects.get(c.region)!;
    const foreign = (c: CallerSpec) => [...objects.entries()].filter(([region]) => region !== c.region).flatMap(([, ts]) => ts);
    const anyTenant = (c: CallerSpec) => (r.next() < 0.5 ? r.pick(own(c)) : r.pick(foreign(c)));

    /** One operation of a caller: what it sends, and what to remember of the answer. */
    const operation = (c: CallerSpec): { op: string; query: string; variables: Record<string, unknown>; after?: (body: any) => void } => {
      const kind = r.int(100);
      if (kind < 12) {
        const mine = cursors.filter((x) => x.owner === c.name && x.list === "customers");
        const after = mine.length && r.next() < 0.7 ? r.pick(mine).cursor : null;
        if (after) stats.continuedPages += 1;
        return {
          op: "customers page",
          query: `query($n: Int!, $after: String) { me { mode partnerTenantId partnerTenants { tenantId region } }
            customers(first: $n, after: $after) { nodes { __typename id displayName defaultDomainName region } edges { cursor } pageInfo { endCursor hasNextPage } } }`,
          variables: { n: 1 + r.int(3), after },
          after: (b) => remember({ owner: c.name, tenantId: null, list: "customers", cursor: b.data?.customers?.pageInfo?.endCursor }),
        };
      }
      if (kind < 22) {
        return {
          op: "customer(id) own",
          query: `query($id: ID!) { customer(id: $id) { __typename id displayName defaultDomainName organization { tenantId defaultDomainName verifiedDomains { name } } } }`,
          variables: { id: r.pick(own(c)).tenantId },
        };
      }
      if (kind < 32) {
        return {
          op: "customer(id) foreign",
          query: `query($id: ID!) { customer(id: $id) { __typename id displayName defaultDomainName users(first: 1) { nodes { tenantId userPrincipalName } } } }`,
          variables: { id: r.pick(foreign(c)).tenantId },
        };
      }
      if (kind < 60) {
        const tenant = r.pick(own(c));
        const list = r.pick(LISTS);
        const mine = cursors.filter((x) => x.owner === c.name && x.tenantId === tenant.tenantId && x.list === list);
        const after = mine.length && r.next() < 0.7 ? r.pick(mine).cursor : null;
        if (after) stats.continuedPages += 1;
        return {
          op: `${list} page`,
          query: `query($id: ID!, $after: String) { customer(id: $id) { id ${list}(first: 2, after: $after) { nodes { ${NODE_FIELDS[list]} } edges { cursor } pageInfo { endCursor hasNextPage } } } }`,
          variables: { id: tenant.tenantId, after },
          after: (b) => remember({ owner: c.name, tenantId: tenant.tenantId, list, cursor: b.data?.customer?.[list]?.pageInfo?.endCursor }),
        };
      }
      if (kind < 78) {
        const others = cursors.filter((x) => x.owner !== c.name);
        if (others.length === 0) return operation(c);
        const replayed = r.pick(others);
        stats.replays += 1;
        if (replayed.list === "customers") {
          return {
            op: `customers cursor of ${replayed.owner}`,
            query: `query($after: String) { customers(first: 2, after: $after) { nodes { __typename id displayName defaultDomainName } pageInfo { endCursor } } }`,
            variables: { after: replayed.cursor },
          };
        }
        // Against the tenant the cursor came from (own or foreign to this caller), or against one of its own.
        const tenantId = r.next() < 0.5 ? replayed.tenantId! : r.pick(own(c)).tenantId;
        return {
          op: `${replayed.list} cursor of ${replayed.owner} against ${tenantId === replayed.tenantId ? "its tenant" : "own tenant"}`,
          query: `query($id: ID!, $after: String) { customer(id: $id) { id ${replayed.list}(first: 2, after: $after) { nodes { ${NODE_FIELDS[replayed.list as ListName]} } pageInfo { endCursor } } } }`,
          variables: { id: tenantId, after: replayed.cursor },
        };
      }
      const representations = Array.from({ length: 1 + r.int(3) }, () => {
        const t = anyTenant(c);
        const type = r.pick(["Customer", "User", "Group", "Device"] as const);
        if (type === "Customer") return { __typename: "Customer", id: t.tenantId };
        const ids = type === "User" ? t.users : type === "Group" ? t.groups : t.devices;
        return { __typename: type, tenantId: t.tenantId, id: ids.length ? r.pick(ids) : t.tenantId };
      });
      return {
        op: "_entities",
        // Aliased: Customer.displayName is String!, Group's and Device's String; one response key for both fails validation.
        query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename
          ... on Customer { id displayName defaultDomainName }
          ... on User { tenantId id userPrincipalName mail }
          ... on Group { tenantId id mail groupName: displayName }
          ... on Device { tenantId id deviceName: displayName } } }`,
        variables: { r: representations },
      };
    };

    function scan(c: CallerSpec, op: string, query: string, variables: Record<string, unknown>, body: unknown) {
      const text = JSON.stringify(body);
      // The request itself may name a foreign tenant (that is the point); only the answer must not.
      const found = [...c.scanner.find(text), ...foreignTenantFields((body as any)?.data, c.view)];
      if (found.length) responseViolations.push({ caller: c.name, op, query: query.replace(/\s+/g, " "), variables, found });
      for (const e of (body as any)?.errors ?? []) {
        const code = String(e?.extensions?.code);
        stats.codes.set(code, (stats.codes.get(code) ?? 0) + 1);
      }
      if ((body as any)?.data && Object.values((body as any).data).some((v) => v !== null))
        stats.withData.set(op.split(" ")[0]!, (stats.withData.get(op.split(" ")[0]!) ?? 0) + 1);
    }

    const runOne = async (c: CallerSpec) => {
      const o = operation(c);
      const res = await ask(c, o.query, o.variables);
      scan(c, o.op, o.query, o.variables, res.body);
      o.after?.(res.body);
    };
    let next = 0;
    const worker = async () => {
      while (next < PAIRS) {
        next += 1;
        const a = r.pick(callers);
        const b = r.pick(callers.filter((x) => x !== a));
        await Promise.all([runOne(a), runOne(b)]);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }, 600_000);

  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await h?.close();
  });

  const report = (vs: Violation[]) => {
    const byKind = new Map<string, Violation[]>();
    for (const v of vs) byKind.set(`${v.caller} / ${v.op}`, [...(byKind.get(`${v.caller} / ${v.op}`) ?? []), v]);
    return [...byKind.entries()]
      .map(
        ([k, list]) =>
          `${list.length} × ${k}: saw ${list[0]!.found.slice(0, 4).join(", ")}\n    ${list[0]!.query}\n    variables ${JSON.stringify(list[0]!.variables)}`,
      )
      .join("\n");
  };

  it("ran ≥ 10,000 interleaved pairs that reached data, continued pages and replayed cursors", () => {
    expect(stats.requests).toBeGreaterThanOrEqual(2 * PAIRS);
    // Not a vacuous run: own pages were served, continued, and other callers' cursors were tried.
    const served = Object.fromEntries(stats.withData);
    const unserved = ["customers", "customer(id)", "users", "groups", "devices", "_entities"].filter((op) => !(served[op]! > 0));
    if (unserved.length)
      throw new Error(
        `no answer with data for ${unserved.join(", ")} (answers with data: ${JSON.stringify(served)}; error codes: ${JSON.stringify(Object.fromEntries(stats.codes))})`,
      );
    expect(stats.continuedPages).toBeGreaterThan(500);
    expect(stats.replays).toBeGreaterThan(500);
  });

  it("never shows an agent another region's tenants, in any answer", () => {
    const vs = responseViolations.filter((v) => !v.caller.includes("app-only"));
    if (vs.length) throw new Error(`foreign tenant identifiers in ${vs.length} agent answers:\n${report(vs)}`);
  });

  it("never shows the app-only caller tenants outside its partner tenant's region, in any answer", () => {
    const vs = responseViolations.filter((v) => v.caller.includes("app-only"));
    if (vs.length) throw new Error(`foreign tenant identifiers in ${vs.length} app-only answers:\n${report(vs)}`);
  });

  it("writes no foreign tenant's identifier into a log line of a caller's request", () => {
    const byName = new Map(callers.map((c) => [c.name, c]));
    const leaks: string[] = [];
    for (const { caller, line } of logLines) {
      const c = caller ? byName.get(caller) : undefined;
      // A line written outside any request (start-up, shared background work) names no caller; it
      // may mention any tenant but never a token.
      if (/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./.test(line)) leaks.push(`token in log line: ${line.slice(0, 300)}`);
      const found = c ? c.scanner.find(line) : [];
      if (found.length) leaks.push(`${caller}: ${found.join(", ")} in ${line.slice(0, 300)}`);
    }
    if (leaks.length) throw new Error(`${leaks.length} log lines of ${logLines.length} leak:\n${leaks.slice(0, 20).join("\n")}`);
  });

  it("leaves no promise rejected unobserved during the run", () => {
    expect(unhandled).toEqual([]);
  });
});
