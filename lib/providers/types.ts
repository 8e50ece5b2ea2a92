/**
 * The contract every upstream eSIM provider implements. The storefront only
 * ever talks to `EsimProvider`; which wholesaler is behind it is an admin
 * concern. Provider-only features (MeiSIM's dealer wallet, MIOeSIM's physical
 * SIMs…) stay on each provider's own client, reachable from the admin area.
 *
 * Money crossing this boundary is always integer minor units + ISO currency.
 */

export type ProviderId = "mioesim" | "meisim";

export interface Money {
  /** Integer minor units (cents). Never a float. */
  amountMinor: number;
  /** ISO 4217, upper case, e.g. "USD". */
  currency: string;
}

/** A destination as the provider names it (one country or a region). */
export interface ProviderDestination {
  /** The provider's own id for the destination (MIOeSIM skuId, MeiSIM ISO/region). */
  providerRef: string;
  name: string;
  kind: "country" | "region";
  /** ISO 3166-1 alpha-2 codes covered, upper case; empty when unknown. */
  countryCodes: string[];
}

export interface ProviderPlan {
  provider: ProviderId;
  /**
   * Opaque, stable reference the provider needs to order this plan again
   * (MIOeSIM: "<skuId>:<priceId>", MeiSIM: the bundle name).
   */
  planRef: string;
  name: string;
  destination: ProviderDestination;
  /** Data allowance in MB; null means unlimited. */
  dataMb: number | null;
  days: number;
  /** What the reseller pays upstream. */
  wholesale: Money;
  /** Can be topped up / renewed on the same ICCID. */
  renewable: boolean;
  /** A daily-allowance ("day pass") plan. */
  dayPass: boolean;
  /** Cancellation allowed by the plan's policy while not activated. */
  cancellable: boolean;
  /** The provider's cancellation-policy text, shown to customers verbatim. */
  cancellationPolicy: string | null;
}

/** Everything a customer needs to install one eSIM. */
export interface EsimInstall {
  iccid: string;
  /** Full LPA string: "LPA:1$<smdp>$<activationCode>". */
  lpa: string;
  smdpAddress: string;
  activationCode: string;
  apn: string | null;
  pdfUrl: string | null;
  /** ISO date-time by which the eSIM must be installed, when the provider says. */
  activateBefore: string | null;
}

export type ProviderOrderStatus =
  | "pending"
  | "active"
  | "cancelling"
  | "cancelled"
  | "partially_cancelled"
  | "ended"
  | "void";

export interface ProviderOrder {
  provider: ProviderId;
  /** The provider's order number / id. */
  providerOrderRef: string;
  /** Our reference, echoed back so upstream orders reconcile with ours. */
  otherOrderId: string;
  status: ProviderOrderStatus;
  esims: EsimInstall[];
  /** What the provider charged us, when it says. */
  charged: Money | null;
}

export type EsimState = "not_installed" | "installed" | "active" | "depleted" | "expired" | "disabled" | "deleted" | "unknown";

export interface EsimUsage {
  iccid: string;
  state: EsimState;
  usedMb: number;
  /** null when unlimited or unknown. */
  totalMb: number | null;
  startedAt: string | null;
  expiresAt: string | null;
}

export interface PlaceOrderInput {
  planRef: string;
  /** Our order reference; also the idempotency handle for lost responses. */
  otherOrderId: string;
  /** Number of eSIMs (default 1). */
  count?: number;
  customerEmail?: string;
}

export interface RenewInput {
  iccid: string;
  planRef: string;
  otherOrderId: string;
}

export interface CancelResult {
  status: ProviderOrderStatus;
}

/** Progress callback for long work (catalog sync, batch queries). */
export type ProgressFn = (progress: { done: number; total: number; note?: string }) => void;

export interface EsimProvider {
  readonly id: ProviderId;
  readonly displayName: string;
  /** The whole sellable catalog (all pages / all SKUs). */
  listPlans(options?: { onProgress?: ProgressFn }): Promise<ProviderPlan[]>;
  /** True when the provider can fill `count` of this plan right now. */
  checkAvailability(planRef: string, count: number): Promise<boolean>;
  /**
   * Orders eSIMs. Never blindly repeated: when the response is lost the
   * implementation resolves the outcome through `findOrder(otherOrderId)`.
   */
  placeOrder(input: PlaceOrderInput): Promise<ProviderOrder>;
  /** Looks an order up by our own reference; null when the provider has none. */
  findOrder(otherOrderId: string): Promise<ProviderOrder | null>;
  /** Usage for any number of ICCIDs (batched internally as the provider needs). */
  getUsage(iccids: string[], options?: { onProgress?: ProgressFn }): Promise<EsimUsage[]>;
  /** Plans that can renew / top up an existing eSIM. Empty when not renewable. */
  listRenewalPlans(iccid: string): Promise<ProviderPlan[]>;
  /** Renews (tops up) an existing eSIM. */
  renew(input: RenewInput): Promise<ProviderOrder>;
  /** Cancels an order that is not yet activated, where the policy allows. */
  cancel(order: { providerOrderRef: string; iccid: string }): Promise<CancelResult>;
}
