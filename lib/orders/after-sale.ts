/**
 * What a customer can do with an eSIM after buying it: watch usage, renew a
 * renewable plan, cancel one whose policy allows it while it is unused.
 */
import { recordAudit, type RequestOrigin } from "../audit";
import { refundOrder } from "../billing/refunds";
import { db } from "../db/client";
import { PaymentMethod } from "../generated/prisma/client";
import { log } from "../log";
import { describeProviderFailure, OrderOutcomeUnknownError, ProviderError } from "../providers/errors";
import { providerById } from "../providers/registry";
import type { CancelResult, EsimUsage } from "../providers/types";
import { env } from "../config/env";
import { itemIdsOf } from "./fulfilment";
import { applyTransition, canCancel, canTransition } from "./lifecycle";
import { createOrder } from "./orders";

export type UsageResult = { ok: true; usage: EsimUsage[] } | { ok: false; message: string };

/** Live usage from the provider; a provider outage becomes a message, not a broken page. */
export async function usageFor(provider: string, iccids: string[]): Promise<UsageResult> {
  if (iccids.length === 0) return { ok: true, usage: [] };
  try {
    return { ok: true, usage: await providerById(provider).getUsage(iccids) };
  } catch (err) {
    log.warn("usage lookup failed", { provider, error: err });
    return { ok: false, message: "Usage is unavailable right now. Please try again in a few minutes." };
  }
}

export class AfterSaleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AfterSaleError";
  }
}

/**
 * Cancels a delivered order whose plan allows it while every eSIM is unused:
 * at the provider first, then the refund to where the money came from.
 * When the provider is still processing the cancellation (or its answer was
 * lost), the order waits in CANCEL_PENDING and the refund waits with it.
 * Running it twice refunds once.
 */
export async function cancelOrder(userId: string, otherOrderId: string, origin: RequestOrigin | null): Promise<"cancelled" | "pending"> {
  const order = await db().order.findFirst({ where: { otherOrderId, userId }, include: { esims: true, plan: true, refund: true } });
  if (!order) throw new AfterSaleError("Order not found.");
  if (order.refund) return "cancelled";
  const iccids = order.esims.filter((e) => !e.cancelledAt).map((e) => e.iccid);
  if (!canTransition(order.status, "cancel_pending")) throw new AfterSaleError("Only a delivered eSIM can be cancelled.");
  if (!order.plan.cancellable) throw new AfterSaleError("This plan cannot be cancelled under its policy.");
  if (!order.providerOrderRef || iccids.length === 0) throw new AfterSaleError("This order has no eSIM to cancel.");

  const usage = await usageFor(order.provider, iccids);
  if (!usage.ok) throw new AfterSaleError(usage.message);
  if (!canCancel(order, usage.usage.map((u) => u.state))) throw new AfterSaleError("This eSIM has been activated, so it can no longer be cancelled.");

  let status: CancelResult["status"];
  try {
    ({ status } = await providerById(order.provider).cancel({ providerOrderRef: order.providerOrderRef, iccids, allIccids: iccids }));
  } catch (err) {
    if (err instanceof OrderOutcomeUnknownError) {
      await applyTransition(otherOrderId, "cancel_pending", { actorId: userId, origin, details: { reason: describeProviderFailure(err) } });
      return "pending";
    }
    if (err instanceof ProviderError) {
      log.warn("provider refused a cancellation", { otherOrderId, reason: describeProviderFailure(err) });
      throw new AfterSaleError("The network would not cancel this eSIM. Contact support if you think it should be cancellable.");
    }
    throw err;
  }
  if (status === "cancelling") status = await awaitCancellation(order.provider, { otherOrderId, providerOrderRef: order.providerOrderRef, quantity: order.quantity, paidAt: order.paidAt });
  if (status === "cancelling") {
    await applyTransition(otherOrderId, "cancel_pending", { actorId: userId, origin, details: { iccids } });
    return "pending";
  }
  await db().esim.updateMany({ where: { iccid: { in: iccids } }, data: { cancelledAt: new Date() } });
  await recordAudit({ actorId: userId, action: "order.cancelled", entityType: "Order", entityId: otherOrderId, details: { iccids, providerStatus: status }, origin });
  await refundOrder(otherOrderId, { actorId: userId, reason: "Cancelled by the customer before activation", origin });
  return "cancelled";
}

/**
 * Asks the provider again, for a bounded time, whether a cancellation it
 * accepted has finished. "cancelling" when it still has not, or cannot say.
 */
async function awaitCancellation(
  provider: string,
  order: { otherOrderId: string; providerOrderRef: string; quantity: number; paidAt: Date | null },
): Promise<CancelResult["status"]> {
  const { PROVIDER_POLL_ATTEMPTS: attempts, PROVIDER_POLL_INTERVAL_MS: intervalMs } = env();
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const found = await providerById(provider)
      .findOrder({ otherOrderId: order.otherOrderId, itemIds: itemIdsOf(order), providerOrderRef: order.providerOrderRef, attemptedAt: order.paidAt ?? new Date(0) })
      .catch(() => null);
    if (found?.outcome !== "found") return "cancelling";
    const now = found.order.status;
    if (now === "cancelled" || now === "partially_cancelled") return now;
    // Anything but "still processing" is for a person to read; the refund waits.
    if (now !== "cancelling") return "cancelling";
  }
  return "cancelling";
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
