import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { CriticalityLevel, diff, type Change } from "@graphql-inspector/core";
import { parse, type GraphQLSchema } from "graphql";
import { buildPartnerGraphSchema, printSdl } from "../src/schema";

/**
 * The breaking-change check of the subgraph schema: the offline equivalent of `rover subgraph check`
 * (without GraphOS's client usage, every breaking change counts). The SDL the code builds is compared,
 * with @graphql-inspector/core's diff, with the baseline: schema/baseline.graphql, the schema as last
 * released, committed and moved on deliberately (`npm run schema:baseline` at a release). A committed
 * baseline is there in any clone, shallow or not, on main as on a branch; a git base is not (on main,
 * the merge-base with main is HEAD itself, and CI clones shallow). `--base <ref>` compares with
 * `schema/subgraph.graphql` at the merge-base with <ref> instead, where history is at hand.
 *
 * A BREAKING change fails unless schema/intended-breaking.json lists it ({ path, type, reason }), a
 * file reviewed with the change itself. An entry that matches nothing fails too, so the list says
 * exactly what the next release breaks. DANGEROUS changes (an enum value added, a default changed) are
 * reported and pass.
 */

export const BASELINE_FILE = "schema/baseline.graphql";
export const INTENDED_FILE = "schema/intended-breaking.json";

/** A breaking change the team has decided to make, as the check reports it (path and type). */
export interface IntendedBreak {
  path: string;
  type: string;
  reason: string;
}

export interface SchemaCheck {
  /** Breaking changes not listed as intended: the check fails on any. */
  unintended: Change[];
  /** Breaking changes listed as intended. */
  intended: Change[];
  /** Entries of the intended list that match no breaking change (stale, or mistyped): the check fails on any. */
  unmatched: IntendedBreak[];
  dangerous: Change[];
  safe: Change[];
}

/** A subgraph SDL as a schema, with the federation parts @apollo/subgraph adds (so a dropped @key shows as an _Entity member removed). */
export function subgraphSchema(sdl: string): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(sdl) });
}

const matches = (c: Change, i: IntendedBreak) => c.path === i.path && c.type === i.type;

/** Compares `current` with `baseline`, both subgraph SDL. */
export async function checkSchema(baseline: string, current: string, intendedBreaks: readonly IntendedBreak[] = []): Promise<SchemaCheck> {
  const changes = await diff(subgraphSchema(baseline), subgraphSchema(current));
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  return {
    unintended: breaking.filter((c) => !intendedBreaks.some((i) => matches(c, i))),
    intended: breaking.filter((c) => intendedBreaks.some((i) => matches(c, i))),
    unmatched: intendedBreaks.filter((i) => !breaking.some((c) => matches(c, i))),
    dangerous: changes.filter((c) => c.criticality.level === CriticalityLevel.Dangerous),
    safe: changes.filter((c) => c.criticality.level === CriticalityLevel.NonBreaking),
  };
}

export const passes = (check: SchemaCheck) => check.unintended.length === 0 && check.unmatched.length === 0;

/** Reads and checks the intended list: an array of { path, type, reason }, each with a reason. */
export function parseIntended(text: string): IntendedBreak[] {
  const list: unknown = JSON.parse(text);
  if (!Array.isArray(list)) throw new Error(`${INTENDED_FILE} must be a JSON array of { "path", "type", "reason" }.`);
  return list.map((e, n) => {
    const { path, type, reason } = (e ?? {}) as Record<string, unknown>;
    if (typeof path !== "string" || typeof type !== "string" || typeof reason !== "string" || !reason.trim())
      throw new Error(`${INTENDED_FILE}[${n}]: needs "path" and "type" as the check reports them, and a "reason".`);
    return { path, type, reason };
  });
}

const line = (c: Change) => `  ${c.type} ${c.path ?? ""}: ${c.message}`;

export function report(check: SchemaCheck, against: string): string {
  const parts = [`Schema compared with ${against}.`];
  if (check.unintended.length)
    parts.push(
      `BREAKING changes (list each in ${INTENDED_FILE} with a reason if intended, or deprecate instead of removing):`,
      ...check.unintended.map((c) => `${line(c)}\n    intended entry: ${JSON.stringify({ path: c.path, type: c.type, reason: "…" })}`),
    );
  if (check.unmatched.length) parts.push(`${INTENDED_FILE} lists changes the schema does not make:`, ...check.unmatched.map((i) => `  ${i.type} ${i.path}`));
  if (check.intended.length) parts.push("Breaking changes marked intended:", ...check.intended.map(line));
  if (check.dangerous.length) parts.push("Dangerous changes (pass; clients may need care):", ...check.dangerous.map(line));
  parts.push(`${check.safe.length} safe change(s).`, passes(check) ? "OK: no unintended breaking change." : "FAILED.");
  return `${parts.join("\n")}\n`;
}

function gitBaseline(repo: string, ref: string): string {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
  const base = git("merge-base", ref, "HEAD").trim();
  return git("show", `${base}:schema/subgraph.graphql`);
}

async function main(): Promise<void> {
  const repo = resolve(__dirname, "../..");
  const file = (f: string) => resolve(repo, f);
  const current = `${printSdl(await buildPartnerGraphSchema()).trim()}\n`;
  if (process.argv.includes("--accept")) {
    // A release: the current schema becomes what clients rely on, and nothing is pending.
    writeFileSync(file(BASELINE_FILE), current);
    writeFileSync(file(INTENDED_FILE), "[]\n");
    process.stdout.write(`wrote ${BASELINE_FILE} and emptied ${INTENDED_FILE}\n`);
    return;
  }
  const at = process.argv.indexOf("--base");
  const ref = at >= 0 ? process.argv[at + 1] : undefined;
  if (at >= 0 && !ref) throw new Error("--base needs a git ref, e.g. --base origin/main");
  const baseline = ref ? gitBaseline(repo, ref) : readFileSync(file(BASELINE_FILE), "utf8");
  const check = await checkSchema(baseline, current, parseIntended(readFileSync(file(INTENDED_FILE), "utf8")));
  process.stdout.write(report(check, ref ? `schema/subgraph.graphql at the merge-base with ${ref}` : BASELINE_FILE));
  if (!passes(check)) process.exit(1);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
