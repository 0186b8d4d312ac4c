import { InFlightLimits } from "../../../src/graph/resilience";

/** Lets every pending promise callback and immediate run, so "still pending" means "would hang". */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Tracks how many tasks run at once, overall and per tenant. */
function meter() {
  const now = new Map<string, number>();
  const most = new Map<string, number>();
  let running = 0;
  let mostRunning = 0;
  return {
    task(tenant: string, gate: Promise<void>) {
      return async () => {
        running++;
        mostRunning = Math.max(mostRunning, running);
        now.set(tenant, (now.get(tenant) ?? 0) + 1);
        most.set(tenant, Math.max(most.get(tenant) ?? 0, now.get(tenant)!));
        await gate;
        running--;
        now.set(tenant, now.get(tenant)! - 1);
        return tenant;
      };
    },
    get running() {
      return running;
    },
    get mostRunning() {
      return mostRunning;
    },
    most: (tenant: string) => most.get(tenant) ?? 0,
  };
}

describe("InFlightLimits", () => {
  it("never runs more than the global cap, nor more than a tenant's cap of one tenant", async () => {
    const limits = new InFlightLimits(3, 2);
    const m = meter();
    const gate = deferred();
    const all = ["a", "a", "a", "b", "b", "c", "c", "c"].map((t) => limits.run(t, m.task(t, gate.promise)));
    await settle();
    expect(m.running).toBe(3);
    gate.resolve();
    expect(await Promise.all(all)).toHaveLength(8);
    expect(m.mostRunning).toBe(3);
    for (const t of ["a", "b", "c"]) expect(m.most(t)).toBeLessThanOrEqual(2);
  });

  it("rejects 1,000 cancelled queued tasks wherever they wait, and leaks no slot: later work runs at full width", async () => {
    const limits = new InFlightLimits(3, 2);
    const m = meter();
    const hold = deferred();
    // Three tasks hold every global slot (a: 2, its tenant cap; b: 1).
    const holders = [limits.run("a", m.task("a", hold.promise)), limits.run("a", m.task("a", hold.promise)), limits.run("b", m.task("b", hold.promise))];
    await settle();
    expect(m.running).toBe(3);

    // 1,000 queued tasks: on a's full tenant queue, on the global queue (b, c, …), sharing a few signals.
    const controllers = Array.from({ length: 10 }, () => new AbortController());
    const outcomes: Array<"pending" | "ran" | "rejected"> = [];
    const queued = Array.from({ length: 1000 }, (_, i) => {
      const tenant = ["a", "b", "c", `t${i % 7}`][i % 4]!;
      outcomes[i] = "pending";
      return limits.run(tenant, m.task(tenant, Promise.resolve()), controllers[i % 10]!.signal).then(
        () => void (outcomes[i] = "ran"),
        () => void (outcomes[i] = "rejected"),
      );
    });
    await settle();
    expect(outcomes.filter((o) => o !== "pending")).toHaveLength(0);

    // Cancelled in an order unrelated to their queue positions (the middle, the tail, then the head).
    for (const k of [5, 9, 0, 3, 7, 1, 8, 2, 6, 4]) controllers[k]!.abort();
    await settle();
    expect(outcomes.filter((o) => o === "rejected")).toHaveLength(1000);
    await Promise.all(queued);

    hold.resolve();
    await Promise.all(holders);
    expect(m.running).toBe(0);

    // Every slot came back: three tasks of three tenants start at once, a fourth waits its turn, and all finish.
    const gate = deferred();
    const later = ["a", "b", "c", "d"].map((t) => limits.run(t, m.task(t, gate.promise)));
    await settle();
    expect(m.running).toBe(3);
    gate.resolve();
    expect(await Promise.all(later)).toEqual(["a", "b", "c", "d"]);
    // And a tenant's own slots came back too: two of a at once.
    const gate2 = deferred();
    const twoOfA = [limits.run("a", m.task("a", gate2.promise)), limits.run("a", m.task("a", gate2.promise))];
    await settle();
    expect(m.running).toBe(2);
    gate2.resolve();
    await Promise.all(twoOfA);
  });

  it("refuses at once a task whose signal is already aborted, taking no slot", async () => {
    const limits = new InFlightLimits(1, 1);
    const c = new AbortController();
    c.abort();
    let ran = false;
    await expect(limits.run("a", async () => void (ran = true), c.signal)).rejects.toBeDefined();
    expect(ran).toBe(false);
    expect(await limits.run("a", async () => "ok")).toBe("ok");
  });

  it("keeps a tenant's slot free for others while that tenant waits for a global slot", async () => {
    const limits = new InFlightLimits(1, 1);
    const m = meter();
    const hold = deferred();
    const holder = limits.run("a", m.task("a", hold.promise));
    const c = new AbortController();
    const waiting = limits.run("b", m.task("b", Promise.resolve()), c.signal).catch(() => "cancelled");
    await settle();
    c.abort();
    expect(await waiting).toBe("cancelled");
    hold.resolve();
    await holder;
    expect(await limits.run("b", m.task("b", Promise.resolve()))).toBe("b");
  });
});
