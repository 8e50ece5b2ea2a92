/**
 * Usage reminders (the esims.remind job, one per provider on
 * USAGE_REMINDER_SCHEDULE): the provider's live eSIMs are read in pages of
 * USAGE_BATCH_SIZE, one usage look-up per page (MIOeSIM answers a page in
 * one queryIccidInformation call; MeiSIM documents no batch read, so its
 * client asks per eSIM, paced under its 60 reads a minute), and a customer
 * is emailed when 80% of the data is used and when the plan ends within 3
 * days. One job per provider, so a slow one does not hold up the other.
 *
 * Once per eSIM, kind and running plan: the EsimReminder row is claimed
 * (INSERT … ON CONFLICT DO NOTHING on its unique key) in the transaction that
 * records the email under a dedupe key, so a run that repeats, or two runs
 * at once, send one email; the second waits on the first's claim and finds
 * it taken. The email.send job is queued after the commit (the email sweep
 * queues it if that is lost).
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { env } from "../config/env";
import { db } from "../db/client";
import { emailMessageData } from "../email/outgoing";
import { renderUsageReminder } from "../email/templates/usage-reminder";
import { EsimReminderKind, OrderStatus, Prisma } from "../generated/prisma/client";
import { enqueue, schedule } from "../jobs";
import { log } from "../log";
import { usageFor } from "../orders/after-sale";
import { allProviders, providerById } from "../providers/registry";
import type { EsimUsage } from "../providers/types";
import { remindersDue, type ReminderDue } from "./usage";

/** eSIMs read per usage look-up: MIOeSIM's queryIccidInformation takes at most 100 ICCIDs. */
export const USAGE_BATCH_SIZE = 100;

/**
 * An eSIM whose last plan was bought longer ago than this has nothing left
 * to remind about (no plan we sell runs a year, and install windows are a
 * month), so it is no longer read: the job's cost follows live eSIMs, not
 * every eSIM ever sold.
 */
const REMINDER_HORIZON_DAYS = 400;

/** Orders whose eSIMs are delivered and not cancelled as a whole. */
const LIVE_ORDER_STATUSES: OrderStatus[] = [OrderStatus.FULFILLED, OrderStatus.PARTIALLY_FULFILLED, OrderStatus.PARTIALLY_REFUNDED];

const KIND_OF: Record<ReminderDue, EsimReminderKind> = {
  data: EsimReminderKind.DATA_80_PERCENT,
  expiry: EsimReminderKind.EXPIRES_IN_3_DAYS,
};
const REMINDER_KINDS = Object.keys(KIND_OF).length;

export interface ReminderRunSummary {
  provider: string;
  /** eSIMs whose usage was read. */
  checked: number;
  /** Usage look-ups made, one per page. */
  batches: number;
  /** Reminders claimed and queued by this run, by kind. */
  sent: Record<ReminderDue, number>;
  /** The provider could not be read; the remaining eSIMs wait for the next run. */
  unavailable: boolean;
}

interface Candidate {
  iccid: string;
  /** The order whose plan runs now: the eSIM's latest delivered renewal, else the order that delivered it. */
  planOrderId: string;
}

/**
 * One page of a provider's eSIMs that may still need a reminder: delivered,
 * not cancelled, on a plan bought within the horizon, and not yet reminded
 * of both kinds for that plan; in ICCID order after `after`.
 */
async function candidatesAfter(provider: string, after: string, horizon: Date): Promise<Candidate[]> {
  const live = Prisma.join(LIVE_ORDER_STATUSES);
  return db().$queryRaw<Candidate[]>`
    WITH running_plan AS (
      SELECT e.iccid,
             COALESCE(latest."otherOrderId", e."orderId") AS "planOrderId",
             COALESCE(latest."fulfilledAt", e."createdAt") AS "planFrom"
      FROM "Esim" e
      JOIN "Order" o ON o."otherOrderId" = e."orderId"
      LEFT JOIN LATERAL (
        SELECT r."otherOrderId", r."fulfilledAt" FROM "Order" r
        WHERE r."renewsIccid" = e.iccid AND r."fulfilledAt" IS NOT NULL AND r.status::text IN (${live})
        ORDER BY r."fulfilledAt" DESC LIMIT 1
      ) latest ON true
      WHERE o.provider = ${provider} AND o.status::text IN (${live}) AND e."cancelledAt" IS NULL AND e.iccid > ${after}
    )
    SELECT c.iccid, c."planOrderId" FROM running_plan c
    WHERE c."planFrom" >= ${horizon.toISOString()}::timestamp
      AND (SELECT count(*) FROM "EsimReminder" m WHERE m.iccid = c.iccid AND m."planOrderId" = c."planOrderId") < ${REMINDER_KINDS}
    ORDER BY c.iccid
    LIMIT ${USAGE_BATCH_SIZE}`;
}

