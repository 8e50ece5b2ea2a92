/**
 * Turns a paid order into eSIMs at the upstream provider, using only what
 * the provider documents on the way from payment to delivery:
 *
 * - A first placement is one order request, with no look-up before it.
 * - `placementSentAt` is committed just before a request is sent. From then
 *   on the order may exist upstream, so a later run (a retry, or a restart
 *   after a crash) looks it up instead of placing it again.
 * - A lost answer is settled by a look-up. When the provider cannot tell, the
 *   order goes to NEEDS_REVIEW with the reason; it is never placed again
 *   automatically. Only a documented answer that proves no order exists
 *   allows a second placement ("absent", which only MeiSIM's history gives),
 *   and only once that absence has held for PROVIDER_ABSENCE_WINDOW_SECONDS
 *   after the request was sent: until then the order waits for the
 *   order.poll job, which asks again with its backoff. One such placement
 *   per order (`replacedOnAbsenceAt`); absent again after it, the order goes
 *   to review.
 * - An order the provider reports as pending (no cards yet) is looked up
 *   again a few times in the run (PROVIDER_POLL_ATTEMPTS). If it is still
 *   pending, the run hands it to the order.poll job and ends: the order stays
 *   FULFILLING, its lease passes to the job (AWAITING_PROVIDER), and the job
 *   looks it up with backoff until it is delivered, or hands it to review
 *   PROVIDER_POLL_TIMEOUT_SECONDS after it was sent.
 *
 * Every status change goes through the lifecycle module, from the state this
 * run expects, so a refund made meanwhile is never overwritten.
 */
import "server-only";
import { env } from "../config/env";
import { db, type Prisma } from "../db/client";
import { randomUUID } from "node:crypto";
import { OrderStatus, type Order } from "../generated/prisma/client";
import { enqueue, POLL_MAX_DELAY_SECONDS, providerPollRetries } from "../jobs";
import { log, type Logger } from "../log";
import { refundOrder } from "../billing/refunds";
import {
  describeProviderFailure,
  installUnreadableIn,
  OrderOutcomeUnknownError,
  ProviderError,
  ProviderFundsError,
} from "../providers/errors";
import { providerById } from "../providers/registry";
import type { DeliveredEsim, EsimProvider, OrderLookup, ProviderOrder } from "../providers/types";
import { storedActivationDetails } from "./activation-details";
import { applyTransition, AWAITING_PROVIDER, canRetry, type OrderEvent, type TransitionOptions } from "./lifecycle";
import { emailDelivery } from "./notifications";
import { failureBody, recordProviderAnswer, type ProviderOperation } from "./provider-answers";

/** Our line reference for each eSIM of an order: "<otherOrderId>-1" … "-<quantity>". */
export function itemIdsOf(order: Pick<Order, "otherOrderId" | "quantity">): string[] {
  return Array.from({ length: order.quantity }, (_, index) => `${order.otherOrderId}-${index + 1}`);
}

type FulfilmentOrder = Order & { user: { email: string } };

/** What a step learnt: a look-up answer, or a definite refusal with the cards placed before it. */
type Step = OrderLookup | { outcome: "refused"; reason: string };

/**
 * How a run ended: `transient` when it settled on a failure worth trying
 * again later (a refusal the provider marks retryable, or a look-up that
 * could not reach it), as opposed to a definite answer; `awaitingProvider`
 * when the provider is still processing the order and the order.poll job
 * follows it.
 */
export interface FulfilmentOutcome {
  transient: boolean;
  awaitingProvider: boolean;
}

export { AWAITING_PROVIDER };

/**
 * Claims a paid order (or takes over one whose run's lease ran out) and
 * places it. Safe to call any number of times, concurrently, from any
 * process: only the holder of the lease talks to the provider, and the lease
 * is renewed while it does.
 */
