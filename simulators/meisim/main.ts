import { portFromArgv } from "../shared/server";
import { isMeisimDialect, MEISIM_DEMO_ACCOUNT, MEISIM_DIALECTS, startMeisimSimulator } from "./index";

// MEISIM_SIM_DIALECT: how loosely documented answers are worded (friendly, strict, alternative).
const wanted = process.env.MEISIM_SIM_DIALECT?.trim() || "friendly";
if (!isMeisimDialect(wanted)) throw new Error(`MEISIM_SIM_DIALECT must be one of ${MEISIM_DIALECTS.join(", ")}, got "${wanted}"`);

const { url, dialect } = await startMeisimSimulator({ port: portFromArgv(process.argv, 4020), dialect: wanted });
console.log(`MeiSIM simulator on ${url} (${dialect} dialect)`);
console.log(
  `  dealer key ${MEISIM_DEMO_ACCOUNT.dealerKey} · dealer ${MEISIM_DEMO_ACCOUNT.email} · portal ${MEISIM_DEMO_ACCOUNT.portalEmail}`,
);
console.log(`  OTP codes: GET ${url}/__sim/otp?email=<email>`);
