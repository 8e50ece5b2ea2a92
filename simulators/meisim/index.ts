import { dialectSetting, registerDialectControl, type VariantSettings } from "../shared/dialect-control";
import { SimServer } from "../shared/server";
import { controlRoutes } from "./control-routes";
import { dealerRoutes } from "./dealer-routes";
import { baseDialect, isMeisimDialect, MEISIM_DIALECTS, MEISIM_VIEWS, type MeisimDialect, type MeisimViews } from "./dialects";
import { portalRoutes } from "./portal-routes";
import type { MeisimRateGroup, RateLimit } from "./rate-limits";
import { MeisimRouter } from "./router";
import { MeisimState, type MeisimStateOptions } from "./state";
import { walletRoutes } from "./wallet-routes";

export { MeisimState } from "./state";
export type { Dealer, EsimStateName, OrderRecord, SimEsim, Transaction } from "./state";
export type { Verdict } from "./checks";
export type { MeisimForcedFault } from "./router";
export { MEISIM_DIALECTS, MEISIM_BASE_DIALECTS, isMeisimDialect, type MeisimDialect } from "./dialects";
export { MEISIM_VARIANT_DIALECTS, type MeisimVariantDialect } from "./variants";
export type { VariantSettings } from "../shared/dialect-control";

/** The demo dealer every simulator starts with; the app's demo environment uses the same values. */
export const MEISIM_DEMO_ACCOUNT = {
  dealerKey: "dk_demo_meisim_0001",
  email: "dealer@demo.test",
  password: "demo-dealer-password",
  portalEmail: "portal@demo.test",
  portalPassword: "demo-portal-password",
} as const;

/** The demo wallet's opening balance: $500. */
export const MEISIM_DEMO_BALANCE_CENTS = 500_00;

export interface MeisimSimulatorOptions extends MeisimStateOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Server-side limits per group; defaults to the documented ones, `null` turns a group off. */
  rateLimits?: Partial<Record<MeisimRateGroup, RateLimit | null>>;
  demoBalanceCents?: number;
  /**
   * How the loosely documented answers are worded (see ./dialects):
   * "friendly" (default, the demo's shapes), "strict" (only what the
   * document promises) or "alternative" (the same words in another form).
   */
  dialect?: MeisimDialect;
  /** The variants' settings: lateHistoryMs, slowAnswerMs, hugeBodyBytes. */
  variantSettings?: VariantSettings;
}

export interface MeisimSimulator {
  url: string;
  /** The dialect it answers in now. */
  readonly dialect: MeisimDialect;
  /** Switches the dialect (and the variants' settings) at run time; also POST /__sim/dialect. */
  setDialect(dialect: MeisimDialect, settings?: VariantSettings): void;
  sim: SimServer;
  state: MeisimState;
  close(): Promise<void>;
}

/** Starts a MeiSIM Dealer + Portal API simulator with the demo dealer and portal user. */
export async function startMeisimSimulator(options: MeisimSimulatorOptions = {}): Promise<MeisimSimulator> {
  const state = new MeisimState(options);
  const demo = state.addDealer({
    email: MEISIM_DEMO_ACCOUNT.email,
    company: "Demo Dealer LLC",
    apiKey: MEISIM_DEMO_ACCOUNT.dealerKey,
    password: MEISIM_DEMO_ACCOUNT.password,
    balanceCents: options.demoBalanceCents ?? MEISIM_DEMO_BALANCE_CENTS,
  });
  state.addPortalUser({ email: MEISIM_DEMO_ACCOUNT.portalEmail, password: MEISIM_DEMO_ACCOUNT.portalPassword, dealer: demo });

  const setting = dialectSetting<MeisimDialect>(options.dialect ?? "friendly", options.variantSettings);
  // Each view asks the dialect of the moment, so a switch at run time reaches every route.
  const views = Object.fromEntries(
    (Object.keys(MEISIM_VIEWS.strict) as (keyof MeisimViews)[]).map((name) => [
      name,
      (...args: unknown[]) => (MEISIM_VIEWS[baseDialect(setting.current)][name] as (...a: unknown[]) => unknown)(...args),
    ]),
  ) as unknown as MeisimViews;
  const sim = new SimServer("meisim");
  const router = new MeisimRouter(sim, state, options.rateLimits, setting);
  dealerRoutes(router, state, views);
  walletRoutes(router, state, views);
  portalRoutes(router, state, views);
  controlRoutes(sim, state);
  const url = await sim.listen(options.port ?? 0);
  registerDialectControl(sim, setting, parseMeisimDialect);
  return {
    url,
    get dialect() {
      return setting.current;
    },
    setDialect: (dialect, settings) => void Object.assign(setting, dialectSetting(dialect, settings)),
    sim,
    state,
    close: () => sim.close(),
  };
}

/** The dialect named by MEISIM_SIM_DIALECT; friendly when unset. */
export function parseMeisimDialect(value: string | undefined): MeisimDialect {
  const name = value?.trim() || "friendly";
  if (!isMeisimDialect(name)) throw new Error(`MEISIM_SIM_DIALECT must be one of ${MEISIM_DIALECTS.join(", ")}, got "${value}"`);
  return name;
}
