import { ConfigError, loadSettings } from "../../src/config";

describe("breaker settings", () => {
  it("default to a 10 s window, 5 outcomes, a 50% failure rate and 10 s open", () => {
    const c = loadSettings({});
    expect([c.breakerWindowMs, c.breakerMinVolume, c.breakerFailureRate, c.breakerOpenMs]).toEqual([10_000, 5, 0.5, 10_000]);
  });

  it("refuse a failure rate outside (0, 1] and a zero open time, naming the variable", () => {
    expect(() => loadSettings({ BREAKER_FAILURE_RATE: "0" })).toThrow(new ConfigError("BREAKER_FAILURE_RATE must be above 0 and at most 1, got '0'"));
    expect(() => loadSettings({ BREAKER_FAILURE_RATE: "1.5" })).toThrow(/BREAKER_FAILURE_RATE/);
    expect(() => loadSettings({ BREAKER_OPEN_MS: "0" })).toThrow(/BREAKER_OPEN_MS must be at least 1/);
  });
});
