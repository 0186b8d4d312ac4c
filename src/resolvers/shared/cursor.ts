import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { badInput } from "../../errors";

/** What a cursor remembers: the tenant and query it belongs to, and a position in that query. */
export interface CursorPosition {
  /** Graph's `$skiptoken` of the page the position is on (absent: the first page). */
  skiptoken?: string;
  /** Items to skip on that page; a plain offset for lists we page ourselves. */
  offset: number;
}

interface CursorPayload extends CursorPosition {
  t: string;
  q: string;
}

const MAC_BYTES = 16;

/**
 * Opaque, signed cursors. A cursor carries only a position, never a URL: the server rebuilds every
 * Graph URL itself. It is bound to the tenant and to the query (filter, search, order) it came from,
 * so it can neither be replayed against another tenant nor change what is being listed.
 */
export class CursorCodec {
  constructor(private readonly secret: Buffer) {}

  encode(scope: { tenantId: string; query: string }, position: CursorPosition): string {
    const payload: CursorPayload = { t: scope.tenantId, q: queryHash(scope.query), offset: position.offset, skiptoken: position.skiptoken };
    const body = Buffer.from(JSON.stringify(payload), "utf8");
    return Buffer.concat([this.mac(body), body]).toString("base64url");
  }

  decode(cursor: string | null | undefined, scope: { tenantId: string; query: string }): CursorPosition | undefined {
    if (cursor === null || cursor === undefined || cursor === "") return undefined;
    const invalid = () => badInput("The cursor is not valid for this list.", { argument: "after" });
    if (cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
    const raw = Buffer.from(cursor, "base64url");
    if (raw.length <= MAC_BYTES) throw invalid();
    const mac = raw.subarray(0, MAC_BYTES);
    const body = raw.subarray(MAC_BYTES);
    if (!timingSafeEqual(mac, this.mac(body))) throw invalid();
    let payload: CursorPayload;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      throw invalid();
    }
    if (payload.t !== scope.tenantId || payload.q !== queryHash(scope.query)) throw invalid();
    if (!Number.isInteger(payload.offset) || payload.offset < 0) throw invalid();
    return { skiptoken: payload.skiptoken, offset: payload.offset };
  }

  private mac(body: Buffer): Buffer {
    return createHmac("sha256", this.secret).update(body).digest().subarray(0, MAC_BYTES);
  }
}

function queryHash(query: string): string {
  return createHash("sha256").update(query).digest("base64url").slice(0, 16);
}