export async function fulfilPaidOrder(otherOrderId: string, options: { chargeAcceptedBy?: string } = {}): Promise<FulfilmentOutcome> {
  const claim = async (lease: Lease) =>
    (await applyTransition(otherOrderId, "placement_started", { data: lease })) ||
    // A run that died mid-placement: its lease is over, so this run carries on (looking the order up first).
    (
      await db().order.updateMany({
        where: { otherOrderId, status: OrderStatus.FULFILLING, OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: new Date() } }] },
        data: lease,
      })
    ).count === 1;
  const outcome = await runWithLease(otherOrderId, claim, {
    job: "order.fulfil",
    inlinePolls: env().PROVIDER_POLL_ATTEMPTS,
    lastAttempt: false,
    chargeAcceptedBy: options.chargeAcceptedBy,
  });
  // If this enqueue is lost (a crash), the recovery sweep queues the job for an order awaiting the provider.
  if (outcome.awaitingProvider) await enqueue("order.poll", { otherOrderId }, providerPollRetries());
  return outcome;
}

/**
 * One attempt of the order.poll job: takes up an order awaiting the
 * provider, looks it up, and settles it as fulfilment does (delivered, or
 * review once PROVIDER_POLL_TIMEOUT_SECONDS have passed or on the job's
 * last attempt), or hands it back to wait (`awaitingProvider`: look again
 * after the job's backoff). Does nothing for an order no longer waiting.
 */
export async function pollPendingOrder(otherOrderId: string, lastAttempt: boolean): Promise<FulfilmentOutcome> {
  const claim = async (lease: Lease) =>
    (await db().order.updateMany({ where: { otherOrderId, status: OrderStatus.FULFILLING, leaseToken: AWAITING_PROVIDER }, data: lease }))
      .count === 1;
  return runWithLease(otherOrderId, claim, { job: "order.poll", inlinePolls: 0, lastAttempt });
}

interface Lease {
  leaseToken: string;
  leaseExpiresAt: Date;
}

interface RunOptions {
  job: "order.fulfil" | "order.poll";
  /** Look-ups this run makes itself while the provider reports the order pending. */
  inlinePolls: number;
  /** The polling job's last attempt: an order still pending goes to review now. */
  lastAttempt: boolean;
  /** The admin who retried an order held by the charge check (CHARGE_HOLD), accepting the provider's charge. */
  chargeAcceptedBy?: string;
}

/** Runs a placement under a fresh lease, renewed while it works, if `claim` takes the order with it. */
async function runWithLease(
  otherOrderId: string,
  claim: (lease: Lease) => Promise<boolean>,
  options: RunOptions,
): Promise<FulfilmentOutcome> {
  const leaseToken = randomUUID();
  const leaseMs = env().FULFILMENT_LEASE_MS;
  const lease = () => ({ leaseToken, leaseExpiresAt: new Date(Date.now() + leaseMs) });
  if (!(await claim(lease()))) return { transient: false, awaitingProvider: false }; // not paid yet, settled, or a live run has it
  const renewal = setInterval(() => {
    db()
      .order.updateMany({
        where: { otherOrderId, leaseToken, status: OrderStatus.FULFILLING },
        data: { leaseExpiresAt: lease().leaseExpiresAt },
      })
      .catch((error: unknown) => log.warn("could not renew the fulfilment lease", { otherOrderId, error }));
  }, leaseMs / 3);
  renewal.unref();
  try {
    const order = await db().order.findUniqueOrThrow({ where: { otherOrderId }, include: { user: { select: { email: true } } } });
    const run = new PlacementRun(order, leaseToken, options);
    await run.run();
    // An order handed to the poll job is not retried by the fulfilment job: the poll job owns it now.
    return { transient: run.transient && !run.awaitingProvider, awaitingProvider: run.awaitingProvider };
  } finally {
    clearInterval(renewal);
  }
}

/**
 * After a transient failure, puts the order back to PAID for the job's next
 * attempt (pg-boss waits with backoff). An order that may exist upstream
 * keeps `placementSentAt`, so that attempt looks it up first.
 */
export async function requeueAfterTransientFailure(otherOrderId: string, attempt: number): Promise<boolean> {
  return applyTransition(otherOrderId, "retry_requested", { data: { reviewReason: null }, details: { automatic: true, attempt } });
}

