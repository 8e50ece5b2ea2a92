/**
 * `npm run sim:mioesim -- --port 4010`: the MIOeSIM simulator on its own, for
 * the demo and local development. MIOESIM_SIM_DIALECT picks how it answers:
 * friendly (default), strict (only what the docs name), alternative, or a
 * variant of strict (MIOESIM_VARIANT_DIALECTS); POST /__sim/dialect switches it.
 */
import { createSimLogger } from "../shared/log";
import { portFromArgv } from "../shared/server";
import { MIOESIM_DEMO_ACCOUNT, parseDialect, startMioesimSimulator } from "./index";

const dialect = parseDialect(process.env.MIOESIM_SIM_DIALECT);
const simulator = await startMioesimSimulator({ port: portFromArgv(process.argv, 4010), dialect });
createSimLogger({ sim: "mioesim" }).info("MIOeSIM simulator listening", { url: simulator.url, phone: MIOESIM_DEMO_ACCOUNT.phone, dialect });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
