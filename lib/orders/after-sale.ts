/**
 * What a customer can do with an eSIM after buying it: watch usage, renew a
 * renewable plan, cancel one whose policy allows it while it is unused.
 */
import { recordAudit, type RequestOrigin } from "../audit";
import { refundOrder } from "../billing/refunds";
import { db } from "../db/client";
import { OrderStatus, PaymentMethod } from "../generated/prisma/client";
import { log } from "../log";
import { ProviderError } from "../providers/errors";
import { providerById } from "../providers/registry";
import type { EsimUsage } from "../providers/types";
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

/** States in which an eSIM has never been used, so a cancellable plan may be cancelled. */
const UNUSED = new Set(["not_installed", "installed"]);

/**
 * Cancels an unused eSIM whose plan allows it, at the provider first, then
 * refunds the order to where the money came from. Running it twice refunds once.
 */
export async function cancelOrder(userId: string, otherOrderId: string, origin: RequestOrigin | null): Promise<void> {
  const order = await db().order.findFirst({ where: { otherOrderId, userId }, include: { esims: true, plan: true, refund: true } });
  if (!order) throw new AfterSaleError("Order not found.");
  if (order.refund) return;
  if (order.status !== OrderStatus.FULFILLED) throw new AfterSaleError("Only a delivered eSIM can be cancelled.");
  if (!order.plan.cancellable) throw new AfterSaleError("This plan cannot be cancelled under its policy.");
  const esim = order.esims[0];
  if (!esim || !order.providerOrderRef) throw new AfterSaleError("This order has no eSIM to cancel.");

  const usage = await usageFor(order.provider, [esim.iccid]);
  if (!usage.ok) throw new AfterSaleError(usage.message);
  if (!UNUSED.has(usage.usage[0]?.state ?? "unknown")) throw new AfterSaleError("This eSIM has been activated, so it can no longer be cancelled.");

  try {
    await providerById(order.provider).cancel({ providerOrderRef: order.providerOrderRef, iccid: esim.iccid });
  } catch (err) {
    if (err instanceof ProviderError) throw new AfterSaleError(`The provider refused the cancellation: ${err.message}`);
    throw err;
  }
  await recordAudit({ actorId: userId, action: "order.cancelled", entityType: "Order", entityId: otherOrderId, origin });
  await refundOrder(otherOrderId, { actorId: userId, reason: "Cancelled by the customer before activation", origin });
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
