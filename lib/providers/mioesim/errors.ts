import { ProviderError } from "../errors";

/**
 * Every documented MIOeSIM response code has its own error class, so callers
 * can `instanceof` the cases they handle and the admin screen can show the
 * operator hint. `apiCode` is redeclared as a literal on each subclass to
 * keep the classes distinct to the type checker.
 */
export class MioesimApiError extends ProviderError {
  constructor(
    readonly apiCode: number,
    message: string,
  ) {
    const spec = CODE_SPECS.get(apiCode);
    super("mioesim", `MIOeSIM code ${apiCode}: ${message}`, {
      code: apiCode,
      hint: spec?.hint ?? "Undocumented MIOeSIM response code; read the message and contact MIOeSIM support.",
      retryable: spec?.retryable ?? false,
    });
    this.name = new.target.name;
  }
}

export class MioesimTokenExpiredError extends MioesimApiError {
  declare readonly apiCode: -1;
}
export class MioesimMissingParameterError extends MioesimApiError {
  declare readonly apiCode: -2;
}
export class MioesimOperationFailedError extends MioesimApiError {
  declare readonly apiCode: -3;
}
export class MioesimQueryFailedError extends MioesimApiError {
  declare readonly apiCode: -8;
}
export class MioesimDpIdRequiredError extends MioesimApiError {
  declare readonly apiCode: -10;
}
export class MioesimSignatureError extends MioesimApiError {
  declare readonly apiCode: -30;
}
export class MioesimNotFoundError extends MioesimApiError {
  declare readonly apiCode: 3;
}
export class MioesimOrderStateError extends MioesimApiError {
  declare readonly apiCode: 4;
}
export class MioesimNonPersonalOrderError extends MioesimApiError {
  declare readonly apiCode: 22;
}
export class MioesimPdfError extends MioesimApiError {
  declare readonly apiCode: 99;
}
export class MioesimIpNotWhitelistedError extends MioesimApiError {
  declare readonly apiCode: 400108;
}
export class MioesimDetailAccessError extends MioesimApiError {
  declare readonly apiCode: 400109;
}

interface CodeSpec {
  type: new (code: number, message: string) => MioesimApiError;
  hint: string;
  retryable?: boolean;
}

const CODE_SPECS = new Map<number, CodeSpec>([
  // Nothing is placed on -1, so the request may be sent again later (after a fresh login).
  [
    -1,
    {
      type: MioesimTokenExpiredError,
      hint: "The session token was rejected even after a fresh login; check that the account is active.",
      retryable: true,
    },
  ],
  [
    -2,
    {
      type: MioesimMissingParameterError,
      hint: "A required parameter was missing or empty (the message names it); the caller passed an empty value.",
    },
  ],
  [
    -3,
    {
      type: MioesimOperationFailedError,
      hint: "The record does not exist or MIOeSIM refused the operation (stock, credentials, refund policy); read the message and check the identifiers.",
    },
  ],
  [
    -8,
    {
      type: MioesimQueryFailedError,
      hint: "The query parameters were rejected (malformed ICCID, too many ICCIDs, bad number); check the values sent.",
    },
  ],
  [-10, { type: MioesimDpIdRequiredError, hint: "Physical SIM products need the distribution partner ID (dpId) MIOeSIM issued to you." }],
  [
    -30,
    {
      type: MioesimSignatureError,
      hint: "MIOeSIM rejected the signature: check that MIOESIM_SECRET is the secret key issued with this account.",
    },
  ],
  [3, { type: MioesimNotFoundError, hint: "The referenced record (order, ICCID, DP) does not exist at MIOeSIM for this account." }],
  [
    4,
    {
      type: MioesimOrderStateError,
      hint: "The order's state does not allow this (e.g. already activated or already cancelled); refresh its status first.",
    },
  ],
  [
    22,
    { type: MioesimNonPersonalOrderError, hint: "The order was not placed by this account; act on it from the account that placed it." },
  ],
  [
    99,
    {
      type: MioesimPdfError,
      hint: "MIOeSIM failed to build the PDF/email. On an order or refund the outcome is unknown (the order may exist); on a read it is retried. If it persists, check the order is in status 0 and contact MIOeSIM support.",
      retryable: true,
    },
  ],
  [
    400108,
    {
      type: MioesimIpNotWhitelistedError,
      hint: "This server's IP is not whitelisted for getESIMDetail: send its public IP to MIOeSIM. Batch usage (queryIccidInformation) still works.",
    },
  ],
  [
    400109,
    {
      type: MioesimDetailAccessError,
      hint: "The account is not enabled for getESIMDetail: ask MIOeSIM to enable it. Batch usage (queryIccidInformation) still works.",
    },
  ],
]);

/** True for the response codes the MIOeSIM docs list (besides the success codes 0 and 1). */
export function isDocumentedCode(code: number): boolean {
  return CODE_SPECS.has(code);
}

/** The typed error for a non-success response code. */
export function apiErrorFor(code: number, message: string): MioesimApiError {
  const type = CODE_SPECS.get(code)?.type ?? MioesimApiError;
  return new type(code, message);
}

/** MIOeSIM answered with an HTTP failure instead of its JSON envelope. */
export class MioesimHttpError extends ProviderError {
  constructor(
    readonly status: number,
    url: string,
    body: string,
  ) {
    super("mioesim", `HTTP ${status} from ${url}: ${body.slice(0, 200)}`, {
      code: `HTTP_${status}`,
      hint:
        status >= 500
          ? "MIOeSIM had a server error; safe reads are retried automatically, orders and refunds are not (their outcome is unknown)."
          : "MIOeSIM rejected the HTTP request itself (for an endpoint the docs do not name, the service may simply not have it); check MIOESIM_BASE_URL.",
      retryable: status >= 500 || status === 429,
    });
    this.name = "MioesimHttpError";
  }
}
