import { portFromArgv } from "../shared/server";
import { MEISIM_DEMO_ACCOUNT, startMeisimSimulator } from "./index";

const { url } = await startMeisimSimulator({ port: portFromArgv(process.argv, 4020) });
console.log(`MeiSIM simulator on ${url}`);
console.log(`  dealer key ${MEISIM_DEMO_ACCOUNT.dealerKey} · dealer ${MEISIM_DEMO_ACCOUNT.email} · portal ${MEISIM_DEMO_ACCOUNT.portalEmail}`);
console.log(`  OTP codes: GET ${url}/__sim/otp?email=<email>`);
