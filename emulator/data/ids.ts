import * as crypto from "node:crypto";

/**
 * Name-derived identifiers and dates for the seeded world. Every id is a hash of a stable name, so
 * the same seed gives the same ids on every run and on every machine, and two different names
 * (tenant A's user 7, tenant B's user 7) never share an id.
 */

// crypto.hash (Node >= 20.12) is about twice as fast as createHash for short inputs, which matters
// when a 100,000-user tenant needs ~350,000 ids; package.json still allows Node 20.10.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: "hex") => string }).hash;
export function sha1Hex(input: string): string {
  return oneShot ? oneShot("sha1", input, "hex") : crypto.createHash("sha1").update(input).digest("hex");
}

/** A UUID in RFC 4122 version-5 layout from the SHA-1 of `name` (not namespaced; stable is what matters). */
export function guid(name: string): string {
  const h = sha1Hex(name);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** 32-bit seed for `seededRandom` from a name. */
export function hash32(name: string): number {
  return parseInt(sha1Hex(name).slice(0, 8), 16) >>> 0;
}

export function base64url(buf: Buffer): string {
  return buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Entra's object SID for a cloud object: S-1-12-1 followed by the GUID's 16 bytes (in .NET byte
 * order) read as four little-endian uint32s. Graph exposes it as `securityIdentifier`.
 */
export function cloudSid(id: string): string {
  const hex = id.replace(/-/g, "");
  const a = parseInt(hex.slice(0, 8), 16) >>> 0;
  // Groups 2 and 3 are stored little-endian by .NET, so the second uint32 reads as g3:g2.
  const b = (parseInt(hex.slice(12, 16), 16) * 0x10000 + parseInt(hex.slice(8, 12), 16)) >>> 0;
  const le = (s: string): number => parseInt(s.slice(6, 8) + s.slice(4, 6) + s.slice(2, 4) + s.slice(0, 2), 16) >>> 0;
  return `S-1-12-1-${a}-${b}-${le(hex.slice(16, 24))}-${le(hex.slice(24, 32))}`;
}

export const DAY_MS = 86_400_000;

/** Graph's DateTimeOffset form: whole seconds, `Z`, no fraction. */
export function iso(ms: number): string {
  const s = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  return s.slice(0, 19) + "Z";
}

/** Zero-padded decimal. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Small helpers over a [0,1) generator. */
export class Draw {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      if (r < w) return v;
      r -= w;
    }
    return items[items.length - 1]![0];
  }
  digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += Math.floor(this.next() * 10);
    return s;
  }
  chars(n: number, alphabet: string): string {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

/**
 * The instant the seeded world describes ("as of"). Seeded dates are this minus seeded offsets, so
 * data does not drift with the wall clock; customers created later through the control API use
 * their own creation time instead.
 */
export const EPOCH_MS = Date.UTC(2026, 10, 1);
