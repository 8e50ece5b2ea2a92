import type { Logger } from "../../log";
import type { RetryPolicy } from "../http";
import type { MeisimRateGroup, RateLimit } from "./sliding-window";

/**
 * Everything the MeiSIM client needs, passed in by the caller; the client
 * never reads the environment itself.
 */
export interface MeisimClientConfig {
  /** https://meisimusa.com for the real service. */
  baseUrl: string;
  /** `x-dealer-key`; when set it is used for every dealer call (the documented recommendation). */
  dealerKey?: string;
  /**
   * A dealer key kept by the app (obtained by an admin through the OTP flow),
   * asked for on every dealer call; when it gives one, it wins over `dealerKey`.
   */
  storedDealerKey?: () => Promise<string | null>;
  /** Dealer password login (JWT mode), used when no dealer key is set. */
  dealerEmail?: string;
  dealerPassword?: string;
  /** Portal API credentials (eSIM Supply and Validator). */
  portalEmail?: string;
  portalPassword?: string;
  /**
   * Hosts whose addresses in answers (the wallet top-up's checkoutUrl, an
   * order's QrCode image URL) may be shown or followed; default: the base
   * URL's host and Stripe Checkout's (the documents say the top-up is a
   * Stripe checkout session).
   */
  urlHosts?: string;
  /** Per request; default 15 s. */
  timeoutMs?: number;
  /** For CSV exports, which can be large; default 60 s. */
  downloadTimeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** Client-side pacing per group; defaults to the documented limits, `null` turns a group off. */
  rateLimits?: Partial<Record<MeisimRateGroup, RateLimit | null>>;
  /** Retries of safe requests after a timeout, network error or 5xx; default 3 attempts. */
  retry?: RetryPolicy;
  /** On 429: how many waits, and the longest Retry-After we are willing to sit out. */
  rateLimitRetry?: { attempts: number; maxWaitMs: number };
  /** A JWT is renewed this long before it expires (at most a tenth of its lifetime); default 5 min. */
  tokenRefreshMarginMs?: number;
  /** How long a top-up confirmation stays good for its one recharge; default 10 min. */
  topupConfirmationTtlMs?: number;
  logger?: Logger;
}

export const MEISIM_DEFAULTS = {
  timeoutMs: 15_000,
  downloadTimeoutMs: 60_000,
  retry: { attempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 } satisfies RetryPolicy,
  rateLimitRetry: { attempts: 3, maxWaitMs: 60_000 },
  tokenRefreshMarginMs: 5 * 60_000,
  topupConfirmationTtlMs: 10 * 60_000,
} as const;
