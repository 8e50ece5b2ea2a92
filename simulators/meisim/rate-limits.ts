/**
 * MeiSIM's server-side rate limits, read from the Dealer API document's
 * "Rate limits" table and written here apart from the client's pacing
 * (lib/providers/meisim/sliding-window.ts) on purpose: if the client misreads
 * the table, this simulator still refuses with 429 as the document says.
 *
 * - Read operations 60 / min; order operations 30 / min; revocations 10 / min
 *   (all per dealer).
 * - Wallet top-ups "5–10 / min": /dealer/topup says "Rate limit: 5/min",
 *   /dealer/topup-intent "Rate limit: 10/min".
 * - OTP send 5 / 15 min, OTP verify 10 / 15 min, password login
 *   8 / 15 min, each per IP.
 * - "Rate-limit window is sliding": a request is refused while the window
 *   ending now already holds the limit.
 */
export type MeisimRateGroup = "read" | "order" | "revoke" | "walletTopup" | "walletTopupIntent" | "otpSend" | "otpVerify" | "login";

export interface RateLimit {
  limit: number;
  windowMs: number;
}

const MINUTE = 60_000;

export const DOCUMENTED_RATE_LIMITS: Readonly<Record<MeisimRateGroup, RateLimit>> = {
  read: { limit: 60, windowMs: MINUTE },
  order: { limit: 30, windowMs: MINUTE },
  revoke: { limit: 10, windowMs: MINUTE },
  walletTopup: { limit: 5, windowMs: MINUTE },
  walletTopupIntent: { limit: 10, windowMs: MINUTE },
  otpSend: { limit: 5, windowMs: 15 * MINUTE },
  otpVerify: { limit: 10, windowMs: 15 * MINUTE },
  login: { limit: 8, windowMs: 15 * MINUTE },
};

/** The arrival times of the requests let through, per key; refusals are not counted. */
export class ArrivalLog {
  private readonly arrivals: number[] = [];

  constructor(
    private readonly rule: RateLimit,
    private readonly now: () => number,
  ) {}

  /** Lets the request through (returns 0) or returns the ms until the oldest arrival leaves the window. */
  admit(): number {
    const now = this.now();
    const windowStart = now - this.rule.windowMs;
    const live = this.arrivals.filter((at) => at > windowStart);
    this.arrivals.splice(0, this.arrivals.length, ...live);
    if (live.length >= this.rule.limit) return live[0]! + this.rule.windowMs - now;
    this.arrivals.push(now);
    return 0;
  }
}
