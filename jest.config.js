/** Tests run TypeScript through ts-jest; type errors are caught by `npm run typecheck` (run by `npm test`'s pretest). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.jest.json" }] },
  testTimeout: 60000,
};