/** What each email needs about the page's eSIMs: the recipient, the running plan's name, and whether it renews. */
async function emailFacts(candidates: Candidate[]) {
  const [esims, planOrders] = await Promise.all([
    db().esim.findMany({
      where: { iccid: { in: candidates.map((c) => c.iccid) } },
      select: { iccid: true, order: { select: { user: { select: { email: true } }, plan: { select: { renewable: true } } } } },
    }),
    db().order.findMany({
      where: { otherOrderId: { in: candidates.map((c) => c.planOrderId) } },
      select: { otherOrderId: true, planName: true },
    }),
  ]);
  const planNames = new Map(planOrders.map((o) => [o.otherOrderId, o.planName]));
  return new Map(
    esims.map((e) => [
      e.iccid,
      { to: e.order.user.email, renewable: e.order.plan.renewable, planNameOf: (id: string) => planNames.get(id) ?? "" },
    ]),
  );
}

/**
 * Claims one reminder and records its email in one transaction; the job that
 * sends it is queued after the commit. False when it was claimed before.
 */
async function claimAndQueue(
  candidate: Candidate,
  due: ReminderDue,
  usage: EsimUsage,
  facts: { to: string; renewable: boolean; planName: string },
): Promise<boolean> {
  const { iccid, planOrderId } = candidate;
  const kind = KIND_OF[due];
  const esimUrl = new URL(`/esims/${encodeURIComponent(iccid)}`, env().APP_URL).toString();
  const email = await renderUsageReminder(facts.to, {
    kind: due,
    planName: facts.planName,
    iccid,
    usedMb: usage.usedMb,
    totalMb: usage.totalMb,
    expiresAt: usage.expiresAt,
    esimUrl,
    renewUrl: facts.renewable ? `${esimUrl}/renew` : null,
  });
  const emailId = randomUUID();
  const claimed = await db().$transaction(async (tx) => {
    const { count } = await tx.esimReminder.createMany({
      data: {
        iccid,
        kind,
        planOrderId,
        emailId,
        usedMb: usage.usedMb,
        totalMb: usage.totalMb,
        expiresAt: usage.expiresAt ? new Date(usage.expiresAt) : null,
      },
      skipDuplicates: true,
    });
    if (count === 0) return false;
    await tx.emailMessage.create({
      data: { id: emailId, ...emailMessageData(`esim.reminder.${due}`, email, `esim.reminder:${kind}:${iccid}:${planOrderId}`) },
    });
    return true;
  });
  if (claimed) await enqueue("email.send", { emailId });
  return claimed;
}

/**
 * One run of the esims.remind job for one provider. `now` is the clock the
 * reminders are judged by (the provider's end dates against it); tests move
 * it with the simulators' clocks.
 */
export async function sendUsageReminders(providerId: string, now: Date = new Date()): Promise<ReminderRunSummary> {
  const provider = providerById(providerId).id;
  const logger = log.child({ job: "esims.remind", provider });
  const horizon = new Date(now.getTime() - REMINDER_HORIZON_DAYS * 86_400_000);
  const summary: ReminderRunSummary = { provider, checked: 0, batches: 0, sent: { data: 0, expiry: 0 }, unavailable: false };
  for (let after = ""; ;) {
    const candidates = await candidatesAfter(provider, after, horizon);
    if (candidates.length === 0) break;
    after = candidates.at(-1)!.iccid;
    summary.batches += 1;
    const usage = await usageFor(
      provider,
      candidates.map((c) => c.iccid),
    );
    if (!usage.ok) {
      // The provider is down or refused the page: the next run reads it again.
      summary.unavailable = true;
      logger.warn("usage unavailable; reminders wait for the next run", { batch: summary.batches, checked: summary.checked });
      break;
    }
    const usageOf = new Map(usage.usage.map((u) => [u.iccid, u]));
    const facts = await emailFacts(candidates);
    const sent = { data: 0, expiry: 0 };
    for (const candidate of candidates) {
      const reading = usageOf.get(candidate.iccid);
      const fact = facts.get(candidate.iccid);
      if (!reading || !fact) continue;
      for (const due of remindersDue(reading, now)) {
        try {
          const planName = fact.planNameOf(candidate.planOrderId);
          if (await claimAndQueue(candidate, due, reading, { to: fact.to, renewable: fact.renewable, planName })) sent[due] += 1;
        } catch (error) {
          // One eSIM's failure (a lost connection mid-claim) must not hold back the others; the next run tries it again.
          logger.error("could not queue a usage reminder", { iccid: candidate.iccid, reminder: due, error });
        }
      }
    }
    summary.checked += candidates.length;
    summary.sent.data += sent.data;
    summary.sent.expiry += sent.expiry;
    logger.info("usage reminders: batch done", { batch: summary.batches, esims: candidates.length, checked: summary.checked, sent });
    if (candidates.length < USAGE_BATCH_SIZE) break;
  }
  logger.info("usage reminders: run done", { ...summary });
  return summary;
}

/** Sets (or, with USAGE_REMINDER_SCHEDULE=off, removes) each provider's scheduled reminder run; every worker calls it on start. */
export async function scheduleUsageReminders(): Promise<void> {
  const cron = env().USAGE_REMINDER_SCHEDULE;
  for (const provider of allProviders())
    await schedule("esims.remind", cron === "off" ? null : cron, { provider: provider.id }, provider.id);
}
