/**
 * What a customer can do with an eSIM after buying it: watch usage, renew a
 * renewable plan, cancel one whose policy allows it while it is unused.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { reserveAnonymousProviderCall } from "../auth/rate-limit";
import { refundOrder } from "../billing/refunds";
import { db } from "../db/client";
import { OrderStatus, PaymentMethod } from "../generated/prisma/client";
import { enqueue, providerPollRetries } from "../jobs";
import { log } from "../log";
import {
  describeProviderFailure,
  OrderOutcomeUnknownError,
  ProviderError,
  ProviderNetworkError,
  ProviderTimeoutError,
} from "../providers/errors";
import { providerById } from "../providers/registry";
import type { CancelResult, EsimUsage } from "../providers/types";
import { env } from "../config/env";
import { itemIdsOf } from "./fulfilment";
import {
  applyTransition,
  canCancel,
  canCancelCard,
  canTransition,
  isCancellationRequested,
  ORDER_TRANSITIONS,
  type TransitionOptions,
} from "./lifecycle";
import { emailCancellation } from "./notifications";
import { createOrder } from "./orders";

export type UsageResult = { ok: true; usage: EsimUsage[] } | { ok: false; message: string };

const USAGE_UNAVAILABLE = { ok: false, message: "Usage is unavailable right now. Please try again in a few minutes." } as const;
const USAGE_PACED = { ok: false, message: "Usage was looked up too often from here. Please try again in a minute." } as const;

/** Live usage from the provider; a provider outage becomes a message, not a broken page. */
export async function usageFor(provider: string, iccids: string[]): Promise<UsageResult> {
  if (iccids.length === 0) return { ok: true, usage: [] };
  try {
    return { ok: true, usage: await providerById(provider).getUsage(iccids) };
  } catch (err) {
    log.warn("usage lookup failed", { provider, error: err });
    return USAGE_UNAVAILABLE;
  }
}

/** How long a page waits for live usage before it renders without it. */
export const PAGE_USAGE_WAIT_MS = 5_000;

/**
 * Usage for a page to show: as usageFor, but a page never waits on it longer
 * than PAGE_USAGE_WAIT_MS. A provider that paces its reads (MeiSIM: 60 a
 * minute, and a 429 asks us to wait) would otherwise hold the whole page;
 * past the wait the page says usage is unavailable, and the read finishes
 * unobserved. A page opened by a guest link (`anonymous`, with the client's
 * address) reads only within ANONYMOUS_PROVIDER_LIMITS.usage, so a link
 * reloaded in a loop cannot use up the reads that orders need.
 */
export async function usageForPage(
  provider: string,
  iccids: string[],
  anonymous: { address: string | null } | null = null,
): Promise<UsageResult> {
  if (anonymous && iccids.length > 0 && !(await reserveAnonymousProviderCall("usage", provider, anonymous.address)).allowed)
    return USAGE_PACED;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), PAGE_USAGE_WAIT_MS);
  });
  const result = await Promise.race([usageFor(provider, iccids), waited]).finally(() => clearTimeout(timer));
  if (result) return result;
  log.warn("usage too slow for the page; shown without it", { provider, esims: iccids.length, waitedMs: PAGE_USAGE_WAIT_MS });
  return USAGE_UNAVAILABLE;
}

export class AfterSaleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AfterSaleError";
  }
}

/** The refund's reason when the customer cancels; an admin gives their own. */
const CUSTOMER_CANCEL_REASON = "Cancelled by the customer before activation";

/**
 * Asks for the cancellation of a delivered order whose plan allows it, and
 * returns at once: the order.cancel job checks that every eSIM is unused,
 * asks the provider, and the money goes back only once the provider has
 * confirmed the cancellation (at once, or later through order.cancel-poll).
 * Until then the page reads "cancellation requested" (isCancellationRequested).
 * Asking again (a second click, a second tab) changes nothing and queues
 * nothing new. An admin cancels for the customer (`userId` is the owner)
 * with their own id and reason, kept in the request's audit entry.
 */
