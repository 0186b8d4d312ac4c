import { Writable } from "node:stream";
import { bodyTooLarge, busy, deadlinePassed, headersTooLarge, routeNotFound } from "../../src/errors";
import { createFormatError } from "../../src/formatError";
import { errorResponseBody, rawErrorResponse } from "../../src/http/errorResponse";
import { createLogger } from "../../src/log";

/** A real logger whose lines are kept. */
function recordingLog() {
  const lines: string[] = [];
  const log = createLogger("error", new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  return Object.assign(log, { lines });
}

describe("errorResponseBody: the HTTP front's own answers, through formatError", () => {
  const log = recordingLog();
  const format = createFormatError(log);
  const body = (e: unknown) => JSON.parse(errorResponseBody([e], format));

  it("writes our errors with their code and details, never their HTTP status", () => {
    expect(body(busy())).toEqual({ errors: [{ message: "The server is busy; retry shortly.", extensions: { code: "THROTTLED", retryAfter: 1 } }] });
    expect(body(bodyTooLarge(1024))).toEqual({
      errors: [{ message: "The request body is larger than 1024 bytes.", extensions: { code: "BAD_REQUEST", maxBodyBytes: 1024 } }],
    });
    expect(body(deadlinePassed(25_000)).errors[0].extensions).toEqual({ code: "TIMEOUT", timeoutMs: 25_000 });
    expect(body(routeNotFound())).toEqual({ errors: [{ message: "Not found. GraphQL is served at /graphql.", extensions: { code: "NOT_FOUND" } }] });
  });

  it("masks anything else as INTERNAL_SERVER_ERROR and logs it", () => {
    expect(body(new Error("secret detail"))).toEqual({ errors: [{ message: "Internal server error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toContain("masked for the client");
  });

  it("writes a raw HTTP answer with the error's status for a socket Node refused", () => {
    const raw = rawErrorResponse(headersTooLarge(16_384), format);
    const [head, json] = raw.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(json!)}`);
    expect(JSON.parse(json!).errors[0].extensions).toEqual({ code: "BAD_REQUEST", maxHeaderBytes: 16_384 });
  });
});
