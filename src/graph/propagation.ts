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
