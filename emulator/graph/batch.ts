import type { EmulatorContext } from "../context";
import { seededRandom } from "../faults";
import { jsonBody, type EmuRequest, type EmuResponse } from "../http";
import type { Caller } from "./authorize";
import { canonicalHeaderName, graphError, Invented, Messages, okJson, requestInfo, type RequestInfo } from "./errors";
import { serveOne, splitPath } from "./pipeline";

/**
 * JSON batching (docs/graph-facts.md §1): at most 20 items, ids unique (case-insensitively), relative
 * URLs, per-item headers (the outer request's `ConsistencyLevel` is not passed down), `Content-Type`
 * required with a body, `dependsOn` with 424 for dependants of failed items, answers in an order
 * different from the requests'. Every item is fault-injected, authorised and throttled on its own;
 * the batch itself answers 200 once it parses.
 */

export const BATCH_LIMIT = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

type Parsed = { ok: true; items: BatchItem[] } | { ok: false; message: string };

const INVALID = Invented.invalidBatch;

function parse(raw: unknown): Parsed {
  const requests = (raw as { requests?: unknown } | undefined)?.requests;
  if (!raw || typeof raw !== "object" || !Array.isArray(requests)) return { ok: false, message: INVALID };
  const items: BatchItem[] = [];
  for (const r of requests as unknown[]) {
    if (!r || typeof r !== "object") return { ok: false, message: INVALID };
    const o = r as Record<string, unknown>;
    if (typeof o.id !== "string" || o.id === "" || typeof o.method !== "string" || typeof o.url !== "string") {
      return { ok: false, message: INVALID };
    }
    const headers: Record<string, string> = {};
    if (o.headers && typeof o.headers === "object") {
      for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
    }
    const dependsOn = Array.isArray(o.dependsOn) ? o.dependsOn.map(String) : [];
    items.push({ id: o.id, method: o.method, url: o.url, headers, body: o.body, dependsOn });
  }
  return { ok: true, items };
}

/** Batch-level checks that fail the whole batch with 400 (docs/graph-facts.md §1). */
function validate(items: BatchItem[], ctx: EmulatorContext): string | undefined {
  if (items.length === 0) return INVALID;
  if (items.length > BATCH_LIMIT && ctx.settings.batchLimit === "enforce") {
    return Messages.batchTooLarge;
  }
  const ids = new Set<string>();
  for (const item of items) {
    const key = item.id.toLowerCase();
    if (ids.has(key)) return Invented.duplicateBatchId(item.id);
    ids.add(key);
  }
  for (const item of items) {
    if (item.body !== undefined && item.body !== null && !item.headers["content-type"]) {
      return Invented.batchItemWithoutContentType(item.id);
    }
    for (const dep of item.dependsOn) {
      if (!ids.has(dep.toLowerCase()) || dep.toLowerCase() === item.id.toLowerCase()) {
        return Invented.unknownDependency(item.id, dep);
      }
    }
  }
  return undefined;
}

/** Item answers as the service shows them: canonical header names, no per-connection headers. */
function itemResponse(id: string, res: EmuResponse): BatchItemResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (k === "date" || k === "x-ms-ags-diagnostic" || k === "request-id" || k === "client-request-id") continue;
    headers[canonicalHeaderName(k)] = v;
  }
  return { id, status: res.status, headers, body: res.body };
}

/** The body of an item request: JSON objects are serialised; a string is base64 (binary content). */
function itemBody(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "base64");
  return Buffer.from(JSON.stringify(body), "utf8");
}

/** URIs must be relative to the version root; an absolute one fails as an unknown segment. */
function itemUrl(outer: URL, version: string, url: string): URL | string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let first: string;
    try {
      first = new URL(url).pathname.split("/").filter(Boolean)[0] ?? "";
    } catch {
      first = url;
    }
    return first;
  }
  const relative = url.replace(/^\/+/, "");
  return new URL(`/${version}/${relative}`, outer.origin);
}