export async function cancelOrder(
  userId: string,
  otherOrderId: string,
  origin: RequestOrigin | null,
  byAdmin: { actorId: string; reason: string } | null = null,
): Promise<"cancelled" | "requested"> {
  const order = await db().order.findFirst({ where: { otherOrderId, userId }, include: { esims: true, plan: true, refunds: true } });
  if (!order) throw new AfterSaleError("Order not found.");
  if (order.refunds.some((r) => r.esimIccid === null)) return "cancelled";
  if (isCancellationRequested(order)) return "requested";
  if (!canTransition(order.status, "cancel_pending")) throw new AfterSaleError("Only a delivered eSIM can be cancelled.");
  if (!order.plan.cancellable) throw new AfterSaleError("This plan cannot be cancelled under its policy.");
  if (!order.providerOrderRef || !order.esims.some((e) => !e.cancelledAt)) throw new AfterSaleError("This order has no eSIM to cancel.");

  const claimed = await db().$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({
      where: { otherOrderId, cancelRequestedAt: null, status: { in: [...ORDER_TRANSITIONS.cancel_pending.from] } },
      data: { cancelRequestedAt: new Date(), cancelSentAt: null, cancelNote: null },
    });
    if (count === 1)
      await recordAudit(
        {
          actorId: byAdmin?.actorId ?? userId,
          action: "order.cancel_requested",
          entityType: "Order",
          entityId: otherOrderId,
          details: { reason: byAdmin?.reason ?? CUSTOMER_CANCEL_REASON, byAdmin: byAdmin !== null },
          origin,
        },
        tx,
      );
    return count === 1;
  });
  // If this enqueue is lost (a crash, the queue down), the recovery sweep queues the job for the request.
  if (claimed)
    await enqueue("order.cancel", { otherOrderId }).catch((error: unknown) =>
      log.error("could not queue a requested cancellation; the recovery sweep will", { otherOrderId, error }),
    );
  return "requested";
}

/** Who asked for the order's cancellation and why: its latest `order.cancel_requested` audit entry. */
async function cancelRequestOf(otherOrderId: string): Promise<{ actorId: string | null; reason: string }> {
  const entry = await db().auditLog.findFirst({
    where: { entityType: "Order", entityId: otherOrderId, action: "order.cancel_requested" },
    orderBy: { createdAt: "desc" },
  });
  const details = entry?.details as { reason?: unknown } | null | undefined;
  return { actorId: entry?.actorId ?? null, reason: typeof details?.reason === "string" ? details.reason : CUSTOMER_CANCEL_REASON };
}

/**
 * One attempt of the order.cancel job. "retry" when the usage check or the
 * provider could not be reached before anything was sent (the job tries
 * again after backoff); "done" otherwise. The cancel is sent at most once:
 * `cancelSentAt` is committed before sending, and a run that finds it set
 * (an earlier run died after sending) follows the cancellation instead of
 * sending it again. Only a documented confirmation refunds; an
 * acknowledgement, a cancellation in process, a lost or unknown answer wait
 * in CANCEL_PENDING for order.cancel-poll; a definite refusal, or an eSIM
 * found in use, withdraws the request with a note the customer reads.
 */
