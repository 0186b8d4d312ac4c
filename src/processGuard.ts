import { describeError, type Logger } from "./log";

/**
 * Keeps one defect from taking every caller down: a promise rejected with no handler is logged as a
 * defect (name and message, tokens scrubbed) and the process goes on serving. Node's default is to
 * exit on it, which is what an `_entities` call with an unknown type did. Uncaught exceptions keep
 * Node's default (exit): after a synchronous throw escaped, the process state is not known to be sound.
 * Returns the remover (an app in a test process takes its guard away on close). Idempotent.
 */
export function guardProcess(log: Logger): () => void {
  loggers.push(log);
  if (loggers.length === 1) process.on("unhandledRejection", onRejection);
  return () => {
    const at = loggers.indexOf(log);
    if (at < 0) return;
    loggers.splice(at, 1);
    if (loggers.length === 0) process.off("unhandledRejection", onRejection);
  };
}

/** One listener however many guards (the entry point and its app): the latest logger reports. */
const loggers: Logger[] = [];

function onRejection(reason: unknown): void {
  loggers[loggers.length - 1]?.error(
    { defect: "unhandledRejection", err: describeError(reason) },
    "defect: a promise was rejected with no handler; the process goes on",
  );
}
