import type { IncomingMessage } from "node:http";

export const MAX_BODY_BYTES = 1024 * 1024;
/** How much of an oversized body is read and dropped before the connection is cut. */
const DRAIN_LIMIT_BYTES = 8 * MAX_BODY_BYTES;

export const TOO_LARGE = Symbol("too large");

/**
 * The request body as JSON (the raw text when it does not parse: Apollo answers malformed JSON itself),
 * undefined when empty, or TOO_LARGE past MAX_BODY_BYTES. Too large: it resolves at once so the 413
 * can be written, and the rest is read and dropped (up to a bound) so the client reads that answer,
 * not a reset; past the bound the connection is cut.
 */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(c);
      chunks.length = 0;
      req.off("data", onData);
      let drained = 0;
      req.on("data", (more: Buffer) => {
        drained += more.length;
        if (drained > DRAIN_LIMIT_BYTES) req.destroy();
      });
      resolve(TOO_LARGE);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) return;
      const text = Buffer.concat(chunks).toString("utf8");
      if (!text) return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    });
    req.on("error", reject);
  });
}
