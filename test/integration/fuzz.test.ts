import fc from "fast-check";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "graphql";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { Agent, fetch } from "undici";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { fuzzRequestArbitrary, toHttpRequest, type FuzzPools, type FuzzRequest, type HttpRequest } from "../helpers/fuzzDocuments";
import { startSubgraphProcess, type SubgraphProcess } from "../helpers/subgraphProcess";

/**
 * Property-based fuzzing of the running subgraph over HTTP (issue 10): documents and variables
 * generated from the schema, `_entities` representations of random shapes and raw garbage, sent to
 * a subgraph process in demo mode (no token) and one in production mode (a real agent or app token,
 * or a garbage Authorization header). For every request:
 *   - the process is alive and answers /health afterwards (no crash, no wedge);
 *   - no HTTP 5xx, and an answer at all (no connection reset);
 *   - a JSON GraphQL response whose every error has an `extensions.code` from ALLOWED_CODES;
 *   - no stack trace, file path or `stacktrace` extension in the body.
 *
 * Seeded (FUZZ_SEED overrides the fixed default) and bounded (FUZZ_RUNS, default 2,000). All runs are
 * made first and every violation is grouped by signature; each distinct one is then shrunk by
 * fast-check (replaying its run by path) to a small reproducer, and the test fails listing them all.
 */

/**
 * The codes a client may see. Ours (src/errors.ts ErrorCode) except INTERNAL_SERVER_ERROR, which
 * is a defect by definition here, and the request-level codes Apollo Server emits for malformed
 * requests (src/formatError.ts passes exactly these): parse and validation failures, bad HTTP
 * requests (CSRF, content type, missing query), persisted queries and operation selection.
 */
const ALLOWED_CODES = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "CUSTOMER_NOT_READY",
  "ROLE_MISSING",
  "CONSENT_MISSING",
  "REGION_NOT_SERVED",
  "THROTTLED",
  "UPSTREAM_UNAVAILABLE",
  "TIMEOUT",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

const SEED = Number(process.env.FUZZ_SEED ?? 424242);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/** A request unanswered after this long is reported as a hang (the operation deadline is 25 s). */
const ANSWER_WITHIN_MS = 30_000;
/** Property evaluations spent shrinking each distinct failure (crashes restart a process each time). */
const SHRINK_BUDGET = 40;
const SHRINK_BUDGET_CRASH = 12;
/** Wall time for all shrinking together; failures found after it are reported as first seen. */
const SHRINK_TIME_MS = Number(process.env.FUZZ_SHRINK_SECONDS ?? 90) * 1000;
/** Wall time for the runs themselves (generous: on the fixed code 2,000 runs take far less). */
const RUN_TIME_MS = Number(process.env.FUZZ_RUN_SECONDS ?? 240) * 1000;

type Target = "demo" | "agent" | "app" | "anonymous";
interface FuzzCase {
  target: Target;
  request: FuzzRequest;
}

interface Outcome {
  /** Distinct kinds of violation this request showed (empty: it behaved). */
  signatures: string[];
  status?: number;
  answer: string;
  logged: string[];
}

