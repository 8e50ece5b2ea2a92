/**
 * Turns a paid order into eSIMs at the upstream provider. Safe to call any
 * number of times, concurrently: one run claims the order (PAID → FULFILLING),
 * and providers resolve a lost response by our otherOrderId instead of
 * ordering twice.
 */
import { recordAudit } from "../audit";
import { db } from "../db/client";
import { OrderStatus } from "../generated/prisma/client";
import { log } from "../log";
import { describeProviderFailure } from "../providers/errors";
import { providerById } from "../providers/registry";
import type { ProviderOrder } from "../providers/types";

export async function fulfilPaidOrder(otherOrderId: string): Promise<void> {
  const claimed = await db().order.updateMany({
    where: { otherOrderId, status: OrderStatus.PAID },
    data: { status: OrderStatus.FULFILLING },
  });
  if (claimed.count === 0) return; // not paid yet, or another run has it
  const order = await db().order.findUniqueOrThrow({ where: { otherOrderId }, include: { user: { select: { email: true } } } });
  const logger = log.child({ job: "order.fulfil", otherOrderId, provider: order.provider });
  const provider = providerById(order.provider);

  let placed: ProviderOrder;
  try {
    placed = order.renewsIccid
      ? await provider.renew({ iccid: order.renewsIccid, planRef: order.planRef, otherOrderId })
      : await provider.placeOrder({ planRef: order.planRef, otherOrderId, customerEmail: order.user.email });
  } catch (err) {
    const reason = describeProviderFailure(err);
    logger.error("failed", { reason });
    // Back to a state an admin (or a retry) can act on; the payment stays recorded.
    await db().order.update({ where: { otherOrderId }, data: { status: OrderStatus.FULFILMENT_FAILED, failureReason: reason.slice(0, 500) } });
    await recordAudit({ actorId: null, action: "order.fulfilment_failed", entityType: "Order", entityId: otherOrderId, details: { reason } });
    return;
  }

  await db().$transaction(async (tx) => {
    for (const esim of placed.esims) {
      await tx.esim.upsert({
        where: { iccid: esim.iccid },
        create: { ...esim, orderId: otherOrderId },
        // A renewal tops up an eSIM another order delivered: it stays with that order.
        update: order.renewsIccid ? {} : { orderId: otherOrderId, lpa: esim.lpa, smdpAddress: esim.smdpAddress, activationCode: esim.activationCode },
      });
    }
    await tx.order.update({
      where: { otherOrderId },
      data: { status: OrderStatus.FULFILLED, providerOrderRef: placed.providerOrderRef, fulfilledAt: new Date(), failureReason: null },
    });
    await recordAudit(
      { actorId: null, action: "order.fulfilled", entityType: "Order", entityId: otherOrderId, details: { providerOrderRef: placed.providerOrderRef, esims: placed.esims.length } },
      tx,
    );
  });
  logger.info("fulfilled", { providerOrderRef: placed.providerOrderRef, esims: placed.esims.length });
}

/** A claim older than this belongs to a run that died (a restart mid-call); no live call lasts this long. */
export const STALE_FULFILMENT_MS = 5 * 60_000;

export function isStaleFulfilment(order: { status: OrderStatus; updatedAt: Date }, now = Date.now()): boolean {
  return order.status === OrderStatus.FULFILLING && now - order.updatedAt.getTime() > STALE_FULFILMENT_MS;
}

/**
 * Admin retry of a failed fulfilment, or of one whose run died mid-way. The
 * provider is asked by our reference first, so neither orders twice.
 */
export async function retryFulfilment(otherOrderId: string, now = Date.now()): Promise<void> {
  await db().order.updateMany({
    where: {
      otherOrderId,
      OR: [{ status: OrderStatus.FULFILMENT_FAILED }, { status: OrderStatus.FULFILLING, updatedAt: { lt: new Date(now - STALE_FULFILMENT_MS) } }],
    },
    data: { status: OrderStatus.PAID },
  });
  await fulfilPaidOrder(otherOrderId);
}
