import type { Duplex } from "node:stream";
import { headersTooLarge, malformedRequest, requestTooSlow } from "../errors";
import type { FormatError } from "../formatError";
import { rawErrorResponse } from "./errorResponse";

/** Request headers, all of them: Node's default, said explicitly because the 431 answer below depends on it. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Node's 'clientError', for requests it refuses before our handler sees them: headers over
 * MAX_HEADER_BYTES get 431, a request too slow to arrive 408, other malformed requests 400, each as a
 * JSON GraphQL error rather than Node's empty answer.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, format: FormatError): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const error =
    err.code === "HPE_HEADER_OVERFLOW" ? headersTooLarge(MAX_HEADER_BYTES) : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? requestTooSlow() : malformedRequest();
  socket.end(rawErrorResponse(error, format));
}