describe("fuzzing the subgraph over HTTP: generated documents, variables, representations and garbage", () => {
  let emulator: RunningEmulator;
  let demo: SubgraphProcess;
  let production: SubgraphProcess;
  let tokens: Record<"agent" | "app", string>;
  let arbitrary: fc.Arbitrary<FuzzCase>;

  beforeAll(async () => {
    emulator = await startEmulator({ settings: { throttling: false } });
    [demo, production] = await Promise.all([startSubgraphProcess({ mode: "demo" }), startSubgraphProcess({ mode: "production", emulator })]);
    const emulatorAgent = new Agent({ connect: { ca: emulator.caCert } });
    try {
      const agent = await fetch(`${emulator.url}/_emulator/agents/token`, {
        method: "POST",
        dispatcher: emulatorAgent,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ agent: "admin@fabrikampartnersna.onmicrosoft.com" }),
      });
      const na = emulator.partnerConfig().partnerTenants.find((p) => p.region === "NA")!;
      const app = await fetch(`${emulator.url}/${na.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        dispatcher: emulatorAgent,
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: na.app.clientId,
          client_secret: na.app.clientSecret,
          scope: `api://${na.app.clientId}/.default`,
        }),
      });
      tokens = { agent: ((await agent.json()) as any).access_token, app: ((await app.json()) as any).access_token };
    } finally {
      await emulatorAgent.close();
    }
    // The demo process's own cloud: no throttling either, so runs do not wait on Retry-After.
    await fetch(`${demo.emulator!.url}/_emulator/settings`, {
      method: "PUT",
      dispatcher: demo.emulator!.dispatcher,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ throttling: false }),
    });

    const pools = await poolsFrom(production, tokens.agent);
    const schema = buildSubgraphSchema({ typeDefs: parse(readFileSync(resolve(__dirname, "../../schema/subgraph.graphql"), "utf8")) });
    arbitrary = fc.record({
      // Production mode mostly: a crashed demo process restarts its whole built-in cloud, which is slow.
      target: fc.oneof(
        { weight: 5, arbitrary: fc.constant<Target>("demo") },
        { weight: 8, arbitrary: fc.constant<Target>("agent") },
        { weight: 5, arbitrary: fc.constant<Target>("app") },
        { weight: 1, arbitrary: fc.constant<Target>("anonymous") },
      ),
      request: fuzzRequestArbitrary(schema, pools),
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([demo?.stop(), production?.stop()]);
    await emulator?.close();
  });

  /** Sends one case and checks every property; restarts a process that died. */
  async function run(c: FuzzCase): Promise<Outcome> {
    const proc = c.target === "demo" ? demo : production;
    if (!proc.alive()) await proc.restart();
    const http = toHttpRequest(c.request);
    if (c.target === "agent" || c.target === "app") http.headers.authorization ??= `Bearer ${tokens[c.target]}`;
    const mark = proc.output().length;
    const signatures = new Set<string>();
    let status: number | undefined;
    let answer = "";
    let unanswered: string | undefined;
    try {
      // One retry on a network error: an idle keep-alive socket the server closed just as it was
      // reused is the client's race, not the server's answer. A reset that repeats is reported.
      const res = await send(proc.graphqlUrl, http).catch(async (err) => {
        if (!proc.alive()) throw err;
        return send(proc.graphqlUrl, http);
      });
      status = res.status;
      answer = res.text;
      for (const s of violationsOf(res.status, res.text, res.contentType)) signatures.add(s);
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      unanswered = `no answer: ${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ""}`;
    }
    // After the answer: still alive, still answering (a rejection left behind kills it a moment later).
    const healthy = await health(proc.healthUrl);
    // A process that stopped answering may be on its way out: give its exit a moment to be seen.
    for (let i = 0; (!healthy || unanswered) && proc.alive() && i < 20; i++) await new Promise((r) => setTimeout(r, 100));
    if (!proc.alive()) signatures.add(`process died ${unanswered ? "while" : "after"} answering (${crashCause(proc.lastExit())})`);
    else if (unanswered) signatures.add(unanswered);
    else if (!healthy) signatures.add("/health unanswered after the request");
    // The masked error's cause is logged a moment after the answer; wait for it (pipes lag).
    for (
      let i = 0;
      signatures.size &&
      [...signatures].some((x) => x.includes("INTERNAL_SERVER_ERROR")) &&
      !proc
        .output()
        .slice(mark)
        .some((l) => maskedCause(l)) &&
      i < 10;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const logged = proc.output().slice(mark);
    // A masked error names its cause only in the log; it tells distinct defects apart.
    const causes = logged.map(maskedCause).filter((x): x is string => !!x);
    const out = [...signatures].map((s) => (s.includes("INTERNAL_SERVER_ERROR") && causes.length ? `${s} (logged: ${[...new Set(causes)].join("; ")})` : s));
    // Grouped by request kind and violation, not by mode: one defect seen in demo and production mode is one.
    return { signatures: out.map((s) => `${c.request.kind}: ${s}`), status, answer: answer.slice(0, 600), logged: logged.slice(-12) };
  }

  it(`answers ${RUNS} generated requests (seed ${SEED}) without a crash, a 5xx, an unknown or internal error code, or a stack trace`, async () => {
    const failures = new Map<string, { index: number; outcome: Outcome; count: number }>();
    let index = 0;
    let withData = 0;
    let reachedResolvers = 0;
    const messages = new Map<string, number>();
    const started = Date.now();
    const slowest: Array<[number, string]> = [];
    await fc.assert(
      fc.asyncProperty(arbitrary, async (c) => {
        const i = index++;
        const t0 = Date.now();
        const outcome = await run(c);
        if (process.env.FUZZ_DEBUG)
          slowest.push([Date.now() - t0, `${c.target}/${c.request.kind}${outcome.signatures.some((x) => x.includes("died")) ? " (crash)" : ""}`]);
        if (outcome.answer.includes('"data":{')) withData += 1;
        if (process.env.FUZZ_DEBUG) {
          const m = /"message":"((?:[^"\\]|\\.){0,70})/.exec(outcome.answer)?.[1]?.replace(/"[^"]*"|\d+/g, "_") ?? outcome.answer.slice(0, 40);
          messages.set(m, (messages.get(m) ?? 0) + 1);
        }
        if (/"path":\[/.test(outcome.answer) || outcome.answer.includes('"data":{')) reachedResolvers += 1;
        for (const s of outcome.signatures) {
          const known = failures.get(s);
          if (known) known.count += 1;
          else failures.set(s, { index: i, outcome, count: 1 });
        }
        return true; // every run is made; violations are judged together below
      }),
      // Bounded: past the budget the run stops and fails below, listing what it found so far.
      { seed: SEED, numRuns: RUNS, timeout: ANSWER_WITHIN_MS + 10_000, plugins: [fc.interruptAfterTimeLimit(RUN_TIME_MS)] },
    );
    if (process.env.FUZZ_DEBUG)
      console.log(
        `${index} runs in ${Math.round((Date.now() - started) / 1000)} s; slowest: ${slowest
          .sort((a, b) => b[0] - a[0])
          .slice(0, 8)
          .map(([ms, what]) => `${ms} ms ${what}`)
          .join(" | ")}`,
      );
    if (process.env.FUZZ_DEBUG)
      console.log(
        [...messages]
          .sort((a, b) => b[1] - a[1])
          .map(([m, n]) => `${n} ${m}`)
          .join("\n"),
      );
    // Not a vacuous run: many requests were executed, not only refused at parse or validation.
    const interrupted = index < RUNS ? `only ${index} of ${RUNS} runs within ${RUN_TIME_MS / 1000} s (each crash costs a restart); ` : "";
    // Judged with the violations, so that a thin run never hides what it found.
    const thin =
      withData <= index / 10 || reachedResolvers <= index / 5
        ? `a thin run: ${withData} answers with data and ${reachedResolvers} reaching resolvers of ${index}; `
        : "";

    const reports: string[] = [];
    const shrinkUntil = Date.now() + SHRINK_TIME_MS;
    for (const [signature, first] of failures) {
      const minimal =
        Date.now() < shrinkUntil
          ? await shrink(signature, first.index)
          : { case: fc.sample(arbitrary, { seed: SEED, path: String(first.index), numRuns: 1 })[0]!, outcome: first.outcome, shrunk: false };
      reports.push(
        [
          `● ${signature}  (${first.count} of ${RUNS} runs; first at run ${first.index}, path "${first.index}")`,
          `  reproducer (${minimal.shrunk ? "shrunk" : "not shrunk"}), target ${minimal.case.target}:`,
          indent(describeRequest(toHttpRequest(minimal.case.request)), 4),
          `  answered: ${minimal.outcome.status ?? "-"} ${minimal.outcome.answer}`,
          ...(minimal.outcome.logged.length ? ["  logged:", indent(minimal.outcome.logged.join("\n").slice(0, 800), 4)] : []),
        ].join("\n"),
      );
    }
    if ((interrupted || thin) && !reports.length) throw new Error(`${interrupted}${thin}`);
    if (reports.length)
      throw new Error(`${interrupted}${thin}${failures.size} distinct violations (seed ${SEED}; rerun with FUZZ_SEED=${SEED}):\n\n${reports.join("\n\n")}`);
  }, 900_000);

  /** fast-check's shrinking, replaying the failing run by its path, on "shows this same signature". */
  async function shrink(signature: string, index: number): Promise<{ case: FuzzCase; outcome: Outcome; shrunk: boolean }> {
    let evaluations = 0;
    const budget = signature.includes("died") ? SHRINK_BUDGET_CRASH : SHRINK_BUDGET;
    let last: { case: FuzzCase; outcome: Outcome } | undefined;
    const details = await fc.check(
      fc.asyncProperty(arbitrary, async (c) => {
        if (evaluations++ >= budget) return true;
        const outcome = await run(c);
        const reproduced = outcome.signatures.includes(signature);
        if (reproduced) last = { case: c, outcome };
        return !reproduced;
      }),
      { seed: SEED, path: String(index), timeout: ANSWER_WITHIN_MS + 10_000 },
    );
    if (details.failed && last) return { ...last, shrunk: evaluations > 1 };
    // Not reproduced alone (e.g. a crash that a preceding request caused): report the original run.
    const original = fc.sample(arbitrary, { seed: SEED, path: String(index), numRuns: 1 })[0]!;
    return { case: original, outcome: last?.outcome ?? { signatures: [], answer: "(not reproduced when replayed alone)", logged: [] }, shrunk: false };
  }
});

