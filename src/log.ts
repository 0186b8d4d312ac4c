import pino from "pino";

/**
 * Structured logs. Authorization headers, cookies, tokens and secrets are redacted wherever they
 * appear, so a careless log line cannot leak a credential.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream) {
  const options = {
    level,
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        "*.authorization",
        "*.accessToken",
        "*.access_token",
        "*.assertion",
        "*.clientSecret",
        "*.token",
      ],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type Logger = ReturnType<typeof createLogger>;

/** An error as a log line may carry it: name and message only (stacks stay out of logs shipped off the machine), tokens scrubbed. */
export function describeError(err: unknown): { name: string; message: string } {
  const scrub = (s: string) => s.replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[token]");
  if (err instanceof Error) return { name: err.name, message: scrub(err.message) };
  return { name: typeof err, message: scrub(String(err)).slice(0, 200) };
}
