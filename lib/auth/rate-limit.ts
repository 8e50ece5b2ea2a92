import "server-only";
import ipaddr from "ipaddr.js";
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

/**
 * The client a limit counts, from its address (see clientAddress in
 * lib/audit): an IPv4 address as it is, an IPv4-mapped IPv6 address as the
 * IPv4 one, and any other IPv6 address by its /64. A subscriber is given a
 * whole /64 (RFC 6177), so counting single IPv6 addresses would hand one
 * client 2^64 fresh budgets. Null or unparsable: "unknown", one shared count.
 */
export function clientKey(address: string | null): string {
  if (!address || !ipaddr.isValid(address)) return "unknown";
  const parsed = ipaddr.process(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const [a = 0, b = 0, c = 0, d = 0] = (parsed as ipaddr.IPv6).parts;
  return `${new ipaddr.IPv6([a, b, c, d, 0, 0, 0, 0]).toString()}/64`;
}

/**
 * Attempts per window for one email and for one client (see clientKey).
 * Password sign-in also backs off per email and client together
 * (password-sign-in.ts), so its per-email count is only a brake on guessing
 * spread over many clients, set far above what one client may try.
 */
export const AUTH_LIMITS = {
  /** Failed password sign-ins; one that succeeds is given back. */
  passwordSignIn: { windowMs: 15 * MINUTE, perEmail: 100, perAddress: 30 },
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
      { key: `${action}:address:${clientKey(address)}`, limit: perAddress },
    ],
    windowMs,
    now,
  );
}

/**
 * Provider calls made for visitors who are not signed in. Each kind has its
 * own small budget per client, and a ceiling per provider across all
 * clients, counted in the database so it holds for the whole cluster. The
 * ceilings are half the provider's own limits (MeiSIM: 60 reads and 30
 * order-group calls a minute per dealer, and the SIM check is in the order
 * group), so anonymous traffic can never take more than half of the calls
 * that orders, their polling and recharges need. These keys share nothing
 * with the order and sign-in limits.
 */
export const ANONYMOUS_PROVIDER_LIMITS = {
  /** Live usage on a guest order link's page (one read per page). */
  usage: { windowMs: MINUTE, perClient: 10, perProvider: 30 },
  /** A guest's mobile top-up quote: MeiSIM's SIM check (order group) and dealer-wallet read. */
  topupQuote: { windowMs: MINUTE, perClient: 3, perProvider: 15 },
} as const;

export type AnonymousProviderCall = keyof typeof ANONYMOUS_PROVIDER_LIMITS;

/** Counts one anonymous `kind` call to `provider` for the client `address`; refused, it must not be made. */
export function reserveAnonymousProviderCall(
  kind: AnonymousProviderCall,
  provider: string,
  address: string | null,
  now = Date.now(),
): Promise<Reservation> {
  const { windowMs, perClient, perProvider } = ANONYMOUS_PROVIDER_LIMITS[kind];
  return reserveAttempt(
    [
      { key: `anonymous:${kind}:client:${clientKey(address)}`, limit: perClient },
      { key: `anonymous:${kind}:provider:${provider}`, limit: perProvider },
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

/** How long a window's row is kept: a day, far past the longest window here (an hour) and the one after it, in which it still counts. */
export const RATE_LIMIT_ROWS_KEPT_MS = 24 * 3600_000;

/** Drops windows no attempt weighs against any more (see limits.prune in lib/jobs). */
export async function pruneRateLimits(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - RATE_LIMIT_ROWS_KEPT_MS);
  return (await db().rateLimitWindow.deleteMany({ where: { windowStart: { lt: before } } })).count;
}