/** Real ids and cursors from the seeded world, so generated lookups and pages reach Graph. */
async function poolsFrom(proc: SubgraphProcess, token: string): Promise<FuzzPools> {
  const res = await send(proc.graphqlUrl, {
    method: "POST",
    search: "",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `{ customers(first: 3) { pageInfo { endCursor } nodes { id defaultDomainName
        users(first: 2) { pageInfo { endCursor } nodes { id userPrincipalName } }
        groups(first: 2) { pageInfo { endCursor } nodes { id } }
        devices(first: 2) { pageInfo { endCursor } nodes { id deviceId } }
        managedDevices(first: 2) { pageInfo { endCursor } nodes { id } } } } }`,
    }),
  });
  const text = res.text;
  const ids = [...new Set([...text.matchAll(/"(?:id|deviceId|userPrincipalName)":"([^"]+)"/g)].map((m) => m[1]!))];
  const cursors = [...new Set([...text.matchAll(/"endCursor":"([^"]+)"/g)].map((m) => m[1]!))];
  if (ids.length < 5 || cursors.length < 2) throw new Error(`could not learn ids and cursors from the seeded world: ${text.slice(0, 300)}`);
  const tenantIds = ((JSON.parse(text).data?.customers?.nodes ?? []) as Array<{ id: string }>).map((n) => n.id);
  return { tenantIds, ids, cursors };
}

async function send(graphqlUrl: string, r: HttpRequest): Promise<{ status: number; text: string; contentType: string }> {
  const res = await fetch(`${graphqlUrl}${r.search}`, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  return { status: res.status, text: await res.text(), contentType: res.headers.get("content-type") ?? "" };
}

async function health(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(10_000) })).ok;
  } catch {
    return false;
  }
}

