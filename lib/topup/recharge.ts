/**
 * The recharge of a paid mobile top-up, run by the `topup.recharge` job.
 *
 * MeiSIM's `topup/recharge` takes no reference or idempotency key of ours,
 * so the guard is ours: a run claims the top-up with a lease (RECHARGING),
 * confirms the SIM again, commits `rechargeSentAt`, and only then sends the
 * one request. A top-up with `rechargeSentAt` set is never sent again
 * automatically: a lost answer, or a run that died after sending, is
 * settled by inspecting MeiSIM's order history (GET /api/v1/orders, the
 * last 100 orders, top-ups included):
 *
 * - no top-up since the attempt, in a window that reaches back to it: it
 *   was not recharged, so the money goes back;
 * - a top-up since then, or a window that does not reach back: the history
 *   cannot tell whose it is (it carries no reference of ours), so a person
 *   decides (NEEDS_REVIEW). Never recharged twice, never refunded on a guess.
 *
 * A refusal (the SIM is gone, the value is out of range, the dealer wallet
 * is short) means nothing was charged upstream: the money goes back. Any
 * other answer counts as recharged only once the history shows the
 * completed top-up under the transaction id the answer gave; else review.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { env } from "../config/env";
import { db } from "../db/client";
import { MobileTopupStatus, type MobileTopup } from "../generated/prisma/client";
import { enqueue } from "../jobs";
import { log } from "../log";
import { applyTopupTransition, type TopupEvent, type TopupTransitionOptions } from "../orders/mobile-topup-lifecycle";
import { describeProviderFailure, OrderOutcomeUnknownError } from "../providers/errors";
import { MeisimApiError, MeisimInputError, MeisimUpstreamError, ORDER_HISTORY_WINDOW, type MeisimOrderRecord } from "../providers/meisim";
import { meisimClient } from "../providers/registry";
import { refundFailedRecharge } from "./refund";

/** Clocks differ: a history row stamped this much before our attempt may still be its answer. */
const CLOCK_SKEW_MS = 2 * 60_000;

/** The documents say nothing of how soon a top-up reaches the history: looks after a recharge answer, this long apart. */
const HISTORY_CONFIRMATION_WAITS_MS = [0, 1_000, 3_000];

export interface RechargeOutcome {
  /** The run ended on a failure that may pass (MeiSIM unreachable before anything was sent); the job tries again. */
  transient: boolean;
}

/**
 * Claims the paid top-up (or takes over one whose run's lease ran out) and
 * recharges it. Safe to call any number of times, concurrently: only the
 * lease holder talks to MeiSIM, and a top-up in any other state is left alone.
 */
export async function rechargeTopup(id: string, lastAttempt = false): Promise<RechargeOutcome> {
  const leaseToken = randomUUID();
  const leaseMs = env().FULFILMENT_LEASE_MS;
  const lease = () => ({ leaseToken, leaseExpiresAt: new Date(Date.now() + leaseMs) });
  const claimed =
    (await applyTopupTransition(id, "recharge_started", { data: lease() })) ||
    (
      await db().mobileTopup.updateMany({
        where: { id, status: MobileTopupStatus.RECHARGING, OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: new Date() } }] },
        data: lease(),
      })
    ).count === 1;
  if (!claimed) return { transient: false };
  const renewal = setInterval(() => {
    db()
      .mobileTopup.updateMany({ where: { id, leaseToken, status: MobileTopupStatus.RECHARGING }, data: lease() })
      .catch((error: unknown) => log.warn("could not renew a mobile top-up's lease", { topupId: id, error }));
  }, leaseMs / 3);
  renewal.unref();
  try {
    const topup = await db().mobileTopup.findUniqueOrThrow({ where: { id } });
    return await new RechargeRun(topup, leaseToken, lastAttempt).run();
  } finally {
    clearInterval(renewal);
  }
}

class RechargeRun {
  private readonly log;

  constructor(
    private readonly topup: MobileTopup,
    private readonly leaseToken: string,
    private readonly lastAttempt: boolean,
  ) {
    this.log = log.child({ job: "topup.recharge", topupId: topup.id, network: topup.networkName });
  }

