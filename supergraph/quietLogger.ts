/** For Apollo Server and the gateway in this tool: their warnings and errors, not their start-up notes ("Enabling inline tracing…"). */
export const QUIET = {
  debug: () => {},
  info: () => {},
  warn: (...message: unknown[]) => console.warn(...message),
  error: (...message: unknown[]) => console.error(...message),
};