async function runItem(item: BatchItem, outer: EmuRequest, outerId: string, version: string, caller: Caller, ctx: EmulatorContext): Promise<BatchItemResponse> {
  const headers: Record<string, string | undefined> = { ...item.headers, authorization: outer.headers["authorization"] };
  const url = itemUrl(outer.url, version, item.url);
  const consistencyLevel = Object.entries(item.headers ?? {}).find(([k]) => k.toLowerCase() === "consistencylevel")?.[1];
  ctx.counters.count(
    "batchItem",
    { tenantId: caller.tid, appId: caller.appId },
    {
      method: item.method.toUpperCase(),
      url: typeof url === "string" ? item.url : `${url.pathname}${url.search}`,
      consistencyLevel: consistencyLevel === undefined ? undefined : String(consistencyLevel),
      requestId: outerId,
    },
  );
  const req: EmuRequest = {
    method: item.method.toUpperCase(),
    url: typeof url === "string" ? new URL(outer.url.href) : url,
    headers,
    body: itemBody(item.body),
    remoteAddress: outer.remoteAddress,
  };
  const info = requestInfo(req, ctx.now());
  if (typeof url === "string") {
    return itemResponse(item.id, graphError(info, 400, "BadRequest", Messages.segmentNotFound(url)));
  }
  return itemResponse(item.id, await serveOne(req, caller, ctx, info));
}

function failedDependency(item: BatchItem, ctx: EmulatorContext, outer: EmuRequest): BatchItemResponse {
  const info = requestInfo({ ...outer, headers: { "client-request-id": item.headers["client-request-id"] } }, ctx.now());
  const res = graphError(info, 424, "FailedDependency", Invented.failedDependency);
  return itemResponse(item.id, res);
}

/** Runs items in dependency order: every item whose dependencies are done runs in the same wave. */
async function execute(items: BatchItem[], outer: EmuRequest, outerId: string, version: string, caller: Caller, ctx: EmulatorContext) {
  const results = new Map<string, BatchItemResponse>();
  let pending = items;
  while (pending.length) {
    const ready = pending.filter((i) => i.dependsOn.every((d) => results.has(d.toLowerCase())));
    if (ready.length === 0) return undefined; // a cycle
    const answers = await Promise.all(
      ready.map((item) => {
        const failed = item.dependsOn.some((d) => {
          const s = results.get(d.toLowerCase())!.status;
          return s < 200 || s >= 300;
        });
        return failed ? failedDependency(item, ctx, outer) : runItem(item, outer, outerId, version, caller, ctx);
      }),
    );
    ready.forEach((item, i) => results.set(item.id.toLowerCase(), answers[i]!));
    pending = pending.filter((i) => !results.has(i.id.toLowerCase()));
  }
  return items.map((i) => results.get(i.id.toLowerCase())!);
}

/** A deterministic shuffle that never keeps the request order (clients must match answers by id). */
export function shuffle<T>(list: T[], seedText: string): T[] {
  let seed = 2166136261;
  for (let i = 0; i < seedText.length; i++) seed = Math.imul(seed ^ seedText.charCodeAt(i), 16777619) >>> 0;
  const random = seededRandom(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  if (out.length > 1 && out.every((x, i) => x === list[i])) out.push(out.shift()!);
  return out;
}

export async function handleBatch(req: EmuRequest, caller: Caller, ctx: EmulatorContext, info: RequestInfo): Promise<EmuResponse> {
  const parsed = parse(jsonBody(req));
  if (!parsed.ok) return graphError(info, 400, "BadRequest", parsed.message);
  const invalid = validate(parsed.items, ctx);
  if (invalid) return graphError(info, 400, "BadRequest", invalid);
  const { version } = splitPath(req.url);
  const answers = await execute(parsed.items, req, info.requestId, version, caller, ctx);
  if (!answers) return graphError(info, 400, "BadRequest", Invented.dependencyCycle);
  return okJson(info, { responses: shuffle(answers, parsed.items.map((i) => i.id).join("|")) });
}
