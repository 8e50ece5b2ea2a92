import "server-only";
import { ConfigError, parseEnv } from "./env";

/** A bad setting stops the process with a one-line reason instead of a stack trace. */
export function exitOnInvalidConfig(): void {
  try {
    parseEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
