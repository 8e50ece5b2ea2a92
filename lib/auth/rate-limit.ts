import "server-only";
import { db } from "../db/client";
import { Prisma } from "../generated/prisma/client";

export interface Limit {
  key: string;
  /** Attempts allowed per window. */
  limit: number;
}

export interface Reservation {
  allowed: boolean;
  retryAfterMs: number;
  /** Gives the attempt back, for one that should not count (it succeeded). */
  release(): Promise<void>;
}

/**
 * Sliding-window counters in the database, so limits hold across processes
 * and restarts. Each key counts attempts per fixed window; an attempt is
 * weighed against the current window's count plus the previous window's,
 * scaled by how much of it still lies within the last `windowMs`. A plain
 * fixed window would forget every attempt at its boundary: 5 guesses just
 * before it and 5 just after would all go through.
 *
 * One statement counts the attempt against every key before the work it
 * guards starts; PostgreSQL serialises the updates of each row, so however
 * many attempts race, at most `limit` of them see a count within it. An
 * attempt refused by any of its limits is given back at once, so the
 * counters hold only attempts that went ahead.
 */
export async function reserveAttempt(limits: Limit[], windowMs: number, now = Date.now()): Promise<Reservation> {
  const windowStart = new Date(now - (now % windowMs));
  const previousStart = new Date(windowStart.getTime() - windowMs);
  // Rows are taken in key order, so two reservations never wait on each other crosswise.
  const sorted = [...limits].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const counted = await db().$queryRaw<{ key: string; count: number; previous: number }[]>`
    WITH counted AS (
      INSERT INTO "RateLimitWindow" ("key", "windowStart", "count")
      VALUES ${Prisma.join(sorted.map((l) => Prisma.sql`(${l.key}, ${windowStart}, 1)`))}
      ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitWindow"."count" + 1
      RETURNING "key", "count")
    SELECT counted."key", counted."count", COALESCE(previous."count", 0) AS "previous"
    FROM counted LEFT JOIN "RateLimitWindow" previous ON previous."key" = counted."key" AND previous."windowStart" = ${previousStart}`;
  const window = { start: windowStart.getTime(), length: windowMs };
  const waits = sorted.map((l) => {
    const row = counted.find((r) => r.key === l.key);
    return row ? waitBeforeAttempt(l.limit, Number(row.count), Number(row.previous), window, now) : Infinity;
  });
  const allowed = waits.every((wait) => wait === 0);
  const release = async () => {
    // One row per statement: a release then never holds one row while waiting for another.
    for (const { key } of sorted) {
      await db().rateLimitWindow.updateMany({ where: { key, windowStart }, data: { count: { decrement: 1 } } });
    }
  };
  if (!allowed) await release();
  return { allowed, retryAfterMs: allowed ? windowStart.getTime() + windowMs - now : Math.max(...waits), release };
}

/**
 * How long an attempt must wait (0: it may go now) when it is the `count`th
 * of the current window and the previous window held `previous`. The
 * previous window's share is rounded to whole attempts.
 */
function waitBeforeAttempt(limit: number, count: number, previous: number, window: { start: number; length: number }, now: number): number {
  const end = window.start + window.length;
  if (count + Math.round((previous * (end - now)) / window.length) <= limit) return 0;
  // The window holds count - 1 without this attempt, so another would be the count-th again.
  const room = limit - count;
  // Within this window, once round(previous × (end - t) / length) <= room, that is once t passes this:
  // otherwise in the next one, where this window's count - 1 becomes the previous and room is limit - 1.
  const allowedAfter =
    room >= 0 ? end - (window.length * (room + 0.5)) / previous : end + window.length - (window.length * (limit - 0.5)) / (count - 1);
  return Math.max(1, Math.floor(allowedAfter) + 1 - now);
}

const MINUTE = 60_000;

/** Attempts per window for one email and for one client address. */
export const AUTH_LIMITS = {
  /** Failed password sign-ins; one that succeeds is given back. */
  passwordSignIn: { windowMs: 15 * MINUTE, perEmail: 5, perAddress: 30 },
  signUp: { windowMs: 60 * MINUTE, perEmail: 5, perAddress: 50 },
  emailLink: { windowMs: 15 * MINUTE, perEmail: 5, perAddress: 20 },
  verificationResend: { windowMs: 15 * MINUTE, perEmail: 3, perAddress: 20 },
  passwordReset: { windowMs: 15 * MINUTE, perEmail: 3, perAddress: 20 },
  /** Orders started without signing in: each opens a Stripe session and, once paid, emails the address given. */
  guestCheckout: { windowMs: 60 * MINUTE, perEmail: 5, perAddress: 10 },
} as const;

export type AuthAction = keyof typeof AUTH_LIMITS;

/** Counts one `action` for `email` and for the client `address` (null: not known, all such share one count). */
export function reserveAuthAttempt(action: AuthAction, email: string, address: string | null, now = Date.now()): Promise<Reservation> {
  const { windowMs, perEmail, perAddress } = AUTH_LIMITS[action];
  return reserveAttempt(
    [
      { key: `${action}:email:${email}`, limit: perEmail },
      { key: `${action}:address:${address ?? "unknown"}`, limit: perAddress },
    ],
    windowMs,
    now,
  );
}

/** Thrown by account operations refused by AUTH_LIMITS. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super("Too many attempts; try again later.");
    this.name = "RateLimitedError";
  }
}

/** Drops windows that ended long ago; called opportunistically. */
export async function pruneRateLimits(olderThanMs = 24 * 3600_000): Promise<void> {
  await db().rateLimitWindow.deleteMany({ where: { windowStart: { lt: new Date(Date.now() - olderThanMs) } } });
}