export async function runCancellation(otherOrderId: string, lastAttempt: boolean): Promise<"done" | "retry"> {
  const order = await db().order.findUnique({ where: { otherOrderId }, include: { esims: true, plan: true } });
  if (!order?.cancelRequestedAt || !canTransition(order.status, "cancel_pending")) return "done";
  const logger = log.child({ job: "order.cancel", otherOrderId, provider: order.provider });
  const iccids = order.esims.filter((e) => !e.cancelledAt).map((e) => e.iccid);
  const { actorId, reason } = await cancelRequestOf(otherOrderId);
  if (order.cancelSentAt) {
    await awaitCancellation(otherOrderId, {
      details: {
        iccids,
        answer: "An earlier attempt sent the cancellation and its answer was not recorded; it is followed, not sent again.",
      },
    });
    return "done";
  }
  if (!order.plan.cancellable || !order.providerOrderRef || iccids.length === 0)
    return declineCancellation(otherOrderId, "This order can no longer be cancelled.", logger);

  const usage = await usageFor(order.provider, iccids);
  if (!usage.ok) {
    if (!lastAttempt) return "retry";
    return declineCancellation(
      otherOrderId,
      "We could not check with the network that the eSIM is unused. Please try again later.",
      logger,
    );
  }
  if (
    !canCancel(
      order,
      usage.usage.map((u) => u.state),
    )
  )
    return declineCancellation(otherOrderId, "This eSIM has been activated, so it can no longer be cancelled.", logger);

  // Committed before sending: from here on this cancellation is only ever followed, never sent blindly again.
  const { count } = await db().order.updateMany({
    where: {
      otherOrderId,
      cancelSentAt: null,
      cancelRequestedAt: { not: null },
      status: { in: [...ORDER_TRANSITIONS.cancel_pending.from] },
    },
    data: { cancelSentAt: new Date() },
  });
  if (count !== 1) return "done";
  let status: CancelResult["status"];
  try {
    ({ status } = await providerById(order.provider).cancel({ providerOrderRef: order.providerOrderRef, iccids, allIccids: iccids }));
  } catch (err) {
    if (err instanceof ProviderNetworkError) {
      // Refused or unresolved before sending (a lost answer is OrderOutcomeUnknownError): nothing reached the provider.
      await db().order.updateMany({ where: { otherOrderId }, data: { cancelSentAt: null } });
      if (!lastAttempt) return "retry";
      return declineCancellation(otherOrderId, "We could not reach the network to cancel this eSIM. Please try again later.", logger);
    }
    if (err instanceof ProviderError && !(err instanceof OrderOutcomeUnknownError) && !(err instanceof ProviderTimeoutError)) {
      logger.warn("provider refused a cancellation", { reason: describeProviderFailure(err) });
      await db().order.updateMany({ where: { otherOrderId }, data: { cancelSentAt: null } });
      return declineCancellation(
        otherOrderId,
        "The network would not cancel this eSIM. Contact support if you think it should be cancellable.",
        logger,
      );
    }
    // Lost, unreadable or unknown: the provider may have cancelled. Followed, never refunded on a guess.
    logger.warn("cancellation answer lost or unknown; following it", { reason: describeProviderFailure(err) });
    await awaitCancellation(otherOrderId, { actorId, details: { iccids, answer: describeProviderFailure(err) } });
    return "done";
  }
  // A whole-order cancellation is confirmed only by the documented "cancelled".
  if (status !== "cancelled") {
    await awaitCancellation(otherOrderId, { actorId, details: { iccids, providerStatus: status } });
    return "done";
  }
  await completeCancellation(otherOrderId, iccids, status, { actorId, origin: null, reason });
  return "done";
}

/** The request is withdrawn: nothing was cancelled or refunded, and the page says why. */
async function declineCancellation(otherOrderId: string, note: string, logger: typeof log): Promise<"done"> {
  const { count } = await db().order.updateMany({
    where: { otherOrderId, cancelRequestedAt: { not: null } },
    data: { cancelRequestedAt: null, cancelSentAt: null, cancelNote: note },
  });
  if (count === 1) {
    await recordAudit({ actorId: null, action: "order.cancel_declined", entityType: "Order", entityId: otherOrderId, details: { note } });
    logger.info("cancellation request declined", { note });
  }
  return "done";
}

