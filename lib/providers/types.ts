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
  /**
   * Cancellation allowed by the plan's policy while not activated. Only true
   * when the provider's policy text says so; missing or unreadable is false.
   */
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

export type ProviderOrderStatus = "pending" | "active" | "cancelling" | "cancelled" | "partially_cancelled" | "ended" | "void";

export interface ProviderOrder {
  provider: ProviderId;
  /** The provider's order number / id. */
  providerOrderRef: string;
  /** Our reference, echoed back so upstream orders reconcile with ours. */
  otherOrderId: string;
  status: ProviderOrderStatus;
  /** Installable eSIMs; fewer than ordered while the order is pending. */
  esims: DeliveredEsim[];
  /** What the provider charged us, when it says. */
  charged: Money | null;
  /**
   * The provider emails the activation to the customer itself and gives us
   * no install details (MeiSIM /dealer/order): `esims` stays empty and the
   * order is delivered once placed.
   */
  emailedByProvider?: boolean;
  /** The provider's short order id for the customer to quote (MeiSIM's shortId). */
  providerShortRef?: string | null;
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

/** One eSIM of a storefront order: our line-item reference for it. */
export type OtherItemId = string;

export interface PlaceOrderInput {
  planRef: string;
  /** Our order reference (MIOeSIM otherOrderId). */
  otherOrderId: string;
  /**
   * One reference per eSIM wanted, "<otherOrderId>-1", "-2", …; the list's
   * length is the quantity. MIOeSIM gets them as otherItemId, MeiSIM as
   * each card's customerReference.
   */
  itemIds: OtherItemId[];
  customerEmail?: string;
  /** The end customer's details, for a provider that needs them (MeiSIM /dealer/order). */
  customer?: CustomerDetails;
  /**
   * A physical SIM order for this distribution partner (MIOeSIM dpId): the
   * cards are plastic, so a card counts as delivered without install data.
   */
  dpId?: string | null;
}

/** The address a US prepaid plan is activated at; each provider maps it to its own field names. */
export interface UsActivationAddress {
  firstName: string;
  lastName: string;
  addressLine1: string;
  city: string;
  /** Two-letter state code, upper case. */
  state: string;
  /** 5 digits, or ZIP+4. */
  zipCode: string;
  /** +1 and 10 digits. */
  phone: string;
}

/** The end customer as a provider may need them: always a name; for US prepaid products the device and address. */
export interface CustomerDetails {
  customerName: string;
  imei?: string;
  eid?: string;
  address?: UsActivationAddress;
}

/** An installable eSIM as delivered, with the line item it fills when the provider says. */
export interface DeliveredEsim extends EsimInstall {
  otherItemId: OtherItemId | null;
  /** A physical SIM's card status as the provider reported it (MIOeSIM dpStatus); its install fields are empty. */
  dpStatus?: string | null;
}

export interface RenewInput {
  iccid: string;
  planRef: string;
  otherOrderId: string;
}

export interface CancelResult {
  /**
   * "cancelled"/"partially_cancelled": done; "cancelling": accepted, still
   * being processed upstream (MIOeSIM 6/7) — the refund waits for it.
   */
  status: ProviderOrderStatus;
}

/** Where a look-up starts from: our references, and the provider's when we have it. */
export interface OrderLookupInput {
  otherOrderId: string;
  itemIds: OtherItemId[];
  /** The provider's order reference, when an earlier answer gave it (polling a pending order). */
  providerOrderRef?: string | null;
  /** When the first attempt was sent; bounds what a look-up window must cover. */
  attemptedAt: Date;
  /** Set for a physical SIM order (see PlaceOrderInput.dpId). */
  dpId?: string | null;
  /** The plan ordered, when known: some plans' orders carry no reference of ours and cannot be looked up. */
  planRef?: string;
}

/**
 * What a look-up can tell. "absent": a documented record of the provider's
 * holds no such order now (only MeiSIM's history says so; fulfilment
 * believes it only once it has held for the absence window). "unknown": the
 * provider cannot tell (no documented look-up, 404, a code or status the
 * documents do not list, a history window too short) and the order needs a
 * person.
 */
export type OrderLookup =
  { outcome: "found"; order: ProviderOrder; raw?: unknown } | { outcome: "absent" } | { outcome: "unknown"; reason: string };

/** One order as the provider's own order list shows it (MeiSIM: one eSIM per order). */
export interface ListedOrder {
  providerOrderRef: string;
  /** The reference we sent with it: an item id "<otherOrderId>-<n>" (or, for older orders, our order id); null when it carries none. */
  reference: string | null;
  iccid: string | null;
  /** "void" for an order the provider reports as failed: it holds nothing. */
  status: ProviderOrderStatus;
  /** ISO date-time the provider placed it. */
  createdAt: string;
}

export interface OrderList {
  orders: ListedOrder[];
  /** The list holds every order placed since this instant; null when it holds every order the account ever placed. */
  completeSince: Date | null;
}

/** Progress callback for long work (catalog sync, batch queries). */
export type ProgressFn = (progress: { done: number; total: number; note?: string }) => void;

/** Whether an order can be placed now; checked before any money is taken. */
export type Availability =
  | { available: true }
  | {
      available: false;
      /** Why, for logs and the admin; customers get a plain message. */
      reason: "out_of_stock" | "provider_funds" | "provider_account" | "unknown_plan" | "quantity" | "unavailable";
      detail: string;
    };

export interface EsimProvider {
  readonly id: ProviderId;
  readonly displayName: string;
  /** Most eSIMs one order may ask for. */
  readonly maxQuantity: number;
  /** The whole sellable catalog (all pages / all SKUs). */
  listPlans(options?: { onProgress?: ProgressFn }): Promise<ProviderPlan[]>;
  /**
   * Stock and the provider account's ability to fill `count` of this plan
   * right now. `catalogWholesale` is our catalog's unit cost, for plans whose
   * price the provider publishes nowhere (MeiSIM dealer products).
   */
  checkAvailability(planRef: string, count: number, catalogWholesale?: Money): Promise<Availability>;
  /**
   * Orders the eSIMs, one attempt, no look-up first. Throws
   * OrderOutcomeUnknownError when a request was sent and its answer was lost
   * (timeout, dropped connection, 5xx after sending, unreadable answer): the
   * caller must then look it up with `findOrder`, never place it again blindly.
   * Any other error means nothing was placed.
   * The answer may be a "pending" order with fewer eSIMs than asked for
   * (MIOeSIM status -1): the caller polls `findOrder` until it is delivered.
   */
  placeOrder(input: PlaceOrderInput): Promise<ProviderOrder>;
  /** A look-up by our references (or the provider's order ref), only after an outcome was lost or to poll a pending order. */
  findOrder(input: OrderLookupInput): Promise<OrderLookup>;
  /**
   * The account's recent orders, for reconciliation. Only where the provider
   * documents a way to list them; a provider without it cannot be asked.
   */
  listOrders?(): Promise<OrderList>;
  /**
   * Whether `listOrders` can show an order of this plan under our
   * references; reconciliation compares no other order (absence from the
   * list would prove nothing). Every plan when not given.
   */
  listsOrdersOf?(planRef: string): boolean;
  /** Usage for any number of ICCIDs (batched internally as the provider needs). */
  getUsage(iccids: string[], options?: { onProgress?: ProgressFn }): Promise<EsimUsage[]>;
  /** Plans that can renew / top up an existing eSIM. Empty when not renewable. */
  listRenewalPlans(iccid: string): Promise<ProviderPlan[]>;
  /** Renews (tops up) an existing eSIM. Same lost-answer contract as placeOrder. */
  renew(input: RenewInput): Promise<ProviderOrder>;
  /** Cancels these cards of an order (all of them for a full cancellation), where the policy allows. */
  cancel(order: { providerOrderRef: string; iccids: string[]; allIccids: string[] }): Promise<CancelResult>;
}