/**
 * Admin retry of a failed or reviewed fulfilment, or of one whose run died.
 * An order whose request may have reached the provider is looked up first.
 * `confirmedAbsent` is the admin's word, with a reason, that they checked the
 * provider and it holds no such order: only then is a reviewed order placed
 * afresh instead of looked up.
 */
export async function retryFulfilment(
  otherOrderId: string,
  actorId: string | null = null,
  now = Date.now(),
  confirmedAbsent: { reason: string } | null = null,
): Promise<void> {
  const order = await db().order.findUnique({ where: { otherOrderId } });
  if (!order || !canRetry(order, now)) return;
  // The admin's word replaces the absence window: the run places afresh, and may once more place again on a later confirmed absence.
  const data = confirmedAbsent ? { reviewReason: null, placementSentAt: null, replacedOnAbsenceAt: null } : { reviewReason: null };
  const details = confirmedAbsent ? { confirmedAbsent: confirmedAbsent.reason } : undefined;
  if (!(await applyTransition(otherOrderId, "retry_requested", { actorId, data, details }))) return;
  // An admin retrying an order the charge check held has seen the charge and accepts it.
  const chargeAccepted = actorId !== null && order.reviewReason?.startsWith(CHARGE_HOLD) === true;
  await fulfilPaidOrder(otherOrderId, chargeAccepted ? { chargeAcceptedBy: actorId } : {});
}

/** How a review reason set by the charge check begins; an admin's retry of such an order accepts the charge. */
export const CHARGE_HOLD = "Provider charge check:";

/**
 * Most a provider may charge above the catalog cost before the order is
 * held: one minor unit per eSIM. The providers state prices in major units
 * (4.49), so the only honest difference from the catalog cost is the
 * rounding of each card's figure; a real price rise is a catalog change the
 * next sync takes in. A percentage would let a rise through unseen, and a
 * price may sit at the floor (cost plus the card fee), where any rise is a loss.
 */
export const CHARGE_TOLERANCE_MINOR_PER_ESIM = 1;

/**
 * Why a provider's answer must not be delivered without a person: charged
 * in another currency than the order was sold in, above the catalog cost
 * (beyond the rounding tolerance), or above what the customer paid. Null
 * when the answer states no charge (the documents promise none for MeiSIM's
 * /api/v1/esim/order) or the charge is as expected.
 */
export function chargeHoldReason(
  placed: Pick<ProviderOrder, "charged" | "esims" | "status">,
  expected: { unitCostMinor: number; costCurrency: string; soldMinor: number; soldCurrency: string; cards: number },
): string | null {
  const charged = placed.charged;
  if (!charged) return null;
  const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
  if (charged.currency !== expected.soldCurrency || charged.currency !== expected.costCurrency) {
    return `${CHARGE_HOLD} the provider charged ${money(charged.amountMinor, charged.currency)}, but the plan costs ${expected.costCurrency} and was sold in ${expected.soldCurrency}; the margin cannot be known. Check the provider account's currency, then retry to accept or refund.`;
  }
  const cost = expected.unitCostMinor * expected.cards;
  const tolerance = CHARGE_TOLERANCE_MINOR_PER_ESIM * expected.cards;
  if (charged.amountMinor > cost + tolerance) {
    return `${CHARGE_HOLD} the provider charged ${money(charged.amountMinor, charged.currency)} for ${expected.cards} eSIM(s), above the catalog cost of ${money(cost, expected.costCurrency)}; check the provider's price and re-sync the catalog, then retry to accept or refund.`;
  }
  if (charged.amountMinor > expected.soldMinor) {
    return `${CHARGE_HOLD} the provider charged ${money(charged.amountMinor, charged.currency)}, more than the customer paid (${money(expected.soldMinor, expected.soldCurrency)}); retry to accept or refund.`;
  }
  return null;
}

