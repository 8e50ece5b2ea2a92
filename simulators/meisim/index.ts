import type { MeisimRateGroup, RateLimit } from "../../lib/providers/meisim/sliding-window";
import { SimServer } from "../shared/server";
import { controlRoutes } from "./control-routes";
import { dealerRoutes } from "./dealer-routes";
import { portalRoutes } from "./portal-routes";
import { MeisimRouter } from "./router";
import { MeisimState, type MeisimStateOptions } from "./state";
import { walletRoutes } from "./wallet-routes";

export { MeisimState } from "./state";
export type { Dealer, EsimStateName, OrderRecord, SimEsim, Transaction } from "./state";
export type { Verdict } from "./checks";
export type { MeisimForcedFault } from "./router";

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
}

export interface MeisimSimulator {
  url: string;
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

  const sim = new SimServer("meisim");
  const router = new MeisimRouter(sim, state, options.rateLimits);
  dealerRoutes(router, state);
  walletRoutes(router, state);
  portalRoutes(router, state);
  controlRoutes(sim, state);
  const url = await sim.listen(options.port ?? 0);
  return { url, sim, state, close: () => sim.close() };
}
