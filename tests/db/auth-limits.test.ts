/**
 * What the limits leave behind: the records.prune job deletes expired
 * rate-limit windows, sign-in back-offs, email tokens and sessions (and
 * nothing still in force), on one schedule kept in the queue's database.
 */
import { afterAll, describe, expect, it } from "vitest";
import { pruneExpiredRecords, schedulePruning } from "@/lib/auth/expired-records";
import { RATE_LIMIT_ROWS_KEPT_MS, reserveAttempt } from "@/lib/auth/rate-limit";
import { reserveSignInAttempt, SIGN_IN_BACKOFF } from "@/lib/auth/sign-in-backoff";
import { db } from "@/lib/db/client";
import { schedule, stopJobs } from "@/lib/jobs";
import { handlers } from "@/lib/jobs/handlers";
import { unique } from "../support/providers";

afterAll(async () => {
  await stopJobs({ timeoutMs: 2_000 });
  await db().$disconnect();
});

const HOUR = 3600_000;
const pruneJob = { id: "job-test", name: "records.prune" as const, attempt: 1, retryLimit: 0, signal: new AbortController().signal };

describe("the records.prune job", () => {
  it("deletes what has expired and keeps what still counts", async () => {
    const now = new Date();
    const tag = unique();
    // Rate-limit windows: one past the day they are kept, one an hour old that the window after it still weighs.
    await reserveAttempt([{ key: `prune:${tag}:old`, limit: 5 }], 60_000, now.getTime() - RATE_LIMIT_ROWS_KEPT_MS - HOUR);
    await reserveAttempt([{ key: `prune:${tag}:recent`, limit: 5 }], 60_000, now.getTime() - HOUR);
    // Sign-in back-offs: one whose last failure is past forgetting, one from a minute ago.
    await reserveSignInAttempt(`old.${tag}@example.test`, "203.0.113.50", new Date(now.getTime() - SIGN_IN_BACKOFF.forgetAfterMs - HOUR));
    await reserveSignInAttempt(`recent.${tag}@example.test`, "203.0.113.50", new Date(now.getTime() - 60_000));
    // Email tokens (magic links and confirmations share the table) and sessions, one expired and one live of each.
    await db().verificationToken.createMany({
      data: [
        { identifier: `expired.${tag}@example.test`, token: "t1", expires: new Date(now.getTime() - 1_000) },
        { identifier: `email-confirmation:expired.${tag}@example.test`, token: "t2", expires: new Date(now.getTime() - HOUR) },
        { identifier: `live.${tag}@example.test`, token: "t3", expires: new Date(now.getTime() + 15 * 60_000) },
      ],
    });
    const user = await db().user.create({ data: { email: `sessions.${tag}@example.test` } });
    await db().session.createMany({
      data: [
        { sessionToken: `expired-${tag}`, userId: user.id, expires: new Date(now.getTime() - 1_000) },
        { sessionToken: `live-${tag}`, userId: user.id, expires: new Date(now.getTime() + HOUR) },
      ],
    });

    await handlers["records.prune"]({}, pruneJob);

    expect((await db().rateLimitWindow.findMany({ where: { key: { startsWith: `prune:${tag}:` } } })).map((w) => w.key)).toEqual([
      `prune:${tag}:recent`,
    ]);
    expect((await db().signInBackoff.findMany({ where: { key: { contains: tag } } })).map((b) => b.key)).toEqual([
      `recent.${tag}@example.test|203.0.113.50`,
    ]);
    expect((await db().verificationToken.findMany({ where: { identifier: { contains: tag } } })).map((t) => t.token)).toEqual(["t3"]);
    expect((await db().session.findMany({ where: { userId: user.id } })).map((s) => s.sessionToken)).toEqual([`live-${tag}`]);
    // Nothing expired is left anywhere, and a second run finds nothing more to do.
    expect(await pruneExpiredRecords(now)).toEqual({ rateLimitWindows: 0, signInBackoffs: 0, verificationTokens: 0, sessions: 0 });
  });

  it("keeps one schedule in the queue's database, replaced on each worker's start rather than added", async () => {
    const schedules = () =>
      db().$queryRaw<{ key: string; cron: string }[]>`SELECT key, cron FROM pgboss.schedule WHERE name = 'records.prune'`;

    await schedulePruning();
    await schedulePruning();

    expect(await schedules()).toEqual([{ key: "", cron: "45 * * * *" }]);
    await schedule("records.prune", null, {});
    expect(await schedules()).toEqual([]);
  });
});
