import { randomUUID, type webcrypto } from "node:crypto";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, createLocalJWKSet, type JWK, type JWTPayload, type JWTVerifyGetKey } from "jose";

// @types/node 20 declares no global CryptoKey (lib has no DOM); use node's webcrypto type.
type CryptoKey = webcrypto.CryptoKey;

/**
 * The emulator's token signing key (RS256), published at every tenant's `jwks_uri`.
 * One key serves all tenants, as Entra's common signing keys do.
 */
export class SigningKeys {
  private constructor(
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly keySet: JWTVerifyGetKey,
  ) {}

  static async generate(): Promise<SigningKeys> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const kid = randomUUID().replace(/-/g, "").slice(0, 27);
    const jwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
    return new SigningKeys(kid, privateKey as CryptoKey, jwk, createLocalJWKSet({ keys: [jwk] }));
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** Signs claims as given (iat/nbf/exp must be set by the caller). */
  async sign(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ ...header, alg: "RS256", typ: "JWT", kid: this.kid })
      .sign(this.privateKey);
  }

  /** Verifies signature and time claims; issuer/audience checks are the caller's. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.keySet, { algorithms: ["RS256"] });
    return payload;
  }
}
