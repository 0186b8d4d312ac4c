import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { GraphQLError, parse } from "graphql";
import { repoFile } from "../paths";
import { QUIET } from "../quietLogger";
import { billingAccountOf, INVOICE_HISTORY, type BillingAccount } from "./ledger";

/** The billing subgraph's SDL, committed beside it and composed by supergraph/compose.ts. */
export const BILLING_SDL_FILE = "supergraph/billing/billing.graphql";

/** A Customer representation as the gateway (or a router) sends it: the key and the @requires fields. */
interface CustomerRepresentation {
  id: string;
  region: string;
}

const resolvers = {
  Customer: {
    // No lookup: the ledger has an account for every tenant id (supergraph/billing/ledger.ts).
    __resolveReference: (ref: CustomerRepresentation) => ref,
    billing: (customer: CustomerRepresentation) => billingAccountOf(customer.id, customer.region),
  },
  BillingAccount: {
    invoices(account: BillingAccount, { last }: { last: number }) {
      if (!Number.isInteger(last) || last < 1 || last > INVOICE_HISTORY) {
        throw new GraphQLError(`last must be 1 to ${INVOICE_HISTORY}.`, { extensions: { code: "BAD_USER_INPUT", argument: "last" } });
      }
      return account.invoices.slice(0, last);
    },
  },
};

export interface RunningSubgraph {
  /** http://127.0.0.1:PORT/graphql */
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves the billing subgraph on 127.0.0.1:`port` (0: any free port). It trusts whoever reaches it
 * (loopback only): it answers for the customers it is asked about by key. It has no root field, so
 * through the gateway a caller reaches the billing of only the customers Partner Graph resolved for
 * that caller. A production billing subgraph would validate the forwarded token as well.
 */
export async function startBillingSubgraph(port: number): Promise<RunningSubgraph> {
  const schema = buildSubgraphSchema({ typeDefs: parse(readFileSync(repoFile(BILLING_SDL_FILE), "utf8")), resolvers: resolvers as never });
  // Apollo Server installs inline tracing for a subgraph schema: an ftv1 trace when the gateway or router
  // asks (apollo-federation-include-trace). The process that embeds it owns its shutdown: Apollo's own
  // signal handlers (stop, then re-raise the signal) would race the host's (src/serve.ts) and keep it alive.
  const server = new ApolloServer({ schema, includeStacktraceInErrorResponses: false, stopOnTerminationSignals: false, logger: QUIET });
  const { url } = await startStandaloneServer(server, { listen: { port, host: "127.0.0.1" } });
  return { url: new URL("/graphql", url).href, stop: () => server.stop() };
}