/**
 * An admin cancels one card of a multi-card order at the provider, then
 * refunds that card, as the lifecycle's canCancelCard allows. The order's
 * other cards stay live, so the order never enters CANCEL_PENDING for one
 * card: when the provider is still processing it or its answer was lost,
 * nothing is refunded and the attempt is audited. Sent again after such an
 * attempt, it does not cancel again but asks the provider how the order
 * stands, and completes the card once the provider reports the order
 * (partly) cancelled. Sent again after the card was cancelled, it does
 * nothing.
 */
export async function cancelCard(
  otherOrderId: string,
  iccid: string,
  byAdmin: { actorId: string; reason: string; origin?: RequestOrigin | null },
): Promise<"cancelled" | "pending"> {
  const { actorId, reason } = byAdmin;
  const origin = byAdmin.origin ?? null;
  const order = await db().order.findUnique({ where: { otherOrderId }, include: { esims: true, plan: true, refunds: true } });
  if (!order) throw new AfterSaleError("Order not found.");
  const card = order.esims.find((e) => e.iccid === iccid);
  if (!card) throw new AfterSaleError("That card is not on this order.");
  const refunded = order.refunds.some((r) => r.esimIccid === iccid);
  // Cancelled already (this card here, or the whole order), and refunded with it.
  if (card.cancelledAt) return "cancelled";
  if (!order.plan.cancellable) throw new AfterSaleError("This plan cannot be cancelled under its policy.");
  if (order.quantity < 2) throw new AfterSaleError("A one-card order is cancelled as a whole.");
  const providerOrderRef = order.providerOrderRef;
  if (!providerOrderRef) throw new AfterSaleError("This order has no eSIM to cancel.");
  const provider = providerById(order.provider);

  const audit = (action: string, details: Record<string, unknown>) =>
    recordAudit({ actorId, action, entityType: "Order", entityId: otherOrderId, details: { reason, iccid, ...details }, origin });
  const complete = async (providerStatus: CancelResult["status"]) => {
    // Refunded while the card still counts as delivered (the refund rules refuse a cancelled card), then marked.
    await refundOrder(otherOrderId, { actorId, reason, origin, iccid });
    await db().esim.updateMany({ where: { iccid, cancelledAt: null }, data: { cancelledAt: new Date() } });
    await audit("order.card_cancelled", { providerStatus });
    return "cancelled" as const;
  };

  const unconfirmed = await db().auditLog.findFirst({
    where: {
      entityType: "Order",
      entityId: otherOrderId,
      action: "order.card_cancel_unconfirmed",
      details: { path: ["iccid"], equals: iccid },
    },
  });
  if (unconfirmed) {
    const found = await provider
      .findOrder({ otherOrderId, itemIds: itemIdsOf(order), providerOrderRef, attemptedAt: order.paidAt ?? order.createdAt })
      .catch((err: unknown) => ({ outcome: "unknown" as const, reason: describeProviderFailure(err) }));
    if (found.outcome === "found" && (found.order.status === "cancelled" || found.order.status === "partially_cancelled"))
      return complete(found.order.status);
    if (found.outcome === "found" && found.order.status === "cancelling") return "pending";
    throw new AfterSaleError(
      "The provider has not confirmed the earlier cancellation of this card; check it with the provider, then refund the card.",
    );
  }

  const usage = await usageFor(order.provider, [iccid]);
  if (!usage.ok) throw new AfterSaleError(usage.message);
  const state = usage.usage.find((u) => u.iccid === iccid)?.state ?? null;
  if (!canCancelCard(order, { refunded, delivered: true, state }))
    throw new AfterSaleError(
      refunded
        ? "This card was refunded already."
        : "This card cannot be cancelled now: it is in use, or the order's state does not allow it.",
    );

  let status: CancelResult["status"];
  try {
    ({ status } = await provider.cancel({
      providerOrderRef,
      iccids: [iccid],
      allIccids: order.esims.filter((e) => !e.cancelledAt).map((e) => e.iccid),
    }));
  } catch (err) {
    if (err instanceof OrderOutcomeUnknownError) {
      await audit("order.card_cancel_unconfirmed", { answer: describeProviderFailure(err) });
      return "pending";
    }
    if (err instanceof ProviderError) {
      log.warn("provider refused a card cancellation", { otherOrderId, iccid, reason: describeProviderFailure(err) });
      throw new AfterSaleError(`The provider would not cancel this card: ${describeProviderFailure(err)}`);
    }
    throw err;
  }
  if (status !== "cancelled" && status !== "partially_cancelled") {
    await audit("order.card_cancel_unconfirmed", { providerStatus: status });
    return "pending";
  }
  return complete(status);
}

