import { createHash } from "node:crypto";
import type { createClient } from "redis";
import { describeError, type Logger } from "../log";

type RedisClient = ReturnType<typeof createClient>;

export interface SharedRedisOptions {
  url: string;
  /** Every key of this deployment starts with it (REDIS_KEY_PREFIX). */
  prefix: string;
  /** Bound on one command; past it, that call uses memory instead (REDIS_TIMEOUT_MS). */
  timeoutMs: number;
  log: Logger;
}

/** A Lua script run by its SHA-1 (EVALSHA), sent whole (EVAL) only when Redis does not know it yet. */
export class LuaScript {
  readonly sha1: string;

  constructor(readonly source: string) {
    this.sha1 = createHash("sha1").update(source).digest("hex");
  }
}

/**
 * The one connection to Redis, for what replicas share (the budget, Graph's Retry-After holds, the
 * token cache). Redis is safe to lose: every use names what to do without it, and `orElse` runs that
 * instead whenever Redis is not connected, a command fails or takes longer than `timeoutMs`. Commands
 * are never queued while disconnected (they would hold operations until it is back); the client
 * reconnects by itself, and the next command after that goes to Redis again. One log line when Redis
 * goes, one when it is back; not one per call.
 */
export class SharedRedis {
  private degraded = false;
  private fallbacks = 0;
  /** Messages of Redis' error replies already logged: each once, so a persistent one (OOM, READONLY) is not a line per call. */
  private readonly refusals = new Set<string>();

  private constructor(
    private readonly client: RedisClient,
    readonly prefix: string,
    private readonly timeoutMs: number,
    private readonly log: Logger,
    /** Whether an error is Redis' own error reply (it answered, and refused), not a lost or slow connection. */
    private readonly isReply: (err: unknown) => boolean,
  ) {}

  /**
   * Connects, waiting for the first outcome (connected, or the first failure) at most `timeoutMs` ×
   * 4: a Redis down at start leaves the service serving from memory, never waiting for Redis.
   */
  static async connect(options: SharedRedisOptions): Promise<SharedRedis> {
    // Loaded only when REDIS_URL is set: a process without Redis never loads the client.
    const { createClient, ErrorReply } = await import("redis");
    const client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: Math.max(1_000, options.timeoutMs * 4), reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
    }) as RedisClient;
    const shared = new SharedRedis(client, options.prefix, options.timeoutMs, options.log, (err) => err instanceof ErrorReply);
    // Without an error listener a dropped connection would crash the process; each failed reconnection emits one.
    client.on("error", (err: unknown) => shared.lost(err));
    client.on("ready", () => shared.back());
    const firstOutcome = new Promise<void>((resolve) => {
      client.once("ready", resolve);
      client.once("error", resolve);
    });
    // Resolves once connected; while Redis is away it keeps reconnecting in the background.
    client.connect().catch((err: unknown) => shared.lost(err));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([firstOutcome, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(1_000, options.timeoutMs * 4))))]);
    clearTimeout(timer);
    if (!client.isReady) shared.lost(new Error("not connected yet"));
    return shared;
  }

  /** `{prefix}{part}:{part}…`: every key of this deployment. */
  key(...parts: string[]): string {
    return this.prefix + parts.join(":");
  }

  /** Runs `op` on Redis, or `fallback` when Redis is not connected, fails or is too slow: never throws for Redis. */
  async orElse<T>(op: (client: RedisClient) => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (!this.client.isReady) {
      this.fallbacks++;
      return fallback();
    }
    try {
      const value = await this.bounded(op(this.client));
      this.back();
      return value;
    } catch (err) {
      if (this.isReply(err)) this.refused(err as Error);
      else this.lost(err);
      this.fallbacks++;
      return fallback();
    }
  }

  /** Runs a script by its SHA-1, sending its source only when this Redis has not seen it (NOSCRIPT: a restart, a flush, a failover). */
  async script(client: RedisClient, script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await client.evalSha(script.sha1, { keys, arguments: args });
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return client.eval(script.source, { keys, arguments: args });
    }
  }

  /** Whether Redis is in use now, and how many calls used memory instead so far (for metrics and diagnostics). */
  state(): { available: boolean; fallbacks: number } {
    return { available: this.client.isReady && !this.degraded, fallbacks: this.fallbacks };
  }

  async close(): Promise<void> {
    try {
      if (this.client.isReady) await this.client.quit();
      else if (this.client.isOpen) await this.client.disconnect();
    } catch {
      // Already closed, or the connection went away while closing: nothing is left to close.
    }
  }

  private bounded<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    // A late answer (or failure) of the command itself must not become an unhandled rejection.
    p.catch(() => undefined);
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  private lost(err: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log.warn(
      { err: describeError(err) },
      "Redis unavailable: the budget, Graph's Retry-After holds and the token cache use this process's memory until it is back",
    );
  }

  /** Redis answered with an error (out of memory, a read-only replica, a defect of ours): this call used memory; the connection is fine. */
  private refused(err: Error): void {
    const message = describeError(err).message.slice(0, 200);
    if (this.refusals.has(message) || this.refusals.size >= 20) return;
    this.refusals.add(message);
    this.log.error({ err: { name: "ErrorReply", message } }, "Redis refused a command: that call used this process's memory instead");
  }

  private back(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.log.info({ fallbacks: this.fallbacks }, "Redis back: the budget, Retry-After holds and the token cache are shared again");
  }
}
