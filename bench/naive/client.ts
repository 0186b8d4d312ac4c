import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { Client } from "@microsoft/microsoft-graph-client";
import { Agent, request } from "undici";
import { announceReady, jsonBodyOf, required, runChild } from "../childEntry";

/**
 * The comparison a frontend team would write without this API: the same screens straight on the
 * Graph SDK (@microsoft/microsoft-graph-client), one call per item, no $batch, no $select, tokens
 * cached per tenant as MSAL would. Fan-outs use Promise.all through a per-tenant limit of
 * BENCH_NAIVE_CONCURRENCY requests in flight (default 4, Graph's per-tenant concurrency the plan
 * assumes; 0 = unbounded).
 *
 * It runs as its own process (pinned like the server) behind a tiny HTTP endpoint, so the runner
 * drives it, times it and reads its CPU and RSS exactly as it does the subgraph's:
 * POST /run {"screen": "S1"|"S2"|"S3"|"S4", "tenantId", "ids"?} answers {"ok", "items"}.
 */

interface Partner {
  region: string;
  tenantId: string;
  app: { clientId: string; clientSecret: string };
}
interface Customer {
  id: string;
  partnerTenantId: string;
}

const emulatorUrl = required("BENCH_EMULATOR_URL");
const ca = readFileSync(required("BENCH_CA_FILE"), "utf8");
const partners: Partner[] = JSON.parse(readFileSync(required("BENCH_PARTNER_FILE"), "utf8")).partnerTenants;
const limit = Number(process.env.BENCH_NAIVE_CONCURRENCY ?? 4);
const dispatcher = new Agent({ connect: { ca }, connections: 128 });

let customers: Customer[] = [];
const tokens = new Map<string, { token: string; expires: number }>();
const clients = new Map<string, Client>();
const limiters = new Map<string, Limiter>();

class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.max > 0 && this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active += 1;
    try {
      return await fn();
    } finally {
      this.active -= 1;
      this.queue.shift()?.();
    }
  }
}

/** Client credentials for the tenant through the partner app that serves it; cached until expiry. */
async function token(tenantId: string): Promise<string> {
  const hit = tokens.get(tenantId);
  if (hit && hit.expires > Date.now() + 60_000) return hit.token;
  const partnerTenantId = partners.some((p) => p.tenantId === tenantId) ? tenantId : customers.find((c) => c.id === tenantId)?.partnerTenantId;
  const partner = partners.find((p) => p.tenantId === partnerTenantId) ?? partners[0]!;
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: partner.app.clientId,
    client_secret: partner.app.clientSecret,
    scope: "https://graph.microsoft.com/.default",
  });
  const res = await request(`${emulatorUrl}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    dispatcher,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  const body = (await res.body.json()) as { access_token?: string; expires_in?: number };
  if (!body.access_token) throw new Error(`token for ${tenantId}: ${res.statusCode}`);
  tokens.set(tenantId, { token: body.access_token, expires: Date.now() + (body.expires_in ?? 3600) * 1000 });
  return body.access_token;
}

function graph(tenantId: string): Client {
  let c = clients.get(tenantId);
  if (!c) {
    c = Client.init({
      authProvider: (done) =>
        void token(tenantId).then(
          (t) => done(null, t),
          (e) => done(e, null),
        ),
      baseUrl: `${emulatorUrl}/`,
      defaultVersion: "v1.0",
      customHosts: new Set([new URL(emulatorUrl).hostname]),
      fetchOptions: { dispatcher } as never,
    });
    clients.set(tenantId, c);
  }
  return c;
}

function get(tenantId: string, path: string): Promise<any> {
  let l = limiters.get(tenantId);
  if (!l) limiters.set(tenantId, (l = new Limiter(limit)));
  return l.run(() => graph(tenantId).api(path).get());
}

/** S1: a user list. */
async function s1(tenantId: string): Promise<number> {
  const page = await get(tenantId, "/users?$top=100");
  return page.value.length;
}

/** S2: a list of known users, one GET each. */
async function s2(tenantId: string, ids: string[]): Promise<number> {
  const users = await Promise.all(ids.map((id) => get(tenantId, `/users/${id}`)));
  return users.length;
}

/** S3: ten groups, twenty members each, and the managed devices of every member that is a user. */
async function s3(tenantId: string): Promise<number> {
  const groups = (await get(tenantId, "/groups?$top=10")).value as { id: string }[];
  const members = await Promise.all(groups.map((g) => get(tenantId, `/groups/${g.id}/members?$top=20`)));
  let n = 0;
  await Promise.all(
    members.flatMap((page) =>
      (page.value as { id: string; "@odata.type"?: string }[])
        .filter((m) => m["@odata.type"] === "#microsoft.graph.user")
        .map(async (m) => {
          const devices = await get(tenantId, `/users/${m.id}/managedDevices`);
          n += devices.value.length;
        }),
    ),
  );
  return n;
}

/** S4: 25 customers, each with five users and its managed-device count. */
async function s4(first: number): Promise<number> {
  const lists = await Promise.all(
    partners.map(async (p) => (await get(p.tenantId, "/tenantRelationships/delegatedAdminCustomers")).value as { tenantId: string; displayName: string }[]),
  );
  const all = lists
    .flat()
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .slice(0, first);
  const results = await Promise.all(
    all.map(async (c) => {
      const [users, devices] = await Promise.all([
        get(c.tenantId, "/users?$top=5"),
        get(c.tenantId, "/deviceManagement/managedDevices?$top=1&$count=true").catch(() => ({ value: [] })),
      ]);
      return users.value.length + devices.value.length;
    }),
  );
  return results.length;
}

async function main(): Promise<void> {
  const tenants = await request(`${emulatorUrl}/_emulator/tenants`, { dispatcher });
  customers = ((await tenants.body.json()) as { customers: Customer[] }).customers;
  const server = createServer((req, res) => {
    jsonBodyOf(req)
      .then(async (b) => {
        const items =
          b.screen === "S1"
            ? await s1(b.tenantId)
            : b.screen === "S2"
              ? await s2(b.tenantId, b.ids)
              : b.screen === "S3"
                ? await s3(b.tenantId)
                : b.screen === "S4"
                  ? await s4(b.first ?? 25)
                  : -1;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: items >= 0, items }));
      })
      .catch((err: unknown) => {
        // Graph's status (the SDK's GraphError carries it) lets the runner tell 429s from other failures.
        const status = typeof (err as { statusCode?: unknown })?.statusCode === "number" ? (err as { statusCode: number }).statusCode : undefined;
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, status, error: String(err) }));
      });
  });
  await announceReady(server);
}

runChild("naive client", main);
