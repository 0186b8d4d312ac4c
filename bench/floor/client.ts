import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { request } from "undici";
import { createHttpsAgent } from "../../src/auth/trust";
import type { FloorPlan, FloorRequest } from "./plan";
import { announceReady, jsonBodyOf, required, runChild } from "../childEntry";

/**
 * The floor client: the irreducible work of an operation, and nothing else. It sends the very Graph
 * requests partner-graph sent for it (the same plain calls and `$batch` bodies, wave after wave), over
 * one keep-alive undici Agent built as partner-graph's is (one SecureContext, 256 connections), with
 * tokens fetched beforehand; `JSON.parse`s every answer; and answers with `JSON.stringify` of a
 * response the size of partner-graph's (that response itself, parsed once when the plan is given).
 * No GraphQL, no DataLoader, no resilience, no cursors: what the API costs beyond this is its own.
 *
 * Run as its own process (pinned like the servers) behind a small HTTP endpoint, so the runner drives
 * it and reads its CPU and RSS exactly as it does partner-graph's:
 *   POST /plan {name, plan}   tokens for the plan's tenants, then keeps it
 *   POST /run {name}          one operation of that plan; 200 with the response
 */

interface Partner {
  tenantId: string;
  app: { clientId: string; clientSecret: string };
}
interface Customer {
  id: string;
  partnerTenantId: string;
}

const emulatorUrl = required("BENCH_EMULATOR_URL");
const partners: Partner[] = JSON.parse(readFileSync(required("BENCH_PARTNER_FILE"), "utf8")).partnerTenants;
const dispatcher = createHttpsAgent(readFileSync(required("BENCH_CA_FILE"), "utf8"));
const origin = new URL(emulatorUrl).origin;

let customers: Customer[] = [];
const tokens = new Map<string, string>();
const plans = new Map<string, { plan: FloorPlan; response: unknown }>();

/** Client credentials for a tenant through the partner app that serves it (before any measured run). */
async function tokenOf(tenantId: string): Promise<string> {
  const hit = tokens.get(tenantId);
  if (hit) return hit;
  const partnerTenantId = partners.some((p) => p.tenantId === tenantId) ? tenantId : customers.find((c) => c.id === tenantId)?.partnerTenantId;
  const partner = partners.find((p) => p.tenantId === partnerTenantId) ?? partners[0]!;
  const res = await request(`${emulatorUrl}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    dispatcher,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: partner.app.clientId,
      client_secret: partner.app.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    }).toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token for ${tenantId}: ${res.statusCode}`);
  tokens.set(tenantId, body.access_token);
  return body.access_token;
}

/** One Graph call of the plan: the request as partner-graph sent it, its answer parsed. */
async function send(r: FloorRequest): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(r.tenantId)}` };
  let body: string | undefined;
  if (r.batch) {
    headers["content-type"] = "application/json";
    body = JSON.stringify({ requests: r.batch });
  } else if (r.consistencyLevel) headers.consistencylevel = r.consistencyLevel;
  const res = await dispatcher.request({ origin, path: r.batch ? "/v1.0/$batch" : r.url!, method: (r.batch ? "POST" : r.method!) as "GET", headers, body });
  return JSON.parse(await res.body.text());
}

async function run(name: string): Promise<string> {
  const p = plans.get(name);
  if (!p) throw new Error(`no plan ${name}`);
  let answers = 0;
  for (const wave of p.plan.waves) answers += (await Promise.all(wave.map(send))).length;
  if (answers !== p.plan.requests) throw new Error("lost an answer");
  return JSON.stringify(p.response);
}

async function main(): Promise<void> {
  const listed = await request(`${emulatorUrl}/_emulator/tenants`, { dispatcher });
  customers = ((await listed.body.json()) as { customers: Customer[] }).customers;
  const server = createServer((req, res) => {
    jsonBodyOf(req)
      .then(async (b) => {
        if (req.url === "/plan") {
          const plan = b.plan as FloorPlan;
          // Tokens first (64 at a time: the emulator takes 300 ms per token), so no measured run asks for one.
          const tenants = [...new Set(plan.waves.flat().map((r) => r.tenantId))];
          for (let i = 0; i < tenants.length; i += 64) await Promise.all(tenants.slice(i, i + 64).map(tokenOf));
          plans.set(b.name, { plan, response: JSON.parse(plan.response) });
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, tenants: tokens.size }));
          return;
        }
        const text = await run(b.name);
        res.writeHead(200, { "content-type": "application/json" }).end(text);
      })
      .catch((err: unknown) => res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: String(err) })));
  });
  await announceReady(server);
}

runChild("floor client", main);
