/**
 * Who is calling. Resolvers may read the mode and partition; only src/auth sees the caller's token.
 */
export type Caller =
  | {
      mode: "app";
      /** Cache partition: everything app-only callers see is the partner app's view. */
      partition: "app";
      /** Demo mode serves token-less requests app-only; a real app token sets appId. */
      appId?: string;
      partnerTenantId?: string;
    }
  | {
      mode: "agent";
      /** Hash of the agent's token: one agent's cached data or tokens never serve another. */
      partition: string;
      agentId: string;
      partnerTenantId: string;
      userName?: string;
    };
