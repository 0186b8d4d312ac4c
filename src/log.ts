import pino from "pino";

/**
 * Structured logs. Authorization headers, cookies, tokens and secrets are redacted wherever they
 * appear, so a careless log line cannot leak a credential.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream) {
  const options = {
    level,
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "*.authorization", "*.accessToken", "*.access_token", "*.assertion", "*.clientSecret", "*.token"],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type Logger = ReturnType<typeof createLogger>;
