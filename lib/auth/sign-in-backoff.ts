/**
 * Growing waits between failed password sign-ins of one email from one
 * client. Keyed by both, so guesses from anyone else's client never slow the
 * account's owner down: a stranger cannot lock an admin or a customer out.
 */
import "server-only";
import { db } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { clientKey } from "./rate-limit";

export const SIGN_IN_BACKOFF = {
  /** Failures that cost no wait. */
  freeFailures: 5,
  /** The wait after the last free failure; it doubles with each failure after. */
  firstWaitMs: 30_000,
  maxWaitMs: 3600_000,
  /** A day without a failure and the count starts again. */
  forgetAfterMs: 24 * 3600_000,
} as const;

/** The wait before the next try after `failures` failures in a row. */
export function waitAfterFailures(failures: number): number {
  const { freeFailures, firstWaitMs, maxWaitMs } = SIGN_IN_BACKOFF;
  return failures < freeFailures ? 0 : Math.min(maxWaitMs, firstWaitMs * 2 ** (failures - freeFailures));
}

export interface BackoffAttempt {
  allowed: boolean;
  retryAfterMs: number;
  /** The attempt succeeded: the count for this email and client starts again. */
  succeeded(): Promise<void>;
}

const backoffKey = (email: string, address: string | null) => `${email}|${clientKey(address)}`;

/**
 * Counts an attempt as a failure before the password is checked, in one
 * statement that also sets the wait before the next, so parallel guesses
 * queue on the row: once the free failures are used, one try per wait gets
 * through, however many are sent at once. (While some are free, the count
 * alone decides: racing attempts each take their clock reading before the
 * statement runs, so one may read a moment earlier than the failure just
 * recorded.) A right password then clears the count (`succeeded`).
 */
export async function reserveSignInAttempt(email: string, address: string | null, now = new Date()): Promise<BackoffAttempt> {
  const key = backoffKey(email, address);
  const { freeFailures, firstWaitMs, maxWaitMs, forgetAfterMs } = SIGN_IN_BACKOFF;
  const forgetBefore = new Date(now.getTime() - forgetAfterMs);
  const failures = Prisma.sql`(CASE WHEN "SignInBackoff"."lastFailureAt" < ${forgetBefore} THEN 1 ELSE "SignInBackoff"."failures" + 1 END)`;
  // waitAfterFailures, in SQL.
  const waitMs = Prisma.sql`LEAST(${Prisma.raw(String(maxWaitMs))}, CASE WHEN ${failures} >= ${Prisma.raw(String(freeFailures))}
    THEN ${Prisma.raw(String(firstWaitMs))} * power(2, ${failures} - ${Prisma.raw(String(freeFailures))}) ELSE 0 END)`;
  const counted = await db().$queryRaw<{ failures: number }[]>`
    INSERT INTO "SignInBackoff" ("key", "failures", "lastFailureAt", "nextAttemptAt")
    VALUES (${key}, 1, ${now}, ${new Date(now.getTime() + waitAfterFailures(1))})
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = ${failures},
      "lastFailureAt" = ${now},
      "nextAttemptAt" = ${now}::timestamp(3) + interval '1 millisecond' * ${waitMs}
    WHERE "SignInBackoff"."failures" < ${Prisma.raw(String(freeFailures))} OR "SignInBackoff"."nextAttemptAt" <= ${now}
      OR "SignInBackoff"."lastFailureAt" < ${forgetBefore}
    RETURNING "failures"`;
  const succeeded = async () => void (await db().signInBackoff.deleteMany({ where: { key } }));
  if (counted.length > 0) return { allowed: true, retryAfterMs: 0, succeeded };
  const row = await db().signInBackoff.findUnique({ where: { key }, select: { nextAttemptAt: true } });
  return { allowed: false, retryAfterMs: Math.max(1, (row?.nextAttemptAt.getTime() ?? now.getTime()) - now.getTime()), succeeded };
}

/** Drops counts a day old, which a next failure would start again anyway. */
export async function pruneSignInBackoffs(now = new Date()): Promise<number> {
  const forgetBefore = new Date(now.getTime() - SIGN_IN_BACKOFF.forgetAfterMs);
  return (await db().signInBackoff.deleteMany({ where: { lastFailureAt: { lt: forgetBefore } } })).count;
}