/** The properties of one answer, as signatures: stable words, no ids, so that alike failures group. */
function violationsOf(status: number, text: string, contentType: string): string[] {
  const out: string[] = [];
  if (status >= 500) out.push(`HTTP ${status}`);
  if (/"stacktrace"|\n\s+at |\bat [\w$.<>]+ \(|node_modules|\/src\/|\.ts:\d+/.test(text)) out.push("stack trace or source path in the body");
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    out.push(`HTTP ${status} answer is not JSON (${contentType || "no content-type"}${text ? "" : ", empty"})`);
    return out;
  }
  if (!body || typeof body !== "object" || (!("data" in body) && !Array.isArray(body.errors))) {
    out.push(`HTTP ${status} answer is not a GraphQL response`);
    return out;
  }
  for (const e of Array.isArray(body.errors) ? body.errors : []) {
    const code = e?.extensions?.code;
    // By field, not by response key: generated aliases (users123) must not split one defect in many.
    const where = Array.isArray(e?.path)
      ? ` at ${e.path
          .filter((p: unknown) => typeof p === "string")
          .map((p: string) => p.replace(/\d+$/, ""))
          .join(".")}`
      : "";
    if (typeof code !== "string") out.push(`error without extensions.code${where}`);
    else if (code === "INTERNAL_SERVER_ERROR") out.push(`INTERNAL_SERVER_ERROR${where} (HTTP ${status})`);
    else if (!ALLOWED_CODES.has(code)) out.push(`code ${code} outside the vocabulary`);
  }
  return out;
}

/** From a pino line "unexpected error, masked for the client": the error's name and message, ids blurred. */
function maskedCause(line: string): string | undefined {
  if (!line.includes("masked for the client") && !line.includes("request failed")) return undefined;
  try {
    const entry = JSON.parse(line);
    const err = entry.err ?? {};
    const message = String(err.message ?? entry.msg ?? "")
      .replace(/"[^"]*"/g, '"…"')
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, "<id>")
      .replace(/\d+/g, "N");
    return `${err.name ?? ""}: ${message.slice(0, 100)}`;
  } catch {
    return undefined;
  }
}

function describeRequest(r: HttpRequest): string {
  const shown = (k: string, v: string) =>
    k !== "authorization"
      ? v
      : /^Bearer eyJ/.test(v) && v.length > 200
        ? "Bearer <the target's real token>"
        : v.length > 80
          ? `${v.slice(0, 40)}… (${v.length} chars)`
          : v;
  const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${shown(k, v)}`);
  const body = r.body && r.body.length > 2000 ? `${r.body.slice(0, 200)}… (${r.body.length} bytes)` : r.body;
  return [`${r.method} /graphql${r.search}`, ...headers, ...(body !== undefined ? [body] : [])].join("\n");
}

/** "exit code 1: URIError: URI malformed": how the process ended and the error it printed, values blurred. */
function crashCause(exit: string | undefined): string {
  const [how, ...stderr] = (exit ?? "").split("\n");
  // The last error line: the tail may still hold an earlier crash of the same process.
  const error = stderr
    .map((l) => l.replace(/^stderr: /, ""))
    .reverse()
    .find((l) => /^[A-Za-z]*Error\b[^:]*: /.test(l));
  return error ? `${how}: ${error.replace(/"[^"]*"|'[^']*'/g, '"…"').slice(0, 100)}` : how!;
}
const indent = (s: string, n: number) =>
  s
    .split("\n")
    .map((l) => " ".repeat(n) + l)
    .join("\n");