  async run(): Promise<RechargeOutcome> {
    if (this.topup.rechargeSentAt) {
      this.log.info("an earlier recharge request may have reached MeiSIM; inspecting its history");
      return this.inspect(this.topup.rechargeSentAt);
    }
    const client = meisimClient();
    const target = {
      networkName: this.topup.networkName,
      ...(this.topup.contactNumber ? { contactNumber: this.topup.contactNumber } : { simSerialNumber: this.topup.simSerialNumber! }),
    };
    let confirmation;
    try {
      confirmation = await client.topup.confirm(target);
    } catch (err) {
      if (isRefusal(err)) return this.refund(`The network no longer confirms the SIM: ${describeProviderFailure(err)}`);
      return this.transientFailure(err);
    }
    const sentAt = new Date();
    // Committed before sending: from here on this top-up is only ever inspected, never sent blindly again.
    const { count } = await db().mobileTopup.updateMany({
      where: { id: this.topup.id, leaseToken: this.leaseToken, status: MobileTopupStatus.RECHARGING },
      data: { rechargeSentAt: sentAt },
    });
    if (count !== 1) return { transient: false }; // the lease was taken over meanwhile
    try {
      const result = await client.topup.recharge(confirmation, { topUpMinor: this.topup.faceValueMinor });
      if (result.charged && result.charged.amountMinor > this.topup.costEstimateMinor)
        this.log.warn("MeiSIM charged more than the quote expected; check TOPUP_USD_RATES", {
          chargedMinor: result.charged.amountMinor,
          expectedMinor: this.topup.costEstimateMinor,
        });
      const unconfirmed = await this.unconfirmedInHistory(result.transactionId, sentAt);
      if (unconfirmed) {
        this.log.error("recharge answered without a documented success; held for review", { reason: unconfirmed });
        await this.move("review_needed", {
          data: {
            reviewReason: unconfirmed.slice(0, 1000),
            rechargeRef: result.transactionId,
            chargedMinor: result.charged?.amountMinor ?? null,
            leaseToken: null,
            leaseExpiresAt: null,
          },
          details: { reason: unconfirmed, transactionId: result.transactionId },
        });
        return { transient: false };
      }
      await this.move("recharged", {
        data: {
          rechargeRef: result.transactionId,
          chargedMinor: result.charged?.amountMinor ?? null,
          rechargedAt: new Date(),
          leaseToken: null,
          leaseExpiresAt: null,
        },
        details: { transactionId: result.transactionId, chargedMinor: result.charged?.amountMinor ?? null },
      });
      return { transient: false };
    } catch (err) {
      if (err instanceof OrderOutcomeUnknownError) {
        this.log.error("recharge answer lost; inspecting MeiSIM's history", { error: err.message });
        return this.inspect(sentAt);
      }
      // A definite answer: MeiSIM refused, or the request never left (nothing reached MeiSIM either way).
      if (isRefusal(err)) return this.refund(`MeiSIM refused the recharge: ${describeProviderFailure(err)}`);
      await db().mobileTopup.updateMany({ where: { id: this.topup.id, leaseToken: this.leaseToken }, data: { rechargeSentAt: null } });
      return this.transientFailure(err);
    }
  }

  /**
   * MeiSIM documents no answer for topup/recharge, so a 2xx that does not
   * read as a refusal proves nothing by itself. The documented record of a
   * done top-up is a history row (GET /api/v1/orders) of order_type "topup"
   * and status "completed": the recharge counts as made only when the
   * history shows that row under the transaction id the answer named, made
   * since the request. Returns null when it does, else why not (the top-up
   * then goes to review: never refunded, never sent again, on a guess).
   */
  private async unconfirmedInHistory(transactionId: string | null, sentAt: Date): Promise<string | null> {
    if (!transactionId)
      return "MeiSIM answered the recharge without a failure but named no transaction, so its history cannot confirm it: check the top-up in MeiSIM's records.";
    const since = sentAt.getTime() - CLOCK_SKEW_MS;
    let last = "";
    for (const waitMs of HISTORY_CONFIRMATION_WAITS_MS) {
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      try {
        const row = (await meisimClient().account.orders()).find((o) => o.id === transactionId);
        if (row?.type === "topup" && row.status === "completed" && Date.parse(row.createdAt) >= since) return null;
        last = row
          ? `its history shows ${transactionId} as a ${row.type} order, status "${row.status}", not a completed top-up since the request`
          : `its history does not show ${transactionId}`;
      } catch (err) {
        last = `its history could not be read (${describeProviderFailure(err)})`;
      }
    }
    return `MeiSIM answered the recharge without a failure (transaction ${transactionId}), but ${last}: check the top-up in MeiSIM's records, then record it as recharged or refund it.`;
  }

