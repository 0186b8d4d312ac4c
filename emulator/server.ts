import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "./context";
import { handleControl } from "./control/routes";
import { handleGraph } from "./graph";
import { handleIdentity } from "./identity";
import { json, type EmuRequest, type EmuResponse } from "./http";
import type { TlsMaterial } from "./tls";

/** Largest request body accepted; Graph's own limit for $batch bodies is 4 MB. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * One HTTPS listener serves the identity platform (`/{tenant}/…`), Microsoft Graph (`/v1.0/…`) and
 * the control API (`/_emulator/…`): the paths never collide, and one port keeps MSAL's authority
 * and the Graph client's custom host on the same `127.0.0.1:PORT`.
 */
export function createEmulatorServer(tls: TlsMaterial, getCtx: () => EmulatorContext): Server {
  return createServer({ key: tls.key, cert: tls.cert, keepAliveTimeout: 30_000 }, (req, res) => {
    serve(req, res, getCtx()).catch(() => {
      if (!res.headersSent) send(res, json(500, { error: { code: "InternalServerError", message: "Emulator failure." } }));
      else res.destroy();
    });
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, ctx: EmulatorContext): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) return send(res, json(413, { error: { code: "RequestEntityTooLarge", message: "Request body too large." } }));
  const emuReq: EmuRequest = {
    method: req.method ?? "GET",
    url: new URL(req.url ?? "/", ctx.baseUrl),
    headers: lowerHeaders(req),
    body,
    remoteAddress: req.socket.remoteAddress ?? "",
  };
  send(res, await route(emuReq, ctx));
}

async function route(req: EmuRequest, ctx: EmulatorContext): Promise<EmuResponse> {
  const path = req.url.pathname;
  if (path.startsWith("/_emulator/")) return handleControl(req, ctx);
  if (path.startsWith("/v1.0/") || path.startsWith("/beta/")) return handleGraph(req, ctx);
  const identity = await handleIdentity(req, ctx);
  if (identity) return identity;
  return json(404, { error: { code: "NotFound", message: `No route for ${req.method} ${path}` } });
}

function send(res: ServerResponse, r: EmuResponse): void {
  const payload = typeof r.body === "string" ? r.body : r.body === undefined ? "" : JSON.stringify(r.body);
  res.writeHead(r.status, { ...r.headers, "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