class PlacementRun {
  private readonly provider: EsimProvider;
  private readonly log: Logger;
  private readonly itemIds: string[];
  /** This run placed the missing cards of a found order once; what is still missing after that was refused. */
  private placedMissing = false;
  private pollsLeft: number;
  /** The provider has the order (it reported it pending), so a look-up that fails is waited out, not reviewed. */
  private providerHasOrder: boolean;
  /** Set when the run ends on a failure that may pass: a retryable refusal, or a look-up that could not reach the provider. */
  transient = false;
  /** Set when the run handed the order to the order.poll job. */
  awaitingProvider = false;
  /** The provider refused because our account there cannot pay (ProviderFundsError): nothing was placed, so the customer gets their money back. */
  private refundOnFailure = false;
  /** eSIMs the last placement request asked for (all of them until one is sent), for the charge check. */
  private requested: number;

  constructor(
    private readonly order: FulfilmentOrder,
    private readonly leaseToken: string,
    private readonly options: RunOptions,
  ) {
    this.provider = providerById(order.provider);
    this.log = log.child({ job: options.job, otherOrderId: order.otherOrderId, provider: order.provider });
    this.itemIds = itemIdsOf(order);
    this.pollsLeft = options.inlinePolls;
    this.requested = this.itemIds.length;
    this.providerHasOrder = options.job === "order.poll";
  }

  async run(): Promise<void> {
    let sentAt = this.order.placementSentAt;
    let step: Step;
    if (sentAt) {
      this.log.info("an earlier request may have reached the provider; looking it up");
      step = await this.lookUp(sentAt);
    } else {
      ({ step, sentAt } = await this.place(this.itemIds));
    }

    for (;;) {
      if (step.outcome === "unknown") {
        if (this.transient && this.providerHasOrder) return this.awaitProvider(sentAt, step.reason);
        return this.finish("review_needed", { reviewReason: step.reason.slice(0, 1000) }, step.reason);
      }
      if (step.outcome === "refused") return this.settleRefusal(step.reason);
      if (step.outcome === "absent") {
        if (!absenceHeld(sentAt)) return this.awaitProvider(sentAt, ABSENT_SO_FAR);
        if (await this.replacedOnAbsence()) {
          const reason =
            "The provider's records showed no such order after it was placed a second time (both answers were lost or unreadable). It is not placed a third time: check the provider's records, then attach the order, place it, or refund.";
          return this.finish("review_needed", { reviewReason: reason }, reason);
        }
        const placement = await this.place(await this.missingItems(), { onAbsence: true });
        ({ step, sentAt } = placement);
        continue;
      }
      // Found: keep what was delivered, then see what is still owed.
      await this.save(step.order.esims, step.order.providerOrderRef, step.order.providerShortRef);
      const held = await this.chargeHold(step.order);
      if (held) return this.finish("review_needed", { reviewReason: held.slice(0, 1000) }, held);
      if (step.order.emailedByProvider && step.order.status === "active") {
        // No install details come back: the provider emails the activation, so active upstream is delivered.
        return this.finish("delivered", {
          providerOrderRef: step.order.providerOrderRef,
          // Kept from the placement's answer when the look-up that found it active gives none.
          ...(step.order.providerShortRef ? { providerShortRef: step.order.providerShortRef } : {}),
          fulfilledAt: new Date(),
          failureReason: null,
          reviewReason: null,
        });
      }
      if (step.order.emailedByProvider && step.order.status !== "pending") {
        const reason = `The provider reports the order ${step.order.status}, not active: check it with the provider.`;
        return this.finish("review_needed", { reviewReason: reason }, reason);
      }
      if (step.order.status === "pending") {
        this.providerHasOrder = true;
        if (this.pollsLeft === 0) return this.awaitProvider(sentAt, "The provider still reports the order pending (no installable eSIM).");
        this.pollsLeft--;
        await new Promise((resolve) => setTimeout(resolve, env().PROVIDER_POLL_INTERVAL_MS));
        step = await this.lookUp(sentAt);
        continue;
      }
      const missing = await this.missingItems();
      if (this.order.renewsIccid || missing.length === 0) {
        return this.finish("delivered", {
          providerOrderRef: step.order.providerOrderRef,
          fulfilledAt: new Date(),
          failureReason: null,
          reviewReason: null,
        });
      }
      // The look-up found some cards; the others are missing from the provider's records. Believed only once that held for the window.
      if (!absenceHeld(sentAt)) return this.awaitProvider(sentAt, ABSENT_SO_FAR);
      if (this.placedMissing || (await this.replacedOnAbsence()))
        return this.settleRefusal(`${missing.length} of ${this.order.quantity} eSIMs could not be placed.`);
      this.placedMissing = true;
      ({ step, sentAt } = await this.place(missing, { onAbsence: true }));
    }
  }

