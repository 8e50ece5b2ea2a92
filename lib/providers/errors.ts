import type { ProviderId } from "./types";

/**
 * Base for every failure that comes from talking to an upstream provider.
 * `retryable` says whether the same request may safely be sent again;
 * `hint` is written for the operator reading the admin screen or the log.
 */
export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderId,
    message: string,
    readonly options: { code?: string | number; hint?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
  }
  get code() {
    return this.options.code;
  }
  get hint() {
    return this.options.hint;
  }
  get retryable() {
    return this.options.retryable ?? false;
  }
}

/** The provider refused an order because our account there cannot pay for it (a wallet short): nothing was placed. */
export class ProviderFundsError extends ProviderError {
  constructor(provider: ProviderId, message: string, cause?: unknown) {
    super(provider, message, { code: "PROVIDER_FUNDS", hint: "Top up the provider account; the customer is refunded.", cause });
    this.name = "ProviderFundsError";
  }
}

/** The request got no answer in time; the upstream state is unknown. */
export class ProviderTimeoutError extends ProviderError {
  constructor(provider: ProviderId, url: string, timeoutMs: number) {
    super(provider, `No response from ${url} within ${timeoutMs} ms`, {
      code: "TIMEOUT",
      hint: "The provider did not answer in time; the request may or may not have taken effect.",
      retryable: true,
    });
    this.name = "ProviderTimeoutError";
  }
}

/** The connection failed before any answer (DNS, refused, reset). */
export class ProviderNetworkError extends ProviderError {
  constructor(provider: ProviderId, url: string, cause: unknown) {
    super(provider, `Could not reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      code: "NETWORK",
      hint: "Check the provider base URL and the network route to it.",
      retryable: true,
      cause,
    });
    this.name = "ProviderNetworkError";
  }
}

/** The provider answered with something that does not match its contract. */
export class ProviderResponseError extends ProviderError {
  constructor(provider: ProviderId, message: string, cause?: unknown) {
    super(provider, message, {
      code: "BAD_RESPONSE",
      hint: "The provider's response did not match its documented shape.",
      retryable: false,
      cause,
    });
    this.name = "ProviderResponseError";
  }
}

/** A failure as an operator should read it: the message, then what to do about it. */
export function describeProviderFailure(err: unknown): string {
  if (err instanceof ProviderError) return err.hint ? `${err.message} — ${err.hint}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * A write (order, renewal, cancellation) was sent and its answer was lost:
 * it may or may not have taken effect upstream. Never resend it blindly; look
 * the order up (EsimProvider.findOrder) and, when that cannot tell, hand it
 * to a person. `partial` holds cards confirmed before the lost request (a
 * provider that places one card per request).
 */
export class OrderOutcomeUnknownError extends ProviderError {
  constructor(
    provider: ProviderId,
    what: string,
    cause: unknown,
    readonly partial: import("./types").DeliveredEsim[] = [],
  ) {
    super(provider, `${what}: the request was sent but its answer was lost (${cause instanceof Error ? cause.message : String(cause)})`, {
      code: "OUTCOME_UNKNOWN",
      hint: "Do not resend: look the order up by our reference first; if the provider cannot tell, review it by hand.",
      retryable: false,
      cause,
    });
    this.name = "OrderOutcomeUnknownError";
  }
}

/**
 * The provider said the eSIM was placed (its ICCID came back) but its
 * install could not be read from the answer (e.g. a MeiSIM QrCode image
 * that does not decode to an LPA). The order exists upstream for certain:
 * it is never placed again, and never delivered with an LPA of our making;
 * a person gets the activation from the provider. `partial` holds the cards
 * placed and read before it.
 */
export class InstallUnreadableError extends OrderOutcomeUnknownError {
  constructor(
    provider: ProviderId,
    what: string,
    readonly iccid: string,
    cause: unknown,
    partial: import("./types").DeliveredEsim[] = [],
  ) {
    super(provider, what, cause, partial);
    this.message = `${what}: placed (ICCID ${iccid}) but its install could not be read (${cause instanceof Error ? cause.message : String(cause)})`;
    this.name = "InstallUnreadableError";
  }
}

/** The InstallUnreadableError in an error or its causes, if any. */
export function installUnreadableIn(err: unknown): InstallUnreadableError | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof InstallUnreadableError) return e;
  }
  return null;
}
