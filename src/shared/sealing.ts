import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** The envelope's version: `pg1.{key id}.{base64url(iv ‖ ciphertext ‖ tag)}`. */
const VERSION = "pg1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/**
 * A key's id in envelopes: derived from the key itself (so every replica computes the same one
 * without being told), and revealing nothing of it (8 bytes of a SHA-256 of a 256-bit random key).
 */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update("partner-graph redis key id\0").update(key).digest().subarray(0, 8).toString("base64url");
}

/**
 * AES-256-GCM for what replicas keep in Redis (bearer tokens today; cached responses later), so a
 * leaked Redis (a dump, a snapshot, a shared instance) holds no usable token. Each value is bound to
 * its Redis key (the key is the additional authenticated data): a value copied under another key —
 * another tenant's, another caller's — does not open.
 *
 * Rotation: values are sealed with the current key; the old keys still open what they sealed, until
 * those entries expire. An envelope names its key by id, so no trial decryption is needed.
 */
export class Sealer {
  private readonly current: { id: string; key: Buffer };
  private readonly byId = new Map<string, Buffer>();

  constructor(current: Buffer, old: readonly Buffer[] = []) {
    for (const key of [current, ...old]) {
      if (key.length !== KEY_BYTES) throw new RangeError(`an encryption key must be ${KEY_BYTES} bytes`);
      this.byId.set(keyIdOf(key), key);
    }
    this.current = { id: keyIdOf(current), key: current };
  }

  /** The id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${this.current.id}.${body.toString("base64url")}`;
  }

  /**
   * The plaintext, or why not: sealed with a key this process does not have (`unknown-key`: a replica
   * with a newer key wrote it, or the key was retired), or not an envelope of ours that opens for this
   * context (`invalid`: altered, moved from another key, or written by an older version in the clear).
   */
  open(sealed: string, context: string): { ok: true; plaintext: string } | { ok: false; reason: "unknown-key" | "invalid" } {
    const [version, id, body, extra] = sealed.split(".");
    if (version !== VERSION || !id || !body || extra !== undefined) return { ok: false, reason: "invalid" };
    const key = this.byId.get(id);
    if (!key) return { ok: false, reason: "unknown-key" };
    const bytes = Buffer.from(body, "base64url");
    if (bytes.length < IV_BYTES + TAG_BYTES) return { ok: false, reason: "invalid" };
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plaintext = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
      return { ok: true, plaintext };
    } catch {
      return { ok: false, reason: "invalid" };
    }
  }
}
