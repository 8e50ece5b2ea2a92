/**
 * Structured logger: one JSON object per line on stdout/stderr, so logs can be
 * grepped by field and shipped to any collector without a parsing step.
 */
type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

function threshold(): number {
  // Read directly, not through lib/config/env: the simulators and the launcher log
  // before (or without) the app's full configuration, and a log level is no secret.
  const wanted = (process.env.LOG_LEVEL ?? "info") as Level;
  return order[wanted] ?? order.info;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...(value as object) };
  }
  return value;
}

export function createLogger(bindings: LogFields = {}): Logger {
  const write = (level: Level, msg: string, fields?: LogFields) => {
    if (order[level] < threshold()) return;
    const entry: LogFields = { time: new Date().toISOString(), level, msg, ...bindings };
    for (const [k, v] of Object.entries(fields ?? {})) entry[k] = serialise(v);
    const line = JSON.stringify(entry) + "\n";
    if (level === "error" || level === "warn") process.stderr.write(line);
    else process.stdout.write(line);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (more) => createLogger({ ...bindings, ...more }),
  };
}

export const log = createLogger();
