/**
 * Who is calling. Resolvers may read the mode and partition; only src/auth sees the caller's token.
 */
export type Caller =
  | {
      mode: "app";
      /**
       * Cache partition: app-only callers see the partner apps' view of the regions they reach, so
       * callers reaching the same regions share it (`app` in demo mode: every region; `app:EU+NA`).
       */
      partition: string;
      /** Demo mode serves token-less requests app-only; a real app token sets appId. */
      appId?: string;
      partnerTenantId?: string;
      /** Regions whose customers this caller reaches (upper case); undefined in demo mode: all. */
      regions?: string[];
    }
  | {
      mode: "agent";
      /** Hash of the agent's token: one agent's cached data or tokens never serve another. */
      partition: string;
      agentId: string;
      partnerTenantId: string;
      userName?: string;
    };
