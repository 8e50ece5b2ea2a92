import { afterEach } from "vitest";
import type { Logger } from "@/lib/log";
import { MioesimClient, MioesimProvider, type MioesimConfig } from "@/lib/providers/mioesim";
import { MIOESIM_DEMO_ACCOUNT, startMioesimSimulator, type MioesimSimOptions, type MioesimSimulator } from "@/simulators/mioesim";

/** Keeps expected warnings (lost answers, re-logins) out of the test output. */
export const quietLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quietLogger,
};

export interface Fixture extends MioesimSimulator {
  client: MioesimClient;
  provider: MioesimProvider;
  /** How many requests reached this path, e.g. "/api_order/login". */
  calls(path: string): number;
  /** A client for the same simulator with other settings (another account, other timeouts). */
  newClient(overrides?: Partial<MioesimConfig>): MioesimClient;
}

const running: MioesimSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

/** A simulator on a free port and a demo-account client with test-sized timeouts; closed after each test. */
export async function startFixture(options: { sim?: MioesimSimOptions; client?: Partial<MioesimConfig> } = {}): Promise<Fixture> {
  const simulator = await startMioesimSimulator(options.sim);
  running.push(simulator);
  const newClient = (overrides: Partial<MioesimConfig> = {}) =>
    new MioesimClient({
      baseUrl: simulator.url,
      phone: MIOESIM_DEMO_ACCOUNT.phone,
      password: MIOESIM_DEMO_ACCOUNT.password,
      secret: MIOESIM_DEMO_ACCOUNT.secret,
      timeoutMs: 2_000,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      recoveryDelayMs: 0,
      logger: quietLogger,
      ...options.client,
      ...overrides,
    });
  const client = newClient();
  return {
    ...simulator,
    client,
    provider: new MioesimProvider(client, quietLogger),
    calls: (path) => simulator.sim.requestLog.filter((entry) => entry.path === path).length,
    newClient,
  };
}

export const JAPAN = { skuId: 26, oneGb: 261, threeGb: 262, nonRefundable: 264, trial: 265, dayPass: 266 } as const;

/**
 * A fetch that loses the first request to `endpoint`, for faults the
 * simulator cannot aim at one path: "before sending" fails like a reset
 * connection; "after processing" lets MIOeSIM act but never delivers the
 * answer, so the client times out.
 */
export function losingFirstRequestTo(endpoint: string, when: "before sending" | "after processing"): typeof fetch {
  let armed = true;
  return async (input, init) => {
    const target = armed && String(input).split("?")[0]!.endsWith(`/${endpoint}`);
    if (target) armed = false;
    if (target && when === "before sending") throw new TypeError("fetch failed: socket hang up");
    const response = await fetch(input, init);
    if (!target) return response;
    return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
  };
}
