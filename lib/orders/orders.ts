import { randomBytes } from "node:crypto";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { OrderStatus, type PaymentMethod } from "../generated/prisma/client";

/**
 * Our order reference, passed upstream as otherOrderId / customerReference.
 * Date-prefixed for people reading statements, random for uniqueness.
 */
export function newOrderReference(now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replace(/-/g, "");
  return `RS${date}-${randomBytes(5).toString("hex").toUpperCase()}`;
}

export class PlanUnavailableError extends Error {
  constructor() {
    super("This plan is no longer available. Please choose another one.");
    this.name = "PlanUnavailableError";
  }
}

export interface CreateOrderInput {
  userId: string;
  planId: string;
  paymentMethod: PaymentMethod;
  /** When topping up an eSIM the customer already has. */
  renewsIccid?: string;
  origin?: RequestOrigin | null;
}

/** A new order awaiting payment, priced from the catalog (never from the browser). */
export async function createOrder(input: CreateOrderInput) {
  const plan = await db().plan.findUnique({ where: { id: input.planId } });
  if (!plan?.active) throw new PlanUnavailableError();
  return db().$transaction(async (tx) => {
    const order = await tx.order.create({
      data: {
        otherOrderId: newOrderReference(),
        userId: input.userId,
        planId: plan.id,
        provider: plan.provider,
        planRef: plan.planRef,
        planName: plan.name,
        amountMinor: plan.priceMinor,
        currency: plan.currency,
        paymentMethod: input.paymentMethod,
        renewsIccid: input.renewsIccid ?? null,
        status: OrderStatus.PENDING_PAYMENT,
      },
    });
    await recordAudit(
      {
        actorId: input.userId,
        action: "order.created",
        entityType: "Order",
        entityId: order.otherOrderId,
        details: { planId: plan.id, amountMinor: order.amountMinor, currency: order.currency, paymentMethod: order.paymentMethod },
        origin: input.origin,
      },
      tx,
    );
    return order;
  });
}

export function listOrdersForUser(userId: string) {
  return db().order.findMany({
    where: { userId, status: { not: OrderStatus.PENDING_PAYMENT } },
    include: { esims: true, plan: { include: { destination: true } } },
    orderBy: { createdAt: "desc" },
  });
}

/** An order only its owner can see; null otherwise (callers answer 404, not 403, to avoid leaking ids). */
export function findOrderForUser(userId: string, otherOrderId: string) {
  return db().order.findFirst({
    where: { otherOrderId, userId },
    include: { esims: true, plan: { include: { destination: true } }, refund: true },
  });
}

/** The order that delivered an eSIM, for a renewal's page to point back to; null if it is not this user's. */
export async function orderDeliveringEsim(userId: string, iccid: string): Promise<string | null> {
  const esim = await db().esim.findUnique({ where: { iccid }, include: { order: { select: { userId: true } } } });
  return esim && esim.order.userId === userId ? esim.orderId : null;
}
