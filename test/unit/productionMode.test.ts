import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(__dirname, "../..");
const importsOf = (file: string) => ts.preProcessFile(readFileSync(resolve(ROOT, file), "utf8"), true, true).importedFiles.map((f) => f.fileName);

describe("production semantics (NODE_ENV)", () => {
  it("are set by the production entry's first import, before anything can load graphql-js; the bench's servers do the same", () => {
    expect(importsOf("src/main.ts")[0]).toBe("./productionMode");
    expect(importsOf("bench/serverProcess.ts")[0]).toBe("../src/productionMode");
    expect(importsOf("src/productionMode.ts")).toEqual([]);
  });

  it("default NODE_ENV to production and leave one the deployment set", async () => {
    const before = process.env.NODE_ENV;
    try {
      delete process.env.NODE_ENV;
      await jest.isolateModulesAsync(async () => void (await import("../../src/productionMode")));
      expect(process.env.NODE_ENV).toBe("production");
      process.env.NODE_ENV = "staging";
      await jest.isolateModulesAsync(async () => void (await import("../../src/productionMode")));
      expect(process.env.NODE_ENV).toBe("staging");
    } finally {
      process.env.NODE_ENV = before;
    }
  });
});
