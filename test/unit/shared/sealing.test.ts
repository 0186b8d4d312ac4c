import { randomBytes } from "node:crypto";
import { keyIdOf, Sealer } from "../../../src/shared/sealing";

/** A JWT-shaped token: what the sealer must hide. */
const TOKEN = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ tid: "t", aud: "https://graph.microsoft.com" })).toString("base64url")}.c2lnbmF0dXJl`;

describe("Sealer (AES-256-GCM envelopes of what sits in Redis)", () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it("seals into an envelope naming its key, with nothing of the plaintext in it, and opens it again", () => {
    const sealer = new Sealer(k1);
    const sealed = sealer.seal(TOKEN, "pg:token:app:c:t");
    expect(sealed).toMatch(new RegExp(`^pg1\\.${keyIdOf(k1)}\\.[A-Za-z0-9_-]+$`));
    for (const part of TOKEN.split(".")) expect(sealed).not.toContain(part.slice(0, 8));
    expect(sealer.open(sealed, "pg:token:app:c:t")).toEqual({ ok: true, plaintext: TOKEN });
  });

  it("never seals the same value the same way twice (a fresh IV each time)", () => {
    const sealer = new Sealer(k1);
    expect(sealer.seal(TOKEN, "k")).not.toBe(sealer.seal(TOKEN, "k"));
  });

  it("binds a value to its key: moved under another key (another tenant's), it does not open", () => {
    const sealer = new Sealer(k1);
    const sealed = sealer.seal(TOKEN, "pg:token:app:c:tenant-a");
    expect(sealer.open(sealed, "pg:token:app:c:tenant-b")).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses an altered envelope, a truncated one, and a plain value an older version wrote", () => {
    const sealer = new Sealer(k1);
    const sealed = sealer.seal(TOKEN, "k");
    const body = sealed.split(".")[2]!;
    const flipped = `${body.slice(0, 20)}${body[20] === "A" ? "B" : "A"}${body.slice(21)}`;
    expect(sealer.open(sealed.replace(body, flipped), "k")).toEqual({ ok: false, reason: "invalid" });
    expect(sealer.open(sealed.slice(0, 30), "k")).toEqual({ ok: false, reason: "invalid" });
    expect(sealer.open(TOKEN, "k")).toEqual({ ok: false, reason: "invalid" });
    expect(sealer.open("", "k")).toEqual({ ok: false, reason: "invalid" });
  });

  it("rotates: old keys still open what they sealed, new values are sealed with the current key", () => {
    const before = new Sealer(k1);
    const during = new Sealer(k2, [k1]);
    const old = before.seal(TOKEN, "k");
    expect(during.open(old, "k")).toEqual({ ok: true, plaintext: TOKEN });
    const fresh = during.seal(TOKEN, "k");
    expect(fresh.split(".")[1]).toBe(keyIdOf(k2));
    expect(during.currentKeyId).toBe(keyIdOf(k2));
    // A replica not yet given the new key misses what it sealed; once the old key is retired, so does everyone for old values.
    expect(before.open(fresh, "k")).toEqual({ ok: false, reason: "unknown-key" });
    expect(new Sealer(k2).open(old, "k")).toEqual({ ok: false, reason: "unknown-key" });
  });

  it("takes 32-byte keys only", () => {
    expect(() => new Sealer(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => new Sealer(k1, [randomBytes(31)])).toThrow(/32 bytes/);
  });

  it("derives a key's id from the key: the same on every replica, different for another key", () => {
    expect(keyIdOf(Buffer.from(k1))).toBe(keyIdOf(k1));
    expect(keyIdOf(k1)).not.toBe(keyIdOf(k2));
    expect(keyIdOf(k1)).toMatch(/^[A-Za-z0-9_-]{11}$/);
  });
});
