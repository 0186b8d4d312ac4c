import { createHash } from "node:crypto";

/**
 * The billing subgraph's data: a ledger derived from the customer's tenant id, so that every customer
 * of the built-in cloud (the seeded ones and any created later through its control API) has the same
 * account on every run, without a table copied from emulator/data. A real billing subgraph would read
 * its own database here.
 */

export type BillingPlan = "MONTHLY" | "ANNUAL";
export type InvoiceStatus = "OPEN" | "PAID";

export interface Invoice {
  number: string;
  issuedOn: string;
  amount: number;
  status: InvoiceStatus;
}

export interface BillingAccount {
  accountNumber: string;
  plan: BillingPlan;
  currency: string;
  monthlySpend: number;
  openInvoices: number;
  /** Newest first. */
  invoices: readonly Invoice[];
}

/** The ledger keeps a year of monthly invoices per customer. */
export const INVOICE_HISTORY = 12;

/** Currency by region (tenant_region_scope, owned by Partner Graph); a region billing does not know is billed in USD. */
const CURRENCIES: Readonly<Record<string, string>> = { NA: "USD", EU: "EUR", AS: "SGD", OC: "AUD" };

/** The month the ledger describes ("as of"), fixed so amounts and dates do not drift with the wall clock. */
const AS_OF = { year: 2026, month: 11 };

/** Cents, as an amount with two decimals (never a binary fraction like 0.30000000000000004). */
const amountOf = (cents: number) => Math.round(cents) / 100;

function issuedOn(monthsBack: number): string {
  const index = AS_OF.year * 12 + (AS_OF.month - 1) - monthsBack;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}-01`;
}

/** The customer's account: a pure function of its tenant id and region. */
export function billingAccountOf(customerId: string, region: string): BillingAccount {
  const digest = createHash("sha256").update(`billing:${customerId.toLowerCase()}`).digest();
  const spendCents = 20_000 + (digest.readUInt32BE(0) % 500_000);
  // 0, 1 or 2 unpaid invoices: the newest ones.
  const open = digest[4]! % 3;
  const accountNumber = `BA-${customerId.slice(0, 8).toUpperCase()}`;
  const invoices = Array.from({ length: INVOICE_HISTORY }, (_, i) => ({
    number: `${accountNumber}-${issuedOn(i).slice(0, 7).replace("-", "")}`,
    issuedOn: issuedOn(i),
    // Usage varies by month within ±5% of the subscriptions' price.
    amount: amountOf(spendCents * (0.95 + (digest[8 + i]! % 11) / 100)),
    status: (i < open ? "OPEN" : "PAID") as InvoiceStatus,
  }));
  return {
    accountNumber,
    plan: digest[5]! % 2 ? "ANNUAL" : "MONTHLY",
    currency: CURRENCIES[region] ?? "USD",
    monthlySpend: amountOf(spendCents),
    openInvoices: open,
    invoices,
  };
}
