/**
 * Stripe's error envelope, `{ error: { type, code, message, param, doc_url } }`.
 * stripe-node picks its error class from the HTTP status and `type`, so both
 * must match what Stripe sends for the same mistake.
 */
export type StripeErrorType = "invalid_request_error" | "idempotency_error" | "api_error";

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

interface ErrorDetails {
  code?: string;
  param?: string;
  status?: number;
}

export class StripeApiError extends Error {
  readonly body: StripeErrorBody;

  constructor(
    readonly status: number,
    type: StripeErrorType,
    message: string,
    details: Omit<ErrorDetails, "status"> = {},
  ) {
    super(message);
    this.body = { type, message };
    if (details.code) {
      this.body.code = details.code;
      this.body.doc_url = `https://stripe.com/docs/error-codes/${details.code.replaceAll("_", "-")}`;
    }
    if (details.param) this.body.param = details.param;
  }

  static invalidRequest(message: string, { status = 400, ...details }: ErrorDetails = {}): StripeApiError {
    return new StripeApiError(status, "invalid_request_error", message, details);
  }

  /** Stripe answers 404 for a missing object in the path, 400 for one named in a parameter. */
  static noSuch(objectName: string, id: string, param: string, status = 404): StripeApiError {
    return StripeApiError.invalidRequest(`No such ${objectName}: '${id}'`, { status, code: "resource_missing", param });
  }

  static missingParam(param: string): StripeApiError {
    return StripeApiError.invalidRequest(`Missing required param: ${param}.`, { code: "parameter_missing", param });
  }

  static invalidParam(param: string, message: string, code = "parameter_invalid_string"): StripeApiError {
    return StripeApiError.invalidRequest(message, { code, param });
  }
}
