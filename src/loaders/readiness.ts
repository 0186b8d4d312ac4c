/**
 * Microsoft's schedule for a new customer (CSP docs, "Calling Microsoft Graph immediately after customer
 * creation"): the partner relationship takes up to 3 minutes to reach the tenant; wait 3 minutes after
 * creation, then retry every 60 seconds, acquiring a new token each time.
 */
export const PROPAGATION_SECONDS = 180;
export const RETRY_STEP_SECONDS = 60;
/** How long after creation a denial is still read as "not propagated yet" rather than "denied". */
export const NEW_CUSTOMER_HORIZON_SECONDS = PROPAGATION_SECONDS + 10 * RETRY_STEP_SECONDS;

export function isNewCustomer(createdAtMs: number | undefined, now: number): boolean {
  return createdAtMs !== undefined && now - createdAtMs < NEW_CUSTOMER_HORIZON_SECONDS * 1000;
}

/** Seconds until the next attempt worth making: the end of the 3 minutes, then 60 s steps. */
export function nextCheckInSeconds(createdAtMs: number, now: number): number {
  const untilWindowEnd = Math.ceil((createdAtMs + PROPAGATION_SECONDS * 1000 - now) / 1000);
  return untilWindowEnd > 0 ? untilWindowEnd : RETRY_STEP_SECONDS;
}

/**
 * When the denials of a tenant began, per caller partition, for customers whose creation time nothing
 * tells (a DAP-only customer has no GDAP relationship to date it). Microsoft's schedule then runs from
 * the first denial seen: a retry 3 minutes later, then 60 s steps, each with a new token. A tenant
 * denying for longer than the horizon is denied, not propagating; an episode with no denial for that
 * long is over, and the next denial starts a new one. One per process; bounded.
 */
export class DenialEpisodes {
  private readonly episodes = new Map<string, { since: number; last: number }>();

  constructor(private readonly maxEntries = 20_000) {}

  /** Records a denial now; returns when its episode began. */
  record(partition: string, tenantId: string, now: number): number {
    const key = `${partition}|${tenantId.toLowerCase()}`;
    const seen = this.episodes.get(key);
    if (seen && now - seen.last < NEW_CUSTOMER_HORIZON_SECONDS * 1000) {
      seen.last = now;
      return seen.since;
    }
    this.episodes.delete(key);
    // Map order is insertion order: dropping the first entry drops the oldest episode.
    if (this.episodes.size >= this.maxEntries) this.episodes.delete(this.episodes.keys().next().value!);
    this.episodes.set(key, { since: now, last: now });
    return now;
  }
}