/** The order waits in CANCEL_PENDING, and the order.cancel-poll job follows the cancellation. */
async function awaitCancellation(otherOrderId: string, transition: TransitionOptions): Promise<void> {
  if (await applyTransition(otherOrderId, "cancel_pending", transition)) {
    // If this enqueue is lost (a crash), the recovery sweep queues the job for a cancellation still pending.
    await enqueue("order.cancel-poll", { otherOrderId }, providerPollRetries());
  }
}

/** The provider confirmed the cancellation: the cards are marked, and the money goes back. */
async function completeCancellation(
  otherOrderId: string,
  iccids: string[],
  providerStatus: CancelResult["status"],
  { actorId, origin, reason }: { actorId: string | null; origin: RequestOrigin | null; reason: string },
): Promise<void> {
  await db().esim.updateMany({ where: { iccid: { in: iccids } }, data: { cancelledAt: new Date() } });
  await db().order.updateMany({ where: { otherOrderId, reviewReason: { not: null } }, data: { reviewReason: null } });
  await recordAudit({
    actorId,
    action: "order.cancelled",
    entityType: "Order",
    entityId: otherOrderId,
    details: { iccids, providerStatus },
    origin,
  });
  await refundOrder(otherOrderId, { actorId, reason, origin });
  await emailCancellation(otherOrderId).catch((error: unknown) =>
    log.error("could not queue the cancellation email", { otherOrderId, error }),
  );
}

/**
 * One attempt of the order.cancel-poll job: asks the provider for the
 * order's documented status. Only "cancelled" confirms the whole-order
 * cancellation (the cards are marked and the refund made, once); "pending"
 * to ask again after the job's backoff. Once PROVIDER_POLL_TIMEOUT_SECONDS
 * have passed since the cancellation was sent, or on the job's last attempt,
 * it stops ("unconfirmed"): the order stays CANCEL_PENDING, held for review
 * with its reason (reviewReason, shown on the order desk), and an audit
 * entry `order.cancellation_unconfirmed` alerts admins, who resolve it from
 * the provider's records (confirmCancellation) or reconciliation does.
 */
