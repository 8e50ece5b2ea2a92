export { MeisimClient } from "./client";
export { MeisimProvider, bundleToPlan } from "./provider";
export { MEISIM_DEFAULTS, type MeisimClientConfig } from "./config";
export { MEISIM_RATE_LIMITS, type MeisimRateGroup, type RateLimit } from "./sliding-window";
export { parseCsv, toCsv } from "./csv";
export * from "./errors";
export type { MeisimDealer, MeisimOrderRecord } from "./account-api";
export type { MeisimLogin } from "./auth-api";
export type { CheckBatch, CheckResultRow, CheckStatus, PollOptions } from "./batches";
export type { BundleFilter, BundlePage, EsimOrderInput, MeisimBundle, MeisimCountry, MeisimEsimDetails, MeisimEsimOrder } from "./esim-api";
export type { MeisimSku } from "./portal";
export type { MySupplyEsim, MySupplyEsimPage, ReplacementDecision, ReplacementStatus, SupplyEsim, SupplyPurchase } from "./supply-api";
export type { RechargeInput, RechargeResult, TopupConfirmation, TopupNetwork, TopupTarget } from "./topup-api";
export type { ValidationRow, ValidationSubmitted } from "./validator-api";
export type { VerificationSubmitted } from "./verification-api";
export {
  isUsPrepaidProduct,
  type DealerAddress,
  type DealerOrderInput,
  type DealerOrderResult,
  type MeisimWallet,
  type StatementRow,
  type StripeFee,
  type WalletTransaction,
} from "./wallet-api";
