import type { ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { FormatError } from "../formatError";

/**
 * Answers made of errors only, written by the HTTP front itself (busy, body or headers too large, the
 * deadline, an unknown route, a defect): each error goes through formatError, as every error Apollo
 * answers does, so a client sees one shape and no unmasked defect. The HTTP status and Retry-After
 * come from the error (`withHttpStatus`); anything else answers 500.
 */
export function errorResponseBody(errors: readonly unknown[], format: FormatError): string {
  return JSON.stringify({ errors: errors.map((e) => format(formattedOf(e), e)) });
}

export function sendError(res: ServerResponse, error: unknown, format: FormatError, headers: Record<string, string> = {}): void {
  res.writeHead(statusOf(error), { "content-type": "application/json", ...httpHeadersOf(error), ...headers });
  res.end(errorResponseBody([error], format));
}

/** The same answer as raw HTTP/1.1, for a socket Node refused before any ServerResponse existed. */
export function rawErrorResponse(error: unknown, format: FormatError): string {
  const status = statusOf(error);
  const body = errorResponseBody([error], format);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function formattedOf(error: unknown): GraphQLFormattedError {
  return error instanceof GraphQLError ? error.toJSON() : { message: error instanceof Error ? error.message : String(error) };
}

function httpOf(error: unknown): { status?: number; headers?: Iterable<[string, string]> } | undefined {
  return error instanceof GraphQLError ? (error.extensions.http as { status?: number; headers?: Iterable<[string, string]> } | undefined) : undefined;
}

function statusOf(error: unknown): number {
  return httpOf(error)?.status ?? 500;
}

function httpHeadersOf(error: unknown): Record<string, string> {
  return Object.fromEntries(httpOf(error)?.headers ?? []);
}
