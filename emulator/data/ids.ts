import * as crypto from "node:crypto";

// Hot paths read globals through module bindings: jest runs modules in a node:vm context, where
// every global lookup goes through an interceptor and costs ten times a local one or more.
export const { floor, max, min, round } = Math;
const toInt = Number.parseInt;
const toStr = String;

/**
 * Name-derived identifiers and dates for the seeded world. Every id is a hash of a stable name, so
 * the same seed gives the same ids on every run and on every machine, and two different names
 * (tenant A's user 7, tenant B's user 7) never share an id.
 */

// crypto.hash (Node >= 20.12) is about twice as fast as createHash for short inputs, which matters
// when a 100,000-user tenant needs ~350,000 ids; package.json still allows Node 20.10.
type OneShot = (alg: string, data: string, enc: "buffer") => Buffer;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
function sha1(input: string): Buffer {
  return oneShot ? oneShot("sha1", input, "buffer") : crypto.createHash("sha1").update(input).digest();
}

const HEX = "0123456789abcdef";
const guidChars = Buffer.alloc(36);

/**
 * A UUID in RFC 4122 version-5 layout from the SHA-1 of `name` (not namespaced; stable is what
 * matters). Written into a byte buffer and decoded once, so the result is one flat string: built by
 * slicing and concatenating, a GUID held by V8 costs about six times as much memory.
 */
export function guid(name: string): string {
  const b = sha1(name);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let o = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) guidChars[o++] = 0x2d;
    guidChars[o++] = HEX.charCodeAt(b[i]! >> 4);
    guidChars[o++] = HEX.charCodeAt(b[i]! & 0x0f);
  }
  return guidChars.toString("latin1", 0, 36);
}

/**
 * V8 keeps concatenations as ropes and slices as views of their parent; held for the life of a
 * directory they cost several times a flat string. Reading a character flattens a rope in place,
 * and the garbage collector then drops the rope's nodes.
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** 32-bit seed for `seededRandom` from a name. */
export function hash32(name: string): number {
  return sha1(name).readUInt32BE(0);
}

export function base64url(buf: Buffer): string {
  return buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Entra's object SID for a cloud object: S-1-12-1 followed by the GUID's 16 bytes (in .NET byte
 * order) read as four little-endian uint32s. Graph exposes it as `securityIdentifier`.
 */
export function cloudSid(id: string): string {
  // Offsets are into the dashed form 8-4-4-4-12.
  const a = toInt(id.slice(0, 8), 16);
  // Groups 2 and 3 are stored little-endian by .NET, so the second uint32 reads as g3:g2.
  const b = toInt(id.slice(14, 18), 16) * 0x10000 + toInt(id.slice(9, 13), 16);
  const le = (s: string): number => toInt(s.slice(6, 8) + s.slice(4, 6) + s.slice(2, 4) + s.slice(0, 2), 16);
  return flat(`S-1-12-1-${a}-${b}-${le(id.slice(19, 23) + id.slice(24, 28))}-${le(id.slice(28, 36))}`);
}

export const DAY_MS = 86_400_000;

const isoChars = Buffer.from("0000-00-00T00:00:00Z", "latin1");

function put2(at: number, n: number): void {
  isoChars[at] = 48 + floor(n / 10);
  isoChars[at + 1] = 48 + (n % 10);
}

/**
 * Graph's DateTimeOffset form: whole seconds, `Z`, no fraction. Formatted by hand into a byte
 * buffer (civil-from-days after H. Hinnant) because a 100,000-user tenant needs about a million
 * of these and Date#toISOString plus trimming was the largest cost of generating one.
 */
export function iso(ms: number): string {
  const secs = floor(ms / 1000);
  const days = floor(secs / 86_400);
  let rest = secs - days * 86_400;
  const z = days + 719_468;
  const era = floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = floor((doe - floor(doe / 1460) + floor(doe / 36_524) - floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100));
  const mp = floor((5 * doy + 2) / 153);
  const day = doy - floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  put2(0, floor(year / 100));
  put2(2, year % 100);
  put2(5, month);
  put2(8, day);
  const h = floor(rest / 3600);
  rest -= h * 3600;
  const m = floor(rest / 60);
  put2(11, h);
  put2(14, m);
  put2(17, rest - m * 60);
  return isoChars.toString("latin1", 0, 20);
}

/** Zero-padded decimal. */
export function pad(n: number, width: number): string {
  return toStr(n).padStart(width, "0");
}

/** Small helpers over a [0,1) generator. */
export class Draw {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[floor(this.next() * items.length)]!;
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
    for (let i = 0; i < n; i++) s += floor(this.next() * 10);
    return flat(s);
  }
  chars(n: number, alphabet: string): string {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[floor(this.next() * alphabet.length)];
    return flat(s);
  }
}

/**
 * The instant the seeded world describes ("as of"). Seeded dates are this minus seeded offsets, so
 * data does not drift with the wall clock; customers created later through the control API use
 * their own creation time instead.
 */
export const EPOCH_MS = Date.UTC(2026, 10, 1);
