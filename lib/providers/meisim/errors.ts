import { describeProviderFailure, OrderOutcomeUnknownError, ProviderError } from "../errors";
import { toMinorUnits } from "../http";
import type { DeliveredEsim, Money, OtherItemId, ProviderOrder } from "../types";

/** The JSON body MeiSIM sends with every non-2xx answer, plus the 402 figures. */
export interface MeisimErrorBody {
  error: string | null;
  message: string;
  balance?: number | string;
  required?: number | string;
}

/** A non-2xx answer from MeiSIM; subclasses say which status. */
export class MeisimApiError extends ProviderError {
  constructor(
    readonly status: number,
    /** "METHOD /path" of the request that failed. */
    readonly endpoint: string,
    readonly body: MeisimErrorBody,
    options: { hint?: string; retryable?: boolean } = {},
  ) {
    super("meisim", `${endpoint} → HTTP ${status}: ${body.message || body.error || "no message"}`, { code: status, ...options });
    this.name = new.target.name;
  }
  /** MeiSIM's own error label, e.g. "INSUFFICIENT_FUNDS", "VENDOR_ERROR" or "Invalid request". */
  get apiError(): string | null {
    return this.body.error;
  }
}

export class MeisimBadRequestError extends MeisimApiError {
  constructor(endpoint: string, body: MeisimErrorBody) {
    super(400, endpoint, body, { hint: "MeiSIM rejected the request fields; see the message." });
  }
}

export class MeisimUnauthorizedError extends MeisimApiError {
  constructor(endpoint: string, body: MeisimErrorBody) {
    super(401, endpoint, body, { hint: "Check the MeiSIM dealer key, dealer password or portal credentials." });
  }
}

/** 402: the dealer wallet cannot pay; carries the figures MeiSIM reported. */
export class MeisimInsufficientBalanceError extends MeisimApiError {
  readonly balance: Money | null;
  readonly required: Money | null;
  constructor(endpoint: string, body: MeisimErrorBody) {
    super(402, endpoint, body, { hint: "Top up the MeiSIM dealer wallet." });
    this.balance = usdOrNull(body.balance);
    this.required = usdOrNull(body.required);
  }
  /** How much is missing, when both figures are known. */
  get shortfall(): Money | null {
    if (!this.balance || !this.required) return null;
    return { amountMinor: Math.max(0, this.required.amountMinor - this.balance.amountMinor), currency: "USD" };
  }
}

export class MeisimForbiddenError extends MeisimApiError {
  constructor(endpoint: string, body: MeisimErrorBody) {
    super(403, endpoint, body, { hint: "The MeiSIM dealer account is not approved or is suspended; contact the account manager." });
  }
}

export class MeisimNotFoundError extends MeisimApiError {
  constructor(endpoint: string, body: MeisimErrorBody) {
    super(404, endpoint, body);
  }
}

/** 429 after the bounded waits ran out, or with a wait longer than we accept. */
export class MeisimRateLimitError extends MeisimApiError {
  constructor(
    endpoint: string,
    body: MeisimErrorBody,
    /** What MeiSIM asked us to wait. */
    readonly retryAfterMs: number,
  ) {
    super(429, endpoint, body, { hint: `MeiSIM rate limit; try again in ${Math.ceil(retryAfterMs / 1000)} s.`, retryable: true });
  }
}

export class MeisimServerError extends MeisimApiError {
  constructor(status: number, endpoint: string, body: MeisimErrorBody) {
    super(status, endpoint, body, { hint: "MeiSIM failed internally; try again, contact support if persistent.", retryable: true });
  }
}

/** eSIM Supply could not fill anything (stock is zero); MeiSIM refunded the debit. */
export class MeisimVendorError extends MeisimApiError {
  constructor(status: number, endpoint: string, body: MeisimErrorBody) {
    super(status, endpoint, body, { hint: "MeiSIM has no stock for this SKU; the wallet debit was refunded." });
  }
}