  /** Whether this order was already placed again on a confirmed absence (read from the database, so it holds across runs). */
  private async replacedOnAbsence(): Promise<boolean> {
    const { replacedOnAbsenceAt } = await db().order.findUniqueOrThrow({
      where: { otherOrderId: this.order.otherOrderId },
      select: { replacedOnAbsenceAt: true },
    });
    return replacedOnAbsenceAt !== null;
  }

  /**
   * One placement request, committed as sent before it goes out, and only
   * while this run holds the lease. `onAbsence`: a placement made because
   * the provider's records showed no order for the whole window, marked so
   * no later run makes another.
   */
  private async place(itemIds: string[], options: { onAbsence?: boolean } = {}): Promise<{ step: Step; sentAt: Date }> {
    this.requested = itemIds.length;
    const sentAt = new Date();
    const { count } = await db().order.updateMany({
      where: { otherOrderId: this.order.otherOrderId, leaseToken: this.leaseToken, status: OrderStatus.FULFILLING },
      data: { placementSentAt: sentAt, ...(options.onAbsence ? { replacedOnAbsenceAt: sentAt } : {}) },
    });
    if (count === 0) return { step: { outcome: "unknown", reason: "This run no longer holds the order; another run carries on." }, sentAt };
    const { otherOrderId, planRef, renewsIccid } = this.order;
    try {
      const placed = renewsIccid
        ? await this.provider.renew({ iccid: renewsIccid, planRef, otherOrderId })
        : await this.provider.placeOrder({
            planRef,
            otherOrderId,
            itemIds,
            customerEmail: this.order.user.email,
            customer: storedActivationDetails(this.order.activationDetails) ?? undefined,
            dpId: this.order.dpId,
          });
      this.log.info("placed", { providerOrderRef: placed.providerOrderRef, status: placed.status, esims: placed.esims.length });
      await this.keepAnswer(renewsIccid ? "renew" : "place", placed.status, placed);
      return { step: { outcome: "found", order: placed }, sentAt };
    } catch (err) {
      await this.keepAnswer(
        renewsIccid ? "renew" : "place",
        err instanceof OrderOutcomeUnknownError ? "lost" : "refused",
        failureBody(err),
      );
      await this.save(partialOf(err), null);
      const unreadable = installUnreadableIn(err);
      if (unreadable) {
        // Placed for certain, so never placed again; and its install is never made up: a person gets it from the provider.
        const notSent = (err as { notSent?: unknown }).notSent;
        const unsent = Array.isArray(notSent) && notSent.length > 0 ? ` ${notSent.length} further eSIM(s) were not sent.` : "";
        const reason = `The provider placed eSIM ${unreadable.iccid} but its activation could not be read (${describeProviderFailure(unreadable.cause)}); it is not delivered.${unsent} Get the activation code from the provider (e.g. resend its activation email) and attach it, or refund; do not place it again.`;
        this.log.error("placed, but the install could not be read; held for review", { iccid: unreadable.iccid, reason });
        return { step: { outcome: "unknown", reason }, sentAt };
      }
      if (err instanceof OrderOutcomeUnknownError) {
        this.log.warn("the order request's answer was lost; looking it up", { reason: describeProviderFailure(err) });
        return { step: await this.lookUp(sentAt), sentAt };
      }
      const reason = describeProviderFailure(err);
      this.transient = err instanceof ProviderError && err.retryable;
      this.refundOnFailure = err instanceof ProviderFundsError || (err instanceof ProviderError && err.cause instanceof ProviderFundsError);
      this.log.error("the provider refused the order", { reason, retryable: this.transient });
      return { step: { outcome: "refused", reason }, sentAt };
    }
  }

