import { portFromArgv } from "../shared/server";
import { MEISIM_DEMO_ACCOUNT, parseMeisimDialect, startMeisimSimulator } from "./index";

// MEISIM_SIM_DIALECT: how loosely documented answers are worded (friendly, strict, alternative) or a variant of strict.
const { url, dialect } = await startMeisimSimulator({
  port: portFromArgv(process.argv, 4020),
  dialect: parseMeisimDialect(process.env.MEISIM_SIM_DIALECT),
});
console.log(`MeiSIM simulator on ${url} (${dialect} dialect)`);
console.log(
  `  dealer key ${MEISIM_DEMO_ACCOUNT.dealerKey} · dealer ${MEISIM_DEMO_ACCOUNT.email} · portal ${MEISIM_DEMO_ACCOUNT.portalEmail}`,
);
console.log(`  OTP codes: GET ${url}/__sim/otp?email=<email>`);
