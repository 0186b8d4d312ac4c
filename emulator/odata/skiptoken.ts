/**
 * Opaque `$skiptoken`s: base64url of {o: offset, h: HMAC}. The HMAC covers the path, every query
 * option of the request that produced it ($top, $count, $select, $filter, $orderby, $search, …) and
 * the offset: Graph's token is valid only with the exact options it was issued for (docs/graph-facts.md §3:
 * clients call the nextLink as given), so a changed option with an old token is a 400.
 * nextLinks keep the request's query text as sent (only $skiptoken is replaced), as Graph does.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const isSkiptokenKey = (key: string): boolean => key.toLowerCase() === "$skiptoken";

/** What a token is bound to: the path and every other query option (decoded), order-independent. */
export function queryBinding(url: URL): string {
  const pairs = [...url.searchParams]
    .filter(([k]) => !isSkiptokenKey(k))
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
  return JSON.stringify([url.pathname, pairs]);
}

function mac(secret: string, binding: string, offset: number): string {
  return createHmac("sha256", secret).update(`${binding}\n${offset}`).digest("base64url").slice(0, 22);
}

export function makeSkiptoken(secret: string, binding: string, offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, h: mac(secret, binding, offset) })).toString("base64url");
}

/** The offset a token carries, or null when it is malformed, tampered or minted for another query. */
export function readSkiptoken(secret: string, binding: string, token: string): number | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof parsed !== "object" || parsed === null) return null;
    const { o, h } = parsed as { o?: unknown; h?: unknown };
    if (typeof o !== "number" || !Number.isSafeInteger(o) || o < 0 || typeof h !== "string") return null;
    const want = Buffer.from(mac(secret, binding, o));
    const got = Buffer.from(h);
    return want.length === got.length && timingSafeEqual(want, got) ? o : null;
  } catch {
    return null;
  }
}

/** The absolute next-page URL: the original query text with `$skiptoken` added or replaced. */
export function withSkiptoken(url: URL, token: string): string {
  const kept = url.search
    .slice(1)
    .split("&")
    .filter((part) => {
      if (part === "") return false;
      const rawKey = part.split("=", 1)[0];
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, " "));
      } catch {
        // keep undecodable keys as they are
      }
      return !isSkiptokenKey(key);
    });
  kept.push(`$skiptoken=${token}`);
  return `${url.origin}${url.pathname}?${kept.join("&")}`;
}