  private async lookUp(attemptedAt: Date): Promise<OrderLookup> {
    const current = await db().order.findUniqueOrThrow({
      where: { otherOrderId: this.order.otherOrderId },
      select: { providerOrderRef: true },
    });
    try {
      const found = await this.provider.findOrder({
        otherOrderId: this.order.otherOrderId,
        itemIds: this.itemIds,
        providerOrderRef: current.providerOrderRef,
        attemptedAt,
        planRef: this.order.planRef,
        dpId: this.order.dpId,
      });
      this.log.info("looked up", { outcome: found.outcome });
      await this.keepAnswer("look-up", found.outcome, found.outcome === "found" ? (found.raw ?? found.order) : found);
      return found;
    } catch (err) {
      await this.keepAnswer("look-up", "failed", failureBody(err));
      this.transient = true;
      return { outcome: "unknown", reason: `The look-up failed: ${describeProviderFailure(err)}` };
    }
  }

  /**
   * The provider is still processing the order (or could not be reached to
   * say): the order waits for the order.poll job, with the lease passed to
   * it; or goes to review once PROVIDER_POLL_TIMEOUT_SECONDS have passed
   * since it was sent, or on the job's last attempt.
   */
  private async awaitProvider(sentAt: Date, reason: string): Promise<void> {
    const { PROVIDER_POLL_TIMEOUT_SECONDS: timeoutSeconds, FULFILMENT_LEASE_MS: leaseMs } = env();
    const deadline = sentAt.getTime() + timeoutSeconds * 1000;
    if (this.options.lastAttempt || Date.now() >= deadline) {
      const gaveUp = `${reason} Gave up waiting ${Math.round((Date.now() - sentAt.getTime()) / 1000)} s after the order was sent; check it with the provider.`;
      return this.finish("review_needed", { reviewReason: gaveUp.slice(0, 1000) }, gaveUp);
    }
    const { count } = await db().order.updateMany({
      where: { otherOrderId: this.order.otherOrderId, leaseToken: this.leaseToken, status: OrderStatus.FULFILLING },
      // The job's look-up after the deadline comes at most one wait later.
      data: { leaseToken: AWAITING_PROVIDER, leaseExpiresAt: new Date(deadline + POLL_MAX_DELAY_SECONDS * 1000 + leaseMs) },
    });
    if (count === 0) {
      this.log.warn("order changed during placement; leaving it as it is", { wanted: "awaiting the provider" });
      return;
    }
    this.awaitingProvider = true;
    this.log.info("awaiting the provider; the order.poll job follows the order", { reason, giveUpAt: new Date(deadline).toISOString() });
  }

  /** Nothing more can be placed: partly delivered if any eSIM arrived, failed otherwise. */
  private async settleRefusal(reason: string): Promise<void> {
    const delivered = await db().esim.count({ where: { orderId: this.order.otherOrderId } });
    if (delivered > 0 && !this.order.renewsIccid) {
      await this.finish("partially_delivered", { failureReason: reason.slice(0, 500), fulfilledAt: new Date() }, reason);
      if (this.refundOnFailure) await this.refundUnplaced(reason, { onlyUnplaced: true });
      return;
    }
    // Nothing reached the provider, so a retry may place the order afresh.
    await this.finish("placement_failed", { failureReason: reason.slice(0, 500), placementSentAt: null }, reason);
    if (this.refundOnFailure) await this.refundUnplaced(reason);
  }

