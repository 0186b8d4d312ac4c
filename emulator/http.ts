/**
 * The emulator's own request/response shapes. Handlers are pure functions of an EmuRequest so the
 * Graph handler can serve both a plain HTTPS request and one item of a `$batch` the same way.
 */
export interface EmuRequest {
  method: string;
  /** Absolute URL as the client addressed it (scheme, host and port of the emulator). */
  url: URL;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  remoteAddress: string;
}

export interface EmuResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON-serialisable value, or a string sent as-is (text/plain, text/html). */
  body: unknown;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body };
}

/** Parses an application/x-www-form-urlencoded body. */
export function formBody(req: EmuRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString("utf8"));
}

/** Parses a JSON body, returning undefined when it is not JSON. */
export function jsonBody(req: EmuRequest): unknown {
  try {
    return JSON.parse(req.body.toString("utf8"));
  } catch {
    return undefined;
  }
}
