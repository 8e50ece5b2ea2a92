/**
 * The run-time dialect switch both provider simulators serve (never
 * faulted): `POST /__sim/dialect {"dialect": "late-history", "lateHistoryMs": 5000}`
 * switches, `GET /__sim/dialect` reads. Settings left out return to their
 * defaults, so one switch says everything the next requests will meet.
 */
import type { SimServer } from "./server";
import { DEFAULT_WIRE_FAULT_OPTIONS, type WireFaultOptions } from "./wire-faults";

export interface DialectSetting<D extends string> extends WireFaultOptions {
  current: D;
  /** late-history: how long after it is made an order stays out of the provider's history. */
  lateHistoryMs: number;
}

export type VariantSettings = Partial<Omit<DialectSetting<string>, "current">>;

const SETTING_NAMES = ["lateHistoryMs", "slowAnswerMs", "hugeBodyBytes"] as const;

export function dialectSetting<D extends string>(dialect: D, settings: VariantSettings = {}): DialectSetting<D> {
  for (const name of SETTING_NAMES) {
    const value = settings[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) throw new Error(`${name} must be a whole number ≥ 0`);
  }
  return { current: dialect, lateHistoryMs: 2_000, ...DEFAULT_WIRE_FAULT_OPTIONS, ...settings };
}

/** Registers the switch; `parse` throws on an unknown dialect name. */
export function registerDialectControl<D extends string>(
  sim: SimServer,
  setting: DialectSetting<D>,
  parse: (name: string | undefined) => D,
): void {
  sim.route("POST", "/__sim/dialect", (req) => {
    const { dialect, ...settings } = req.body as { dialect?: string } & VariantSettings;
    try {
      Object.assign(setting, dialectSetting(parse(dialect), settings));
    } catch (err) {
      return { status: 400, body: { error: "Invalid request", message: (err as Error).message } };
    }
    return { body: { ...setting } };
  });
  sim.route("GET", "/__sim/dialect", () => ({ body: { ...setting } }));
}
