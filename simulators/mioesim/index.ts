/**
 * A local MIOeSIM: the reseller API as documented, backed by a seeded
 * catalog, with run-time fault injection. Test and demo infrastructure only.
 */
import { SimServer } from "../shared/server";
import { registerMioesimRoutes } from "./routes";
import { DEMO_ACCOUNT, MioesimSimState, type MioesimSimOptions } from "./state";

export { CATALOG, DISTRIBUTION_PARTNERS, type SimSku, type SimPackage } from "./catalog";
export { MioesimSimState, MAX_ICCIDS_PER_QUERY, type MioesimSimOptions, type SimAccount, type EsimDetailAccess, type DpStatus, type MioesimForcedFault } from "./state";

/** The account the simulator always has; the app's env defaults use the same values. */
export const MIOESIM_DEMO_ACCOUNT = DEMO_ACCOUNT;

export interface MioesimSimulator {
  url: string;
  sim: SimServer;
  state: MioesimSimState;
  close(): Promise<void>;
}

export async function startMioesimSimulator(options: MioesimSimOptions & { port?: number } = {}): Promise<MioesimSimulator> {
  const sim = new SimServer("mioesim");
  const state = new MioesimSimState(options, (fault) => sim.takeForced(fault));
  registerMioesimRoutes(sim, state);
  const url = await sim.listen(options.port ?? 0);
  state.publicUrl = url;
  return { url, sim, state, close: () => sim.close() };
}
