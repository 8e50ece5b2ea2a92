/**
 * A local MIOeSIM: the reseller API as documented, backed by a seeded
 * catalog, answering in one of three dialects (dialects.ts), with run-time
 * fault injection. Test and demo infrastructure only.
 */
import { dialectSetting, registerDialectControl, type VariantSettings } from "../shared/dialect-control";
import { SimServer } from "../shared/server";
import { parseDialect, type MioesimDialect } from "./dialects";
import { registerMioesimRoutes } from "./routes";
import { DEMO_ACCOUNT, MioesimSimState, type MioesimSimOptions } from "./state";

export { CATALOG, DISTRIBUTION_PARTNERS, type SimSku, type SimPackage } from "./catalog";
export {
  MIOESIM_DIALECTS,
  MIOESIM_BASE_DIALECTS,
  MIOESIM_VARIANT_DIALECTS,
  UNLISTED_CODE,
  UNKNOWN_STATUS,
  parseDialect,
  alternativeForm,
  type MioesimDialect,
  type MioesimVariantDialect,
} from "./dialects";
export type { VariantSettings } from "../shared/dialect-control";
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
  /** The dialect it answers in now. */
  readonly dialect: MioesimDialect;
  /** Switches the dialect (and the variants' settings) at run time; also POST /__sim/dialect. */
  setDialect(dialect: MioesimDialect, settings?: VariantSettings): void;
  close(): Promise<void>;
}

export interface StartMioesimOptions extends MioesimSimOptions {
  port?: number;
  /**
   * How answers are worded: "friendly" (default, includes the undocumented
   * order look-up getOrderInfo), "strict" (only what the docs name, shaped as
   * their examples) or "alternative" (another form that still fits the docs),
   * or a variant: strict but for one loose point (MIOESIM_VARIANT_DIALECTS).
   */
  dialect?: MioesimDialect;
  /** The variants' settings: lateHistoryMs, slowAnswerMs, hugeBodyBytes. */
  variantSettings?: VariantSettings;
}

export async function startMioesimSimulator(options: StartMioesimOptions = {}): Promise<MioesimSimulator> {
  const setting = dialectSetting(options.dialect ?? "friendly", options.variantSettings);
  const sim = new SimServer("mioesim");
  const state = new MioesimSimState(options, (fault) => sim.takeForced(fault));
  registerMioesimRoutes(sim, state, setting);
  registerDialectControl(sim, setting, parseDialect);
  const url = await sim.listen(options.port ?? 0);
  state.publicUrl = url;
  return {
    url,
    sim,
    state,
    get dialect() {
      return setting.current;
    },
    setDialect: (dialect, settings) => void Object.assign(setting, dialectSetting(dialect, settings)),
    close: () => sim.close(),
  };
}
