import { afterEach } from "vitest";
import type { Logger } from "@/lib/log";
import { MioesimClient, MioesimProvider, type MioesimConfig } from "@/lib/providers/mioesim";
import {
  MIOESIM_DEMO_ACCOUNT,
  startMioesimSimulator,
  type MioesimDialect,
  type MioesimSimulator,
  type StartMioesimOptions,
} from "@/simulators/mioesim";

/** Keeps expected warnings (lost answers, re-logins) out of the test output. */
export const quietLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quietLogger,
};

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps what it is told, for tests that assert on warnings. */
export function capturingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry["level"]) =>
    (message: string, fields?: Record<string, unknown>): void => {
      entries.push({ level, message, fields });
    };
  const logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: () => logger, entries };
  return logger as Logger & { entries: LogEntry[] };
}

/** The dialects any service honouring the documents may speak; contract suites run against both. */
export const DOCUMENTED_DIALECTS = ["strict", "alternative"] as const satisfies readonly MioesimDialect[];

export interface Fixture extends MioesimSimulator {
  client: MioesimClient;
  provider: MioesimProvider;
  /** How many requests reached this path, e.g. "/api_order/login". */
  calls(path: string): number;
  /** Requests per path since the log was at `since` entries (default: all). */
  callsByPath(since?: number): Record<string, number>;
  /** A client for the same simulator with other settings (another account, other timeouts). */
  newClient(overrides?: Partial<MioesimConfig>): MioesimClient;
  /** The order MIOeSIM holds under our reference, as it would report it (no request made). */
  upstream(otherOrderId: string): ReturnType<MioesimSimulator["state"]["orderInfo"]>;
}

const running: MioesimSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

/** A simulator on a free port and a demo-account client with test-sized timeouts; closed after each test. */
export async function startFixture(
  options: {
    dialect?: MioesimDialect;
    sim?: Omit<StartMioesimOptions, "dialect" | "port">;
    client?: Partial<MioesimConfig>;
    logger?: Logger;
  } = {},
): Promise<Fixture> {
  const simulator = await startMioesimSimulator({ ...options.sim, dialect: options.dialect });
  running.push(simulator);
  const newClient = (overrides: Partial<MioesimConfig> = {}) =>
    new MioesimClient({
      baseUrl: simulator.url,
      phone: MIOESIM_DEMO_ACCOUNT.phone,
      password: MIOESIM_DEMO_ACCOUNT.password,
      secret: MIOESIM_DEMO_ACCOUNT.secret,
      timeoutMs: 2_000,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      logger: options.logger ?? quietLogger,
      ...options.client,
      ...overrides,
    });
  const client = newClient();
  const callsByPath = (since = 0) => {
    const counts: Record<string, number> = {};
    for (const entry of simulator.sim.requestLog.slice(since)) counts[entry.path] = (counts[entry.path] ?? 0) + 1;
    return counts;
  };
  // Onto the simulator itself, so that its live `dialect` stays live.
  return Object.assign(simulator, {
    client,
    provider: new MioesimProvider(client, options.logger ?? quietLogger),
    calls: (path: string) => simulator.sim.requestLog.filter((entry) => entry.path === path).length,
    callsByPath,
    newClient,
    upstream: (otherOrderId: string) => simulator.state.orderInfo(simulator.state.account(MIOESIM_DEMO_ACCOUNT.phone)!, { otherOrderId }),
  });
}

export const JAPAN = { skuId: 26, oneGb: 261, threeGb: 262, nonRefundable: 264, trial: 265, dayPass: 266 } as const;

/** Our line-item references for an order: "<otherOrderId>-1", "-2", … */
export function itemIdsFor(otherOrderId: string, count = 1): string[] {
  return Array.from({ length: count }, (_, i) => `${otherOrderId}-${i + 1}`);
}

/**
 * A fetch that loses the first request to `endpoint`, for faults aimed at
 * one path: "before sending" fails like a refused connection (nothing left
 * the machine); "reset" drops the connection with no telling whether the
 * request got there; "after processing" lets MIOeSIM act but never delivers
 * the answer, so the client times out.
 */
export function losingFirstRequestTo(endpoint: string, when: "before sending" | "reset" | "after processing"): typeof fetch {
  let armed = true;
  return async (input, init) => {
    const target = armed && String(input).split("?")[0]!.endsWith(`/${endpoint}`);
    if (target) armed = false;
    if (target && when === "before sending") {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
      });
    }
    if (target && when === "reset")
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
    const response = await fetch(input, init);
    if (!target) return response;
    return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
  };
}
