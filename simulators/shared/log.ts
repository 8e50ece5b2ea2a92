/**
 * The simulators' own logger: one JSON object per line, like the app's, but
 * written here because the simulators stand outside the app and import
 * nothing from lib/ (a fake that shares the client's code can hide its
 * mistakes). LOG_LEVEL (debug, info, warn, error) sets the threshold.
 */
type Level = "debug" | "info" | "warn" | "error";
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type SimLogFields = Record<string, unknown>;

export interface SimLogger {
  debug(msg: string, fields?: SimLogFields): void;
  info(msg: string, fields?: SimLogFields): void;
  warn(msg: string, fields?: SimLogFields): void;
  error(msg: string, fields?: SimLogFields): void;
  child(bindings: SimLogFields): SimLogger;
}

export function createSimLogger(bindings: SimLogFields = {}): SimLogger {
  const write = (level: Level, msg: string, fields: SimLogFields = {}) => {
    if (RANK[level] < (RANK[process.env.LOG_LEVEL as Level] ?? RANK.info)) return;
    const entry: SimLogFields = { time: new Date().toISOString(), level, msg, ...bindings };
    for (const [key, value] of Object.entries(fields))
      entry[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
    (level === "warn" || level === "error" ? process.stderr : process.stdout).write(JSON.stringify(entry) + "\n");
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (more) => createSimLogger({ ...bindings, ...more }),
  };
}
