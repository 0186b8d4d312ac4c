import { createHash } from "node:crypto";

/** MSAL's renewal offset: a token within 5 minutes of expiry is not handed out. */
const RENEWAL_OFFSET_MS = 5 * 60_000;
const MAX_ENTRIES = 20_000;

/**
 * Our own cache of on-behalf-of tokens, keyed by (hash of the agent's assertion, tenant).
 *
 * Why not MSAL's: msal-node 7.2.3 looks OBO tokens up by client id, scopes and assertion hash only —
 * not by tenant (OnBehalfOfClient.readAccessTokenFromCacheForOBO). One agent's token for tenant A
 * would then be served for tenant B. Measured here: an agent's partner-tenant token came back for its
 * customers. So OBO calls skip MSAL's cache and this one, partitioned by tenant, answers instead.
 */
export class OboTokenCache {
  private readonly entries = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  static key(assertion: string, tenantId: string): string {
    return `${createHash("sha256").update(assertion).digest("base64url")}|${tenantId.toLowerCase()}`;
  }

  get(key: string): string | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt - RENEWAL_OFFSET_MS <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.token;
  }

  set(key: string, token: string, expiresOn: Date | null): void {
    if (!expiresOn) return;
    // Map order is insertion order: dropping the first entry drops the oldest.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { token, expiresAt: expiresOn.getTime() });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