/** A request we refused to send because it breaks the documented rules. */
export class MeisimInputError extends ProviderError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super("meisim", `${field}: ${message}`, { code: "INVALID_INPUT", hint: "Fix the input; nothing was sent to MeiSIM." });
    this.name = "MeisimInputError";
  }
}

/** The client lacks the credentials an endpoint needs. */
export class MeisimNotConfiguredError extends ProviderError {
  constructor(what: string) {
    super("meisim", `MeiSIM client is missing ${what}`, { code: "NOT_CONFIGURED", hint: "Set the MeiSIM credentials in the environment." });
    this.name = "MeisimNotConfiguredError";
  }
}

/** MeiSIM answered 200 but relayed an upstream failure (`Status` other than "Success"). */
export class MeisimUpstreamError extends ProviderError {
  constructor(endpoint: string, status: string, message: string | undefined) {
    super("meisim", `${endpoint}: upstream answered ${status}${message ? `: ${message}` : ""}`, {
      code: "UPSTREAM_FAILED",
      hint: "MeiSIM's upstream refused the request.",
    });
    this.name = "MeisimUpstreamError";
  }
}

/**
 * A multi-eSIM order lost one card's answer. Cards go out one request each,
 * in `itemIds` order: `partial` were placed and delivered, `lostItemId` may
 * or may not have been placed (look it up with findOrder), and `notSent`
 * were never requested.
 */
export class MeisimOrderOutcomeUnknownError extends OrderOutcomeUnknownError {
  constructor(
    what: string,
    cause: unknown,
    partial: DeliveredEsim[],
    readonly lostItemId: OtherItemId,
    readonly notSent: OtherItemId[],
  ) {
    super("meisim", what, cause, partial);
    this.name = "MeisimOrderOutcomeUnknownError";
  }
}

/**
 * A multi-eSIM order where some cards were placed and then MeiSIM definitely
 * refused the next one (402, 400, 403, 404, 429, a Status other than
 * Success). `order` holds the placed cards exactly as placeOrder would have
 * returned them; `notPlaced` were not placed and not charged, so they may be
 * placed again later or refunded. `cause` is the refusal.
 */
export class MeisimPartialOrderError extends ProviderError {
  constructor(
    readonly order: ProviderOrder,
    readonly notPlaced: OtherItemId[],
    cause: unknown,
  ) {
    const total = order.esims.length + notPlaced.length;
    super(
      "meisim",
      `MeiSIM order ${order.otherOrderId}: ${order.esims.length} of ${total} eSIMs placed, then ${notPlaced[0]} was refused (${describeProviderFailure(cause)}); not placed: ${notPlaced.join(", ")}`,
      {
        code: "PARTIALLY_PLACED",
        hint: "Deliver the eSIMs in `order`; the ones in `notPlaced` were not placed or charged: place them again once the cause is fixed, or refund them.",
        cause,
      },
    );
    this.name = "MeisimPartialOrderError";
  }
  /** The cards that were placed, each with its otherItemId. */
  get partial(): DeliveredEsim[] {
    return this.order.esims;
  }
}

function usdOrNull(value: number | string | undefined): Money | null {
  if (value === undefined) return null;
  try {
    return { amountMinor: toMinorUnits(value), currency: "USD" };
  } catch {
    return null;
  }
}

/** Maps a non-2xx answer to its typed error. */
export function meisimErrorFor(status: number, endpoint: string, body: MeisimErrorBody, retryAfterMs: number): MeisimApiError {
  if (body.error === "VENDOR_ERROR") return new MeisimVendorError(status, endpoint, body);
  switch (status) {
    case 400:
      return new MeisimBadRequestError(endpoint, body);
    case 401:
      return new MeisimUnauthorizedError(endpoint, body);
    case 402:
      return new MeisimInsufficientBalanceError(endpoint, body);
    case 403:
      return new MeisimForbiddenError(endpoint, body);
    case 404:
      return new MeisimNotFoundError(endpoint, body);
    case 429:
      return new MeisimRateLimitError(endpoint, body, retryAfterMs);
  }
  if (status >= 500) return new MeisimServerError(status, endpoint, body);
  return new MeisimApiError(status, endpoint, body);
}
