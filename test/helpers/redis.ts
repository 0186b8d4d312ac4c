import { randomBytes, randomUUID } from "node:crypto";
import { createServer, Socket, type Server } from "node:net";
import { createClient } from "redis";

/** The Redis the tests share (.ci/run starts it); every test writes under a prefix of its own. */
export const REDIS_URL = "redis://127.0.0.1:6379";

export type TestRedis = ReturnType<typeof createClient>;

/** A plain client for a test to look at what the app wrote (raw values, TTLs), failing clearly without Redis. */
export async function connectTestRedis(): Promise<TestRedis> {
  const redis = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false, connectTimeout: 3000 } });
  await redis.connect().catch((err: Error) => {
    throw new Error(`These tests need Redis at ${REDIS_URL} (.ci/run starts it): ${err.message}`);
  });
  return redis as TestRedis;
}

/** A key prefix no other test (of this run or another helper's, running at the same time) uses. */
export function uniquePrefix(what: string): string {
  return `partner-graph-test:${what}:${randomUUID()}:`;
}

/** A fresh encryption key, as REDIS_ENCRYPTION_KEY takes it (base64 of 32 random bytes). */
export function newEncryptionKey(): string {
  return randomBytes(32).toString("base64");
}

/** Every key under `prefix`. */
export async function keysUnder(redis: TestRedis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(key);
  return keys.sort();
}

/** Deletes every key under `prefix` (afterAll). */
export async function deleteUnder(redis: TestRedis, prefix: string): Promise<void> {
  for (const key of await keysUnder(redis, prefix)) await redis.del(key);
}

/**
 * A TCP proxy in front of the real Redis, so a test can take "Redis" away and bring it back: `cut()`
 * closes the listener and every connection through it (clients see the connection drop, then refused
 * reconnections); `restore()` listens again on the same port.
 */
export interface RedisProxy {
  url: string;
  /** Stops forwarding what clients send (connections stay open; commands get no answer) until `flow()`. */
  stall(): void;
  flow(): void;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedisProxy(target = { host: "127.0.0.1", port: 6379 }): Promise<RedisProxy> {
  const sockets = new Set<Socket>();
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let stalled = false;
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = new Socket();
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        const pair = { client, upstream };
        upstream.connect(target.port, target.host, () => {
          pairs.add(pair);
          if (!stalled) client.pipe(upstream);
          upstream.pipe(client);
        });
        client.on("close", () => pairs.delete(pair));
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    pairs.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return {
    url: `redis://127.0.0.1:${port}`,
    stall() {
      stalled = true;
      for (const { client, upstream } of pairs) client.unpipe(upstream).pause();
    },
    flow() {
      stalled = false;
      for (const { client, upstream } of pairs) client.pipe(upstream);
    },
    cut,
    restore: () => (server ? Promise.resolve() : listen()),
    close: cut,
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed): connections to it are refused. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
