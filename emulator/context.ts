import type { Counters } from "./counters";
import type { FaultInjector } from "./faults";
import type { SigningKeys } from "./identity/keys";
import type { World } from "./world";

export interface EmulatorSettings {
  /** Seconds a new customer's partner relationship takes to propagate (Microsoft: up to 180). */
  propagationSeconds: number;
  /** Throttling after Graph's documented limits; on by default. */
  throttling: boolean;
  /** Multiplies every documented throttling limit (tests lower it to provoke 429s quickly). */
  throttleScale: number;
  /** "enforce": a $batch of more than 20 items is a 400, as Graph does; "lenient" serves it. */
  batchLimit: "enforce" | "lenient";
  /** Lifetime of issued access tokens in seconds (Entra: about 3,599). */
  tokenLifetimeSeconds: number;
  /**
   * Version of the access tokens issued for this API (the partner-managed apps' App ID URIs): 1, as
   * Entra does while the manifest's accessTokenAcceptedVersion is unset (the default), or 2.
   */
  apiTokenVersion: 1 | 2;
  /**
   * "documented" (the default when absent): only the $filter operators Microsoft documents per
   * resource and property are served, others are Graph's 400; "lenient" also serves the ones Graph is
   * observed to accept (e.g. Intune `in`, ranges).
   */
  filterSupport?: "documented" | "lenient";
}

/** Everything a handler may use: the world, keys, counters, faults and settings. */
export interface EmulatorContext {
  world: World;
  keys: SigningKeys;
  counters: Counters;
  faults: FaultInjector;
  settings: EmulatorSettings;
  /** https://127.0.0.1:PORT, no trailing slash. Login authority host and Graph host alike. */
  baseUrl: string;
  now(): number;
}
