import type { EmulatorContext } from "../context";
import { sleep } from "../faults";
import type { EmuRequest, EmuResponse } from "../http";
import { authenticate } from "./authorize";
import { handleBatch } from "./batch";
import { graphError, requestInfo } from "./errors";
import { isMetadata, serveMetadata } from "./metadata";
import { serveOne, splitPath } from "./pipeline";

/**
 * Microsoft Graph v1.0 (and beta, served the same) for the emulator: every path under `/v1.0/`.
 * The bearer token decides the tenant (Graph URLs carry none). Each HTTP request is one flight
 * for the counters and one latency draw; a `$batch` counts as "batch" plus a "batchItem" per item.
 */
export async function handleGraph(req: EmuRequest, ctx: EmulatorContext): Promise<EmuResponse> {
  // The service document's schema is public: Graph serves $metadata without a token.
  if (isMetadata(splitPath(req.url).segments)) return serveMetadata(req.method);
  const info = requestInfo(req, ctx.now());
  const auth = await authenticate(req, ctx);
  const tenantId = auth.ok ? auth.caller.tid : undefined;
  const appId = auth.ok ? auth.caller.appId : undefined;
  const end = ctx.counters.begin("graph", tenantId ?? "-");
  try {
    await sleep(ctx.faults.delayMs("graph", tenantId));
    const isBatch = splitPath(req.url).segments.join("/").toLowerCase() === "$batch";
    const kind = isBatch ? "batch" : "graph";
    ctx.counters.count(kind, { tenantId, appId }, isBatch ? undefined : logged(req, info.requestId));
    let res: EmuResponse;
    if (!auth.ok) res = graphError(info, auth.status, auth.code, auth.message, { headers: auth.headers });
    else if (isBatch && req.method.toUpperCase() === "POST") res = await handleBatch(req, auth.caller, ctx, info);
    else res = await serveOne(req, auth.caller, ctx, info);
    ctx.counters.bytes(kind, typeof res.body === "string" ? Buffer.byteLength(res.body) : Buffer.byteLength(JSON.stringify(res.body ?? "")));
    return res;
  } finally {
    end();
  }
}

function logged(req: EmuRequest, requestId: string): { method: string; url: string; consistencyLevel?: string; requestId: string } {
  return { method: req.method, url: `${req.url.pathname}${req.url.search}`, consistencyLevel: req.headers["consistencylevel"], requestId };
}

export { GraphThrottle, graphThrottle, resetThrottling } from "./throttle";
export { BATCH_LIMIT } from "./batch";
export type { Caller, ResourceKind } from "./authorize";