  /**
   * The provider could not be paid from our account there (the wallet ran
   * short after the check before payment): nothing was placed, so the
   * customer is refunded at once; admins see it on the order and in the log.
   * refundOrder is idempotent per order, so a second run refunds nothing more.
   */
  private async refundUnplaced(reason: string, options: { onlyUnplaced?: boolean } = {}): Promise<void> {
    this.log.error("provider account short at placement; refunding the customer", { reason, onlyUnplaced: options.onlyUnplaced ?? false });
    try {
      await refundOrder(this.order.otherOrderId, {
        actorId: null,
        reason: `Not placed: ${this.provider.displayName} account could not pay (${reason})`.slice(0, 500),
        onlyUnplaced: options.onlyUnplaced,
      });
    } catch (error) {
      // The order stays in delivery failed, where an admin can refund it.
      this.log.error("could not refund the unplaced order", { error });
    }
  }

  private async finish(event: OrderEvent, data: TransitionOptions["data"], reason?: string): Promise<void> {
    const applied = await applyTransition(this.order.otherOrderId, event, {
      leaseToken: this.leaseToken,
      data: { ...data, leaseToken: null, leaseExpiresAt: null },
      details: reason ? { reason } : undefined,
    });
    if (!applied) {
      // A refund, an admin or a run that took over moved the order meanwhile; their state stands.
      const now = await db().order.findUnique({ where: { otherOrderId: this.order.otherOrderId }, select: { status: true } });
      this.log.warn("order changed during placement; leaving it as it is", { wanted: event, status: now?.status });
      return;
    }
    this.log.info("settled", { event, reason });
    if (event === "delivered" || event === "partially_delivered") {
      // The order is delivered whatever happens to the email; the page shows the same details.
      await emailDelivery(this.order.otherOrderId).catch((error: unknown) =>
        this.log.error("could not queue the delivery email", { error }),
      );
    }
  }

  /**
   * The charge check of a provider's answer (chargeHoldReason), against the
   * plan's catalog cost now and what the customer paid; logged as an error
   * when it holds the order, so the admin is alerted beside the dashboard's
   * review list and the order's audit entry.
   */
  private async chargeHold(placed: ProviderOrder): Promise<string | null> {
    if (!placed.charged) return null;
    const plan = await db().plan.findUniqueOrThrow({ where: { id: this.order.planId }, select: { wholesaleMinor: true, currency: true } });
    const cards = this.order.renewsIccid
      ? 1
      : placed.status !== "pending" && placed.esims.length > 0
        ? placed.esims.length
        : this.requested;
    const reason = chargeHoldReason(placed, {
      unitCostMinor: plan.wholesaleMinor,
      costCurrency: plan.currency,
      soldMinor: this.order.amountMinor,
      soldCurrency: this.order.currency,
      cards,
    });
    if (!reason) return null;
    if (this.options.chargeAcceptedBy) {
      this.log.warn("provider charge outside the check accepted by an admin", { adminId: this.options.chargeAcceptedBy, reason });
      return null;
    }
    this.log.error("provider charge outside the expected cost; order held for review", {
      charged: placed.charged,
      expectedUnitCostMinor: plan.wholesaleMinor,
      costCurrency: plan.currency,
      cards,
      reason,
    });
    return reason;
  }

  private keepAnswer(operation: ProviderOperation, outcome: string, body: unknown): Promise<void> {
    return recordProviderAnswer({ orderId: this.order.otherOrderId, provider: this.order.provider, operation, outcome, body });
  }

  private async save(esims: readonly DeliveredEsim[], providerOrderRef: string | null, providerShortRef?: string | null): Promise<void> {
    await recordDeliveredEsims(this.order, esims, providerOrderRef);
    if (providerShortRef)
      await db().order.updateMany({ where: { otherOrderId: this.order.otherOrderId, providerShortRef: null }, data: { providerShortRef } });
  }

  private async missingItems(): Promise<string[]> {
    const stored = await db().esim.findMany({ where: { orderId: this.order.otherOrderId }, select: { otherItemId: true } });
    const filled = new Set(stored.map((e) => e.otherItemId));
    return this.itemIds.filter((id) => !filled.has(id));
  }
}