  /** Reads MeiSIM's history for a recharge sent at `sentAt` whose answer we do not have. */
  private async inspect(sentAt: Date): Promise<RechargeOutcome> {
    let history: MeisimOrderRecord[];
    try {
      history = await meisimClient().account.orders();
    } catch (err) {
      return this.transientFailure(err);
    }
    const since = sentAt.getTime() - CLOCK_SKEW_MS;
    const candidates = await unclaimedTopupsSince(history, sentAt);
    const reachesBack = history.length < ORDER_HISTORY_WINDOW || history.some((o) => Date.parse(o.createdAt) < since);
    if (candidates.length === 0 && reachesBack) return this.refund("MeiSIM's history shows no recharge after the request was sent.");
    const reason =
      candidates.length > 0
        ? `The recharge answer was lost and MeiSIM's history shows ${candidates.length} top-up(s) since (${candidates.map((c) => c.id).join(", ")}), none naming ours: check which is this one.`
        : `The recharge answer was lost and MeiSIM's last ${ORDER_HISTORY_WINDOW} orders do not reach back to it.`;
    await this.move("review_needed", {
      data: { reviewReason: reason.slice(0, 1000), leaseToken: null, leaseExpiresAt: null },
      details: { reason, candidates: candidates.map((c) => c.id) },
    });
    return { transient: false };
  }

  private async refund(reason: string): Promise<RechargeOutcome> {
    this.log.warn("recharge not made; refunding", { reason });
    await refundFailedRecharge(this.topup.id, reason, this.leaseToken);
    return { transient: false };
  }

  /** MeiSIM could not be reached (or refused for a while): back to PAID for the job's next attempt, or to a person after the last. */
  private async transientFailure(err: unknown): Promise<RechargeOutcome> {
    const reason = describeProviderFailure(err);
    if (this.lastAttempt) {
      await this.move("review_needed", {
        data: {
          reviewReason: `MeiSIM could not be reached on the last attempt: ${reason}`.slice(0, 1000),
          leaseToken: null,
          leaseExpiresAt: null,
        },
        details: { reason },
      });
      return { transient: false };
    }
    this.log.warn("recharge attempt failed; the job tries again", { reason });
    await this.move("retry_requested", { data: { leaseToken: null, leaseExpiresAt: null }, details: { automatic: true, reason } });
    return { transient: true };
  }

  private move(event: TopupEvent, options: Omit<TopupTransitionOptions, "leaseToken">): Promise<boolean> {
    return applyTopupTransition(this.topup.id, event, { ...options, leaseToken: this.leaseToken });
  }
}

/**
 * The top-ups in MeiSIM's history made since a request sent at `sentAt`
 * (allowing for clock skew) that no other top-up of ours has claimed: the
 * rows that could be this one's recharge.
 */
export async function unclaimedTopupsSince(history: readonly MeisimOrderRecord[], sentAt: Date, ownId?: string) {
  const since = sentAt.getTime() - CLOCK_SKEW_MS;
  const claimed = await db().mobileTopup.findMany({
    where: { rechargeRef: { not: null }, ...(ownId && { id: { not: ownId } }) },
    select: { rechargeRef: true },
  });
  const known = new Set(claimed.map((t) => t.rechargeRef));
  return history.filter((o) => o.type === "topup" && Date.parse(o.createdAt) >= since && !known.has(o.id));
}

/** A definite "no" from MeiSIM or our own client's checks: nothing was charged upstream. */
function isRefusal(err: unknown): boolean {
  if (err instanceof MeisimInputError || err instanceof MeisimUpstreamError) return true;
  return err instanceof MeisimApiError && [400, 402, 403, 404].includes(err.status);
}

/**
 * Top-ups a crash left behind: paid but never handed to the job, or
 * recharging under a lease that ran out. The job is keyed by top-up, so a
 * sweep never queues one twice, and a taken-over run inspects before sending.
 */
export async function sweepStrandedTopups(now = new Date()): Promise<number> {
  const stranded = await db().mobileTopup.findMany({
    where: {
      OR: [
        { status: MobileTopupStatus.PAID },
        { status: MobileTopupStatus.RECHARGING, OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] },
      ],
    },
    select: { id: true },
    orderBy: { paidAt: "asc" },
    take: 500,
  });
  let queued = 0;
  for (const { id } of stranded) if (await enqueue("topup.recharge", { topupId: id })) queued++;
  if (queued > 0) log.info("stranded mobile top-ups handed back to the recharge job", { found: stranded.length, queued });
  return queued;
}
