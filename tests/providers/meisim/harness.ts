import { afterEach, beforeEach } from "vitest";
import type { Logger } from "@/lib/log";
import { MeisimClient, type MeisimClientConfig } from "@/lib/providers/meisim";
import { MEISIM_DEMO_ACCOUNT, startMeisimSimulator, type MeisimSimulator, type MeisimSimulatorOptions } from "@/simulators/meisim";

export const DEMO = MEISIM_DEMO_ACCOUNT;

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/** A client tuned for tests: short timeouts, fast retries, demo credentials. */
export function clientFor(url: string, overrides: Partial<MeisimClientConfig> = {}): MeisimClient {
  return new MeisimClient({
    baseUrl: url,
    dealerKey: DEMO.dealerKey,
    portalEmail: DEMO.portalEmail,
    portalPassword: DEMO.portalPassword,
    timeoutMs: 1_000,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    rateLimitRetry: { attempts: 3, maxWaitMs: 2_000 },
    orderRecovery: { lookups: 2, intervalMs: 10 },
    logger: silentLogger,
    ...overrides,
  });
}

/** A fresh simulator for every test of the file; read it inside tests. */
export function useSimulator(options: MeisimSimulatorOptions = {}): { readonly current: MeisimSimulator } {
  const holder = {} as { current: MeisimSimulator };
  beforeEach(async () => {
    holder.current = await startMeisimSimulator(options);
  });
  afterEach(async () => {
    await holder.current.close();
  });
  return holder;
}

/** How many requests the simulator saw for `method path`. */
export function calls(sim: MeisimSimulator, method: string, path: string): number {
  return sim.sim.requestLog.filter((r) => r.method === method && r.path === path).length;
}

/** A dealer with its own wallet, for tests that need a small balance or a fresh account. */
export function addDealer(sim: MeisimSimulator, balanceCents: number, extra: { password?: string | null; status?: "approved" | "suspended" } = {}) {
  const n = sim.state.dealers.length + 1;
  return sim.state.addDealer({ email: `dealer${n}@test.example`, company: `Dealer ${n}`, balanceCents, ...extra });
}

/** A fetch that lets `rewrite` alter a response body, for shape-validation tests. */
export function rewritingFetch(match: string, rewrite: (text: string) => string): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!String(input).includes(match)) return res;
    return new Response(rewrite(await res.text()), { status: res.status, headers: res.headers });
  };
}

/** A fetch that arms a simulator fault just before the first request to `path`, so it hits that request only. */
export function faultOn(sim: MeisimSimulator, path: string, fault: "hangAfterProcessing" | "http500"): typeof fetch {
  let armed = false;
  return (input, init) => {
    if (!armed && new URL(String(input)).pathname === path) {
      armed = true;
      sim.sim.faults[fault] = 1;
    }
    return fetch(input, init);
  };
}