/**
 * Stores delivered eSIMs, each on the line item it fills (the provider's tag,
 * else the next free one), and the provider's order reference. Pass a
 * transaction to commit them with a status change.
 */
export async function recordDeliveredEsims(
  order: Pick<Order, "otherOrderId" | "quantity" | "renewsIccid">,
  esims: readonly DeliveredEsim[],
  providerOrderRef: string | null,
  tx?: Prisma.TransactionClient,
): Promise<void> {
  if (esims.length === 0 && !providerOrderRef) return;
  if (!tx) return db().$transaction((own) => recordDeliveredEsims(order, esims, providerOrderRef, own));
  const { otherOrderId, renewsIccid } = order;
  const itemIds = itemIdsOf(order);
  if (providerOrderRef) await tx.order.update({ where: { otherOrderId }, data: { providerOrderRef } });
  const stored = await tx.esim.findMany({ where: { orderId: otherOrderId }, select: { iccid: true, otherItemId: true } });
  const taken = new Set(stored.map((e) => e.otherItemId));
  const known = new Set(stored.map((e) => e.iccid));
  for (const esim of esims) {
    if (known.has(esim.iccid)) continue;
    const otherItemId =
      esim.otherItemId && itemIds.includes(esim.otherItemId) ? esim.otherItemId : (itemIds.find((id) => !taken.has(id)) ?? null);
    taken.add(otherItemId);
    const { otherItemId: _tag, ...install } = esim;
    await tx.esim.upsert({
      where: { iccid: esim.iccid },
      create: { ...install, otherItemId, orderId: otherOrderId },
      // A renewal tops up an eSIM another order delivered: it stays with that order.
      update: renewsIccid
        ? {}
        : { orderId: otherOrderId, otherItemId, lpa: esim.lpa, smdpAddress: esim.smdpAddress, activationCode: esim.activationCode },
    });
  }
}

const ABSENT_SO_FAR =
  "The provider's records do not show the order yet; they are asked again before anything is placed again (an order may reach them late).";

/** The provider's records have shown no order for the whole absence window since the request was sent: the absence is believed. */
function absenceHeld(sentAt: Date): boolean {
  return Date.now() - sentAt.getTime() >= env().PROVIDER_ABSENCE_WINDOW_SECONDS * 1000;
}

/**
 * An order in review, failed or partly delivered that the provider's own
 * records hold with every eSIM's install data (reconciliation's look-up, or
 * an admin attaching the upstream order): recorded and delivered
 * (`upstream_order_recorded`), nothing placed again, and the customer gets
 * the delivery email. False when the order moved meanwhile.
 */
export async function recordUpstreamOrder(
  order: Pick<Order, "otherOrderId" | "quantity" | "renewsIccid">,
  upstream: ProviderOrder,
  options: { actorId: string | null; details: Record<string, Prisma.InputJsonValue> },
): Promise<boolean> {
  const iccids = upstream.esims.map((e) => e.iccid);
  const recorded = await db().$transaction(async (tx) => {
    const moved = await applyTransition(
      order.otherOrderId,
      "upstream_order_recorded",
      {
        actorId: options.actorId,
        data: { fulfilledAt: new Date(), reviewReason: null, failureReason: null },
        details: { ...options.details, providerOrderRef: upstream.providerOrderRef, iccids },
      },
      tx,
    );
    if (moved) await recordDeliveredEsims(order, upstream.esims, upstream.providerOrderRef, tx);
    return moved;
  });
  if (!recorded) return false;
  await emailDelivery(order.otherOrderId).catch((error: unknown) =>
    log.error("could not queue the delivery email", { otherOrderId: order.otherOrderId, error }),
  );
  return true;
}

/** Cards a provider confirmed before the request that failed (one card per request). */
function partialOf(err: unknown): DeliveredEsim[] {
  const partial = (err as { partial?: unknown } | null)?.partial;
  return Array.isArray(partial) ? (partial as DeliveredEsim[]) : [];
}
