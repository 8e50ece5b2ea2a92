/** `npm run sim:mioesim -- --port 4010`: the MIOeSIM simulator on its own, for the demo and local development. */
import { log } from "../../lib/log";
import { portFromArgv } from "../shared/server";
import { MIOESIM_DEMO_ACCOUNT, startMioesimSimulator } from "./index";

const simulator = await startMioesimSimulator({ port: portFromArgv(process.argv, 4010) });
log.info("MIOeSIM simulator listening", { url: simulator.url, phone: MIOESIM_DEMO_ACCOUNT.phone });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
