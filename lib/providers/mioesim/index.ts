import "server-only";
import { MioesimProvider } from "./adapter";
import { MioesimClient, type MioesimConfig } from "./client";

export {
  MioesimClient,
  MIOESIM_ICCID_BATCH_SIZE,
  type MioesimConfig,
  type AddEsimOrderInput,
  type RefundOrderInput,
  type MioesimRefund,
  type OrderLookup,
} from "./client";
export { MioesimProvider, MIOESIM_MAX_QUANTITY, parsePlanRef, physicalPlans, planRefOf, orderStatusOf } from "./adapter";
export { signParams } from "./sign";
export { premarkAllowsCancellation } from "./read";
export * from "./errors";
export type {
  MioesimSku,
  MioesimSkuGroup,
  MioesimPackage,
  MioesimSkuPackages,
  MioesimCard,
  MioesimOrder,
  MioesimOrderStatus,
  MioesimCardStatus,
  MioesimHistoryRecord,
} from "./read";

/** The storefront's MIOeSIM provider, from the settings the app's env module reads. */
export function createMioesimProvider(config: MioesimConfig): MioesimProvider {
  return new MioesimProvider(new MioesimClient(config));
}