export async function followCancellation(
  otherOrderId: string,
  lastAttempt: boolean,
): Promise<"confirmed" | "pending" | "unconfirmed" | "not_pending"> {
  const order = await db().order.findUnique({ where: { otherOrderId }, include: { esims: true } });
  if (order?.status !== OrderStatus.CANCEL_PENDING || !order.providerOrderRef) return "not_pending";
  const logger = log.child({ job: "order.cancel-poll", otherOrderId, provider: order.provider });
  let answer: string;
  try {
    const found = await providerById(order.provider).findOrder({
      otherOrderId,
      itemIds: itemIdsOf(order),
      providerOrderRef: order.providerOrderRef,
      attemptedAt: order.paidAt ?? order.createdAt,
    });
    if (found.outcome === "found" && found.order.status === "cancelled") {
      const iccids = order.esims.filter((e) => !e.cancelledAt).map((e) => e.iccid);
      const { actorId, reason } = await cancelRequestOf(otherOrderId);
      await completeCancellation(otherOrderId, iccids, found.order.status, { actorId, origin: null, reason });
      logger.info("cancellation confirmed", { providerStatus: found.order.status });
      return "confirmed";
    }
    answer =
      found.outcome === "found"
        ? `the provider reports the order ${found.order.status}`
        : found.outcome === "absent"
          ? "the provider has no such order"
          : found.reason;
  } catch (err) {
    answer = `the look-up failed: ${describeProviderFailure(err)}`;
  }
  const since = await db().orderEvent.findFirst({
    where: { orderId: otherOrderId, event: "cancel_pending" },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const waitedMs = Date.now() - (since?.createdAt ?? order.updatedAt).getTime();
  if (!lastAttempt && waitedMs < env().PROVIDER_POLL_TIMEOUT_SECONDS * 1000) {
    logger.info("cancellation still pending", { answer });
    return "pending";
  }
  const reason = `The cancellation is still not confirmed ${Math.round(waitedMs / 1000)} s after it was sent (${answer}). Nothing was refunded: check the order in the provider's records, then confirm the cancellation (which refunds) or run reconciliation.`;
  const { count } = await db().order.updateMany({
    where: { otherOrderId, status: OrderStatus.CANCEL_PENDING, reviewReason: null },
    data: { reviewReason: reason.slice(0, 1000) },
  });
  if (count === 1) {
    await recordAudit({
      actorId: null,
      action: "order.cancellation_unconfirmed",
      entityType: "Order",
      entityId: otherOrderId,
      details: { reason },
    });
    logger.error("cancellation not confirmed; held for review", { reason });
  }
  return "unconfirmed";
}

/**
 * An admin read the provider's own records and found the order cancelled
 * there: the cancellation is recorded as confirmed and the money goes back,
 * once (a second send finds the refund made). Only for an order whose
 * cancellation is pending: anything else has no cancellation to confirm.
 */
export async function confirmCancellation(
  otherOrderId: string,
  byAdmin: { actorId: string; reason: string; origin?: RequestOrigin | null },
): Promise<"confirmed" | "already_refunded"> {
  const order = await db().order.findUnique({ where: { otherOrderId }, include: { esims: true, refunds: true } });
  if (!order) throw new AfterSaleError("Order not found.");
  if (order.refunds.some((r) => r.esimIccid === null)) return "already_refunded";
  if (order.status !== OrderStatus.CANCEL_PENDING) throw new AfterSaleError("This order has no cancellation waiting for confirmation.");
  const iccids = order.esims.filter((e) => !e.cancelledAt).map((e) => e.iccid);
  await completeCancellation(otherOrderId, iccids, "cancelled", {
    actorId: byAdmin.actorId,
    origin: byAdmin.origin ?? null,
    reason: `Cancellation confirmed from the provider's records: ${byAdmin.reason}`,
  });
  return "confirmed";
}

/** Our catalog plans that can top up this eSIM, priced as in the store. */
export async function renewalOptions(userId: string, iccid: string) {
  const esim = await db().esim.findUnique({ where: { iccid }, include: { order: true } });
  if (!esim || esim.order.userId !== userId) return null;
  let refs: string[];
  try {
    refs = (await providerById(esim.order.provider).listRenewalPlans(iccid)).map((p) => p.planRef);
  } catch (err) {
    log.warn("renewal plans lookup failed", { iccid, error: err });
    return { esim, plans: [], unavailable: true };
  }
  const plans = await db().plan.findMany({
    where: { provider: esim.order.provider, planRef: { in: refs }, active: true },
    orderBy: [{ priceMinor: "asc" }, { days: "asc" }],
  });
  return { esim, plans, unavailable: false };
}

/** A renewal is an ordinary order with the ICCID it tops up; it is paid the same ways. */
export async function startRenewal(userId: string, iccid: string, planId: string, origin: RequestOrigin | null) {
  const options = await renewalOptions(userId, iccid);
  if (!options) throw new AfterSaleError("eSIM not found.");
  if (!options.plans.some((p) => p.id === planId)) throw new AfterSaleError("That plan cannot renew this eSIM.");
  return createOrder({ userId, planId, paymentMethod: PaymentMethod.CARD, renewsIccid: iccid, origin });
}
