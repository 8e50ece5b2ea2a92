import { afterEach, beforeEach } from "vitest";
import type { Logger } from "@/lib/log";
import { MeisimClient, type MeisimClientConfig } from "@/lib/providers/meisim";
import {
  MEISIM_DEMO_ACCOUNT,
  startMeisimSimulator,
  type MeisimDialect,
  type MeisimSimulator,
  type MeisimSimulatorOptions,
} from "@/simulators/meisim";

export const DEMO = MEISIM_DEMO_ACCOUNT;

/** The dialects every contract suite runs against: only what the document promises, and the same words in another form. */
export const CONTRACT_DIALECTS: readonly MeisimDialect[] = ["strict", "alternative"];
/** All three, for suites that hold in the demo's friendly shapes too. */
export const ALL_DIALECTS: readonly MeisimDialect[] = ["friendly", "strict", "alternative"];

/** A logger that keeps what was logged, for tests that assert a warning. */
export function recordingLogger(): Logger & { entries: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const entries: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void entries.push({ level, msg, fields });
  const logger = { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: () => logger };
  return logger;
}

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
    // Generous: on two loaded cores a 2,000-row batch can take over a second. Timeout tests set their own.
    timeoutMs: 10_000,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    rateLimitRetry: { attempts: 3, maxWaitMs: 2_000 },
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
export function addDealer(
  sim: MeisimSimulator,
  balanceCents: number,
  extra: { password?: string | null; status?: "approved" | "suspended" } = {},
) {
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

/** A fetch that arms a simulator fault just before the `nth` request (default the first) to `path`, so it hits that request only. */
export function faultOn(sim: MeisimSimulator, path: string, fault: "hangAfterProcessing" | "http500", nth = 1): typeof fetch {
  let seen = 0;
  return (input, init) => {
    if (new URL(String(input)).pathname === path && ++seen === nth) sim.sim.faults[fault] = 1;
    return fetch(input, init);
  };
}

/** A fetch whose answers to `path` are replaced by `answer` (the request still reaches the simulator first). */
export function answeringFetch(path: string, answer: (original: string) => { status?: number; body: string }): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (new URL(String(input)).pathname !== path) return res;
    const out = answer(await res.text());
    return new Response(out.body, { status: out.status ?? res.status, headers: { "content-type": "application/json" } });
  };
}

/** A fetch that never reaches a server: each request to a path in `routes` gets its canned JSON answer, for reading-only tests. */
export function cannedFetch(
  routes: Record<string, (body: Record<string, unknown>) => unknown>,
): typeof fetch & { requests: { path: string; body: Record<string, unknown> }[] } {
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    const body = typeof init?.body === "string" && init.body ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    requests.push({ path, body });
    const route = routes[path];
    if (!route) return new Response(JSON.stringify({ error: "Not found", message: path }), { status: 404 });
    const out = route(body);
    return new Response(out === undefined ? "" : JSON.stringify(out), {
      status: out === undefined ? 204 : 200,
      headers: { "content-type": "application/json" },
    });
  };
  return Object.assign(impl as typeof fetch, { requests });
}
