/**
 * A local MIOeSIM: the reseller API as documented, backed by a seeded
 * catalog, answering in one of three dialects (dialects.ts), with run-time
 * fault injection. Test and demo infrastructure only.
 */
import { SimServer } from "../shared/server";
import type { MioesimDialect } from "./dialects";
import { registerMioesimRoutes } from "./routes";
import { DEMO_ACCOUNT, MioesimSimState, type MioesimSimOptions } from "./state";

export { CATALOG, DISTRIBUTION_PARTNERS, type SimSku, type SimPackage } from "./catalog";
export { MIOESIM_DIALECTS, parseDialect, alternativeForm, type MioesimDialect } from "./dialects";
export {
  MioesimSimState,
  MAX_ICCIDS_PER_QUERY,
  type MioesimSimOptions,
  type SimAccount,
  type EsimDetailAccess,
  type DpStatus,
  type MioesimForcedFault,
  type PlaceOrderRequest,
} from "./state";

/** The account the simulator always has; the app's env defaults use the same values. */
export const MIOESIM_DEMO_ACCOUNT = DEMO_ACCOUNT;

export interface MioesimSimulator {
  url: string;
  sim: SimServer;
  state: MioesimSimState;
  dialect: MioesimDialect;
  close(): Promise<void>;
}

export interface StartMioesimOptions extends MioesimSimOptions {
  port?: number;
  /**
   * How answers are worded: "friendly" (default, includes the undocumented
   * order look-up getOrderInfo), "strict" (only what the docs name, shaped as
   * their examples) or "alternative" (another form that still fits the docs).
   */
  dialect?: MioesimDialect;
}

export async function startMioesimSimulator(options: StartMioesimOptions = {}): Promise<MioesimSimulator> {
  const dialect = options.dialect ?? "friendly";
  const sim = new SimServer("mioesim");
  const state = new MioesimSimState(options, (fault) => sim.takeForced(fault));
  registerMioesimRoutes(sim, state, dialect);
  const url = await sim.listen(options.port ?? 0);
  state.publicUrl = url;
  return { url, sim, state, dialect, close: () => sim.close() };
}
