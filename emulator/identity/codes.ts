import { createHash, randomBytes } from "node:crypto";
import type { EmulatorContext } from "../context";

/** Authorization codes live about 10 minutes (docs/graph-facts.md §7). */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  /** Id of the tenant the authorize request named (for common/organizations: the agent's home). */
  tenantId: string;
  agentId: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: "S256" | "plain";
  expiresAt: number;
  redeemed: boolean;
}

// Codes belong to one emulator instance; a WeakMap keeps them off the shared context contract.
const stores = new WeakMap<EmulatorContext, Map<string, CodeGrant>>();

function store(ctx: EmulatorContext): Map<string, CodeGrant> {
  let s = stores.get(ctx);
  if (!s) {
    s = new Map();
    stores.set(ctx, s);
  }
  return s;
}

export function issueCode(ctx: EmulatorContext, grant: Omit<CodeGrant, "expiresAt" | "redeemed">): string {
  const s = store(ctx);
  const now = ctx.now();
  // Drop long-dead codes so a long demo does not accumulate them; redeemed ones are kept until
  // then so a replay still answers "already redeemed" (AADSTS54005).
  for (const [k, v] of s) if (v.expiresAt + CODE_LIFETIME_MS < now) s.delete(k);
  const code = `1.${randomBytes(32).toString("base64url")}`;
  s.set(code, { ...grant, expiresAt: now + CODE_LIFETIME_MS, redeemed: false });
  return code;
}

export function findCode(ctx: EmulatorContext, code: string): CodeGrant | undefined {
  return store(ctx).get(code);
}

/** RFC 7636 §4.6: S256 compares BASE64URL(SHA256(verifier)); plain compares the verifier itself. */
export function pkceMatches(grant: CodeGrant, verifier: string | null): boolean {
  if (!grant.codeChallenge) return true;
  if (!verifier) return false;
  const computed = grant.codeChallengeMethod === "plain" ? verifier : createHash("sha256").update(verifier).digest("base64url");
  return computed === grant.codeChallenge;
}
