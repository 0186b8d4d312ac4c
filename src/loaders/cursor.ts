import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { invalidCursor } from "../errors";

/**
 * The options of a Graph list request that a `$skiptoken` belongs to. Graph honours a skiptoken only
 * with the exact options of the request that produced it (docs/graph-facts.md §3), so a cursor that carries
 * one also carries these, and the next page resends them unchanged or does not use the token.
 */
export interface PageOptions {
  top: number;
  count: boolean;
  /** A digest of the `$select` list (the list itself is rebuilt from the next request's selection). */
  select: string;
}

/** What a cursor remembers: a position in the list of the tenant and query it belongs to. */
export interface CursorPosition {
  /**
   * Absolute index of the next item in the list (a plain offset for lists we page ourselves); enough
   * to re-page from the start with any options.
   */
  offset: number;
  /**
   * The Graph page the next item is on, when that page is not the first: its `$skiptoken`, the options
   * the token is valid with, and how many items of that page come before the next item.
   */
  page?: { skiptoken: string; options: PageOptions; skip: number };
}

interface CursorPayload {
  t: string;
  q: string;
  i: number;
  k?: string;
  o?: number;
  p?: [number, boolean, string];
}

const MAC_BYTES = 16;
const MAX_CURSOR_CHARS = 4096;

/**
 * Opaque, signed cursors. A cursor carries only a position, never a URL: the server rebuilds every
 * Graph URL itself. It is bound to the tenant and to the query (filter, search, order) it came from,
 * so it can neither be replayed against another tenant nor change what is being listed.
 */
export class CursorCodec {
  /** The query digest of each list's scope object, computed once however many cursors the list signs. */
  private readonly hashes = new WeakMap<CursorScope, string>();

  constructor(private readonly secret: Buffer) {}

  encode(scope: CursorScope, position: CursorPosition): string {
    const payload: CursorPayload = { t: scope.tenantId, q: this.queryHash(scope), i: position.offset };
    if (position.page) {
      const { skiptoken, options, skip } = position.page;
      payload.k = skiptoken;
      payload.o = skip;
      payload.p = [options.top, options.count, options.select];
    }
    const body = Buffer.from(JSON.stringify(payload), "utf8");
    return Buffer.concat([this.mac(body), body]).toString("base64url");
  }

  decode(cursor: string | null | undefined, scope: CursorScope): CursorPosition | undefined {
    if (cursor === null || cursor === undefined || cursor === "") return undefined;
    const invalid = invalidCursor;
    if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
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
    if (payload.t !== scope.tenantId || payload.q !== this.queryHash(scope)) throw invalid();
    if (!isIndex(payload.i)) throw invalid();
    if (payload.k === undefined) return { offset: payload.i };
    const [top, count, select] = Array.isArray(payload.p) ? payload.p : [];
    if (typeof payload.k !== "string" || !isIndex(payload.o) || !isIndex(top) || typeof count !== "boolean" || typeof select !== "string") throw invalid();
    return { offset: payload.i, page: { skiptoken: payload.k, skip: payload.o, options: { top, count, select } } };
  }

  private queryHash(scope: CursorScope): string {
    let hash = this.hashes.get(scope);
    if (hash === undefined) {
      hash = createHash("sha256").update(scope.query).digest("base64url").slice(0, 16);
      this.hashes.set(scope, hash);
    }
    return hash;
  }

  private mac(body: Buffer): Buffer {
    return createHmac("sha256", this.secret).update(body).digest().subarray(0, MAC_BYTES);
  }
}

function isIndex(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

/** The list a cursor belongs to: its tenant and its query (what is listed, filter, search, order). */
export interface CursorScope {
  readonly tenantId: string;
  readonly query: string;
}

/**
 * An edge whose cursor is signed only when read: most selections ask for no cursor at all (a
 * 1,000-customer overview of `nodes` signed ~7,000 for nothing: an HMAC and a JSON body each).
 */
export class LazyEdge<T> {
  private signed?: string;

  constructor(
    readonly node: T,
    private readonly position: CursorPosition,
    private readonly codec: CursorCodec,
    private readonly scope: CursorScope,
  ) {}

  get cursor(): string {
    return (this.signed ??= this.codec.encode(this.scope, this.position));
  }
}
