import "server-only";
export { MeisimClient } from "./client";
export { MeisimProvider, MEISIM_MAX_QUANTITY } from "./provider";
export { bundleToPlan, destinationOf, fetchCatalog, type MeisimCatalog } from "./catalog";
export { MEISIM_DEFAULTS, type MeisimClientConfig } from "./config";
export { MEISIM_RATE_LIMITS, type MeisimRateGroup, type RateLimit } from "./sliding-window";
export { parseCsv, toCsv } from "./csv";
export { lpaFromQrCode, qrImageUrlAllowed, QrCodeUnreadableError, type QrCodeForm, type QrImageSource } from "./qr-code";
export * from "./errors";
export { ORDER_HISTORY_WINDOW, type MeisimDealer, type MeisimOrderRecord } from "./account-api";
export type { MeisimLogin } from "./auth-api";
export type { CheckBatch, CheckResultRow, CheckStatus, PollOptions } from "./batches";
export {
  BUNDLE_PAGE_MAX,
  MAX_BUNDLE_PAGES,
  type BundleFilter,
  type BundlePage,
  type BundleWalk,
  type EsimOrderInput,
  type MeisimBundle,
  type MeisimCountry,
  type MeisimEsimDetails,
  type MeisimEsimOrder,
} from "./esim-api";
export * as meisimNormalise from "./normalise";
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
  type ReplacementResult,
  type MeisimWallet,
  type StatementRow,
  type StripeFee,
  type WalletTransaction,
} from "./wallet-api";
