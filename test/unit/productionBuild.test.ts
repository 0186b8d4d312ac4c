import { builtinModules } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(__dirname, "../..");
const SRC = join(ROOT, "src");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier a file names: static imports and re-exports, `import()`, `require()`, type imports. */
function specifiersOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((f) => f.fileName);
}

const packageOf = (specifier: string) => (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
const imports = sourceFiles(SRC).flatMap((file) => specifiersOf(file).map((specifier) => ({ file: relative(ROOT, file), specifier })));

describe("the production build (tsconfig.build.json, src/main.ts)", () => {
  it("compiles src/ only: the demo, the built-in cloud, scripts and tests are other targets", () => {
    const build = JSON.parse(readFileSync(join(ROOT, "tsconfig.build.json"), "utf8")) as { include: string[]; files?: string[] };
    expect(build.include).toEqual(["src"]);
    expect(build.files).toBeUndefined();
  });

  it("never imports outside src/ (no emulator/, demo/, scripts/, test/, bench/), not even dynamically", () => {
    expect(imports.length).toBeGreaterThan(100);
    const outside = imports
      .filter(({ specifier }) => specifier.startsWith("."))
      .map(({ file, specifier }) => ({ file, target: relative(ROOT, resolve(ROOT, dirname(file), specifier)) }))
      .filter(({ target }) => target !== "src" && !target.startsWith("src/"));
    expect(outside).toEqual([]);
  });

  it("imports only runtime dependencies (never a dev dependency such as the emulator's selfsigned)", () => {
    const packages = imports.map(({ file, specifier }) => ({ file, specifier })).filter(({ specifier }) => !specifier.startsWith("."));
    const unknown = packages.filter(({ specifier }) => {
      const name = packageOf(specifier);
      return !specifier.startsWith("node:") && !builtinModules.includes(name) && !(name in pkg.dependencies);
    });
    expect(unknown).toEqual([]);
    expect(Object.keys(pkg.dependencies)).not.toContain("selfsigned");
  });
});
