import { sleep } from "../http";

export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * MeiSIM's rate-limit groups. Read/order/revoke/top-up limits are per dealer;
 * OTP and password login are per IP.
 */
export type MeisimRateGroup = "read" | "order" | "revoke" | "walletTopup" | "walletTopupIntent" | "otpSend" | "otpVerify" | "login";

const MINUTE = 60_000;

/** The documented limits ("5–10 / min" for wallet top-ups: 5 for checkout, 10 for intents). */
export const MEISIM_RATE_LIMITS: Readonly<Record<MeisimRateGroup, RateLimit>> = {
  read: { limit: 60, windowMs: MINUTE },
  order: { limit: 30, windowMs: MINUTE },
  revoke: { limit: 10, windowMs: MINUTE },
  walletTopup: { limit: 5, windowMs: MINUTE },
  walletTopupIntent: { limit: 10, windowMs: MINUTE },
  otpSend: { limit: 5, windowMs: 15 * MINUTE },
  otpVerify: { limit: 10, windowMs: 15 * MINUTE },
  login: { limit: 8, windowMs: 15 * MINUTE },
};

/**
 * A sliding-window log: at most `limit` events in any `windowMs`. Used by the
 * client to pace itself and by the simulator to refuse, so both count alike.
 */
export class SlidingWindow {
  private readonly stamps: number[] = [];
  private heldUntil = 0;

  constructor(
    readonly rule: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot and returns 0, or returns the ms until one frees (taking nothing). */
  tryTake(): number {
    const now = this.now();
    while (this.stamps.length > 0 && this.stamps[0]! <= now - this.rule.windowMs) this.stamps.shift();
    if (this.heldUntil > now) return this.heldUntil - now;
    if (this.stamps.length < this.rule.limit) {
      this.stamps.push(now);
      return 0;
    }
    return this.stamps[0]! + this.rule.windowMs - now;
  }

  /** Slots taken in the window ending now (taking nothing). */
  used(): number {
    const since = this.now() - this.rule.windowMs;
    return this.stamps.filter((stamp) => stamp > since).length;
  }

  /** Refuses every slot for `ms`, e.g. after the server said Retry-After. */
  holdFor(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.now() + ms);
  }
}

/**
 * Client-side pacing: one sliding window per group; `null` turns a group off.
 * Each window is padded a little (5%, at most 250 ms) because the server
 * stamps a request when it arrives, later than we stamp it when sending;
 * without the pad a request sent the instant our window frees can still
 * land inside the server's.
 */
export class RateLimiter {
  private readonly windows = new Map<MeisimRateGroup, SlidingWindow>();

  constructor(rules: Partial<Record<MeisimRateGroup, RateLimit | null>> = {}) {
    for (const group of Object.keys(MEISIM_RATE_LIMITS) as MeisimRateGroup[]) {
      const rule = group in rules ? rules[group] : MEISIM_RATE_LIMITS[group];
      if (rule)
        this.windows.set(group, new SlidingWindow({ limit: rule.limit, windowMs: rule.windowMs + Math.min(250, rule.windowMs * 0.05) }));
    }
  }

  /** Resolves once a request of `group` may go out. */
  async acquire(group: MeisimRateGroup | undefined): Promise<void> {
    const window = group && this.windows.get(group);
    if (!window) return;
    for (let wait = window.tryTake(); wait > 0; wait = window.tryTake()) await sleep(wait);
  }

  /** Per paced group: requests sent in its documented window so far, against the documented limit. */
  usage(): { group: MeisimRateGroup; used: number; limit: number; windowMs: number }[] {
    return [...this.windows].map(([group, window]) => ({
      group,
      used: window.used(),
      limit: MEISIM_RATE_LIMITS[group].limit,
      windowMs: MEISIM_RATE_LIMITS[group].windowMs,
    }));
  }

  hold(group: MeisimRateGroup | undefined, ms: number): void {
    if (group) this.windows.get(group)?.holdFor(ms);
  }
}
