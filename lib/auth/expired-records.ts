/**
 * Rows that only ever grow unless something deletes them: rate-limit
 * windows, sign-in back-offs, and the one-time tokens and sessions past
 * their expiry. The limits.prune job (lib/jobs) runs this on PRUNE_SCHEDULE.
 */
import "server-only";
import { env } from "../config/env";
import { db } from "../db/client";
import { schedule } from "../jobs";
import { log } from "../log";
import { pruneRateLimits } from "./rate-limit";
import { pruneSignInBackoffs } from "./sign-in-backoff";

export interface PrunedRecords {
  rateLimitWindows: number;
  signInBackoffs: number;
  /** Magic-link and email-confirmation tokens (one table, told apart by identifier). */
  verificationTokens: number;
  sessions: number;
}

/** Deletes what has expired by `now`; safe to run twice at once (each delete just finds less). */
export async function pruneExpiredRecords(now = new Date()): Promise<PrunedRecords> {
  const pruned: PrunedRecords = {
    rateLimitWindows: await pruneRateLimits(now),
    signInBackoffs: await pruneSignInBackoffs(now),
    verificationTokens: (await db().verificationToken.deleteMany({ where: { expires: { lt: now } } })).count,
    sessions: (await db().session.deleteMany({ where: { expires: { lt: now } } })).count,
  };
  log.info("expired records pruned", { ...pruned });
  return pruned;
}

/**
 * Sets (or, with PRUNE_SCHEDULE=off, removes) the records.prune schedule.
 * Every worker calls it on start; the schedule is one row in pg-boss's
 * tables, replaced each time, so the cluster runs it once per occurrence.
 */
export async function schedulePruning(): Promise<void> {
  const cron = env().PRUNE_SCHEDULE;
  await schedule("records.prune", cron === "off" ? null : cron, {});
}
