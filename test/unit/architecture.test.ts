/**
 * The import-boundary rules of eslint.config.mjs fire on every arrow the layer picture forbids, and only
 * there: the fixture tree test/fixtures/lint/ mirrors the layout (src/graph, src/auth, …, emulator/,
 * demo/) with one import per forbidden arrow, each marked `// expect: <rule>`, next to the allowed
 * imports, which must lint clean. The README's "How it works" tables are the same rules.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

interface Zone {
  target: string[];
  from: string[];
  message: string;
}
interface PackageRule {
  name: string;
  allowed: string[];
  message: string;
}
interface Message {
  ruleId: string | null;
  line: number;
  message: string;
}
interface Run {
  files: { file: string; messages: Message[] }[];
  boundaries: Zone[];
  packages: PackageRule[];
}

const repo = path.resolve(__dirname, "../..");
const fixtures = path.join(repo, "test/fixtures/lint");
// ESLint loads its ESM config through import(), which jest's module system does not provide: lint in a child.
const run: Run = JSON.parse(execFileSync(process.execPath, [path.join(fixtures, "run.mjs")], { cwd: repo, encoding: "utf8" }));
const source = (file: string) => readFileSync(path.join(fixtures, file), "utf8");

/** `file` is `area` (a .ts file) or under it (a folder). */
const isIn = (file: string, area: string) => (area.endsWith(".ts") ? file === area : file.startsWith(`${area}/`));
/** The fixture module an import of `specifier` in `file` names, without extension. */
const importedFrom = (file: string, specifier: string) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
const names = (imported: string, area: string) => imported === area.replace(/\.ts$/, "") || imported.startsWith(`${area}/`);

function expectations(file: string): string[] {
  return source(file)
    .split("\n")
    .flatMap((text, i) => [...text.matchAll(/\/\/ expect: (\S+)/g)].map((m) => `${i + 1} ${m[1]}`));
}

function walk(dir: string): string[] {
  return readdirSync(path.join(fixtures, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    return e.isDirectory() ? walk(rel) : rel.endsWith(".ts") ? [rel] : [];
  });
}

describe("architecture: the import-boundary rules", () => {
  it("lint every fixture file", () => {
    expect(run.files.map((f) => f.file).sort()).toEqual(walk("").sort());
    expect(run.files.flatMap((f) => f.messages).length).toBeGreaterThan(80);
  });

  it.each(walk(""))("report exactly the marked lines of %s", (file) => {
    const linted = run.files.find((f) => f.file === file);
    expect(linted?.messages.map((m) => `${m.line} ${m.ruleId}`).sort()).toEqual(expectations(file).sort());
  });

  it("fire for every arrow of every boundary, with that boundary's explanation", () => {
    const missing: string[] = [];
    for (const zone of run.boundaries) {
      for (const target of zone.target) {
        for (const from of zone.from) {
          const fired = run.files.some(
            (f) =>
              isIn(f.file, target) &&
              f.messages.some((m) => {
                const specifier = /^Unexpected path "([^"]+)"/.exec(m.message)?.[1];
                return (
                  m.ruleId === "import-x/no-restricted-paths" && m.message.endsWith(zone.message) && !!specifier && names(importedFrom(f.file, specifier), from)
                );
              }),
          );
          if (!fired) missing.push(`${target} → ${from}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("keep each package in the layers allowed to use it", () => {
    const areas = [...new Set(run.packages.flatMap((p) => p.allowed))];
    const areaOf = (file: string) => areas.find((a) => isIn(file, a)) ?? (file.startsWith("src/") ? "src" : undefined);
    const gaps: string[] = [];
    for (const pkg of run.packages) {
      for (const area of [...areas, "src"]) {
        const importing = run.files.filter((f) => areaOf(f.file) === area && source(f.file).includes(`from "${pkg.name}"`));
        const refused = importing.some((f) => f.messages.some((m) => m.ruleId === "no-restricted-imports" && m.message.includes(pkg.message)));
        const allowed = pkg.allowed.includes(area);
        if (importing.length === 0 || refused === allowed)
          gaps.push(`${pkg.name} in ${area}: ${importing.length === 0 ? "no fixture" : allowed ? "refused" : "not refused"}`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it("are the tables of the README's How it works", () => {
    const readme = readFileSync(path.join(repo, "README.md"), "utf8");
    const cell = (p: string) => `\`${p.endsWith(".ts") ? p : `${p}/`}\``;
    for (const zone of run.boundaries) expect(readme).toContain(`| ${zone.target.map(cell).join(", ")} | ${zone.from.map(cell).join(", ")} |`);
    for (const pkg of run.packages) expect(readme).toContain(`| \`${pkg.name}\` | ${pkg.allowed.map(cell).join(", ")} |`);
  });
});
