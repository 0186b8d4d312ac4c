import { randomUUID, type webcrypto } from "node:crypto";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, createLocalJWKSet, type JWK, type JWTPayload, type JWTVerifyGetKey } from "jose";

// @types/node 20 declares no global CryptoKey (lib has no DOM); use node's webcrypto type.
type CryptoKey = webcrypto.CryptoKey;

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * The emulator's token signing key (RS256), published at every tenant's `jwks_uri`.
 * One key serves all tenants, as Entra's common signing keys do. `rotate()` retires the key at once
 * (Entra's emergency rollover): tokens it signed are refused everywhere from then on, which is how a
 * token that a relying party still trusts from its cached key set fails on-behalf-of (AADSTS50013).
 */
export class SigningKeys {
  private keySetOf: JWTVerifyGetKey;

  private constructor(private current: KeyPair) {
    this.keySetOf = createLocalJWKSet({ keys: [current.publicJwk] });
  }

  static async generate(): Promise<SigningKeys> {
    return new SigningKeys(await newKeyPair());
  }

  get kid(): string {
    return this.current.kid;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.current.publicJwk] };
  }

  /** The published key set, for verifying with a clock of one's own (jwtVerify's currentDate). */
  keySet(): JWTVerifyGetKey {
    return this.keySetOf;
  }

  /** Replaces the signing key; the old one is no longer published nor accepted. */
  async rotate(): Promise<void> {
    this.current = await newKeyPair();
    this.keySetOf = createLocalJWKSet({ keys: [this.current.publicJwk] });
  }

  /** Signs claims as given (iat/nbf/exp must be set by the caller). */
  async sign(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ ...header, alg: "RS256", typ: "JWT", kid: this.current.kid }).sign(this.current.privateKey);
  }

  /** Verifies signature and time claims; issuer/audience checks are the caller's. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.keySetOf, { algorithms: ["RS256"] });
    return payload;
  }
}

async function newKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = randomUUID().replace(/-/g, "").slice(0, 27);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
  return { kid, privateKey: privateKey as CryptoKey, publicJwk };
}
