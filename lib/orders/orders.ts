import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { OrderStatus, type Order, type PaymentMethod } from "../generated/prisma/client";
import { log } from "../log";
import { describeProviderFailure } from "../providers/errors";
import { providerById } from "../providers/registry";
import type { Availability } from "../providers/types";
import { isOrderAccessKey } from "./guest-access";

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

/**
 * Asks the provider whether it can fill the order now (stock, and for a
 * dealer account its approval and wallet), before any money is taken.
 * Returns a message for the customer, or null when the order can go ahead.
 */
export async function whyOrderCannotBeFilled(
  order: Pick<Order, "otherOrderId" | "provider" | "planRef" | "quantity">,
): Promise<string | null> {
  const provider = providerById(order.provider);
  let answer: Availability;
  try {
    answer = await provider.checkAvailability(order.planRef, order.quantity);
  } catch (err) {
    answer = { available: false, reason: "unavailable", detail: describeProviderFailure(err) };
  }
  if (answer.available) return null;
  log.warn("order refused before payment", {
    otherOrderId: order.otherOrderId,
    provider: order.provider,
    reason: answer.reason,
    detail: answer.detail,
  });
  return answer.reason === "quantity"
    ? `You can buy at most ${provider.maxQuantity} eSIMs of this plan in one order.`
    : answer.reason === "out_of_stock"
      ? "This plan is sold out right now. You have not been charged; please choose another plan or try again later."
      : "This plan can’t be supplied right now. You have not been charged; please try again later or choose another plan.";
}

export class QuantityError extends Error {
  constructor(readonly maxQuantity: number) {
    super(`Choose between 1 and ${maxQuantity} eSIMs.`);
    this.name = "QuantityError";
  }
}

export interface CreateOrderInput {
  userId: string;
  planId: string;
  paymentMethod: PaymentMethod;
  /** eSIMs of the plan in this order (1 when omitted); the provider's limit applies. */
  quantity?: number;
  /** When topping up an eSIM the customer already has. */
  renewsIccid?: string;
  /** Placed by email alone, without signing in (see guest-access.ts). */
  guestCheckout?: boolean;
  origin?: RequestOrigin | null;
}

/** A plan on sale, with its destination and how many of it one order may hold, for the guest checkout page; null when not on sale. */
export async function planForCheckout(planId: string) {
  const plan = await db().plan.findUnique({ where: { id: planId }, include: { destination: true } });
  return plan?.active ? { ...plan, maxQuantity: providerById(plan.provider).maxQuantity } : null;
}

/** A new order awaiting payment, priced from the catalog (never from the browser). */
export async function createOrder(input: CreateOrderInput) {
  const plan = await db().plan.findUnique({ where: { id: input.planId } });
  if (!plan?.active) throw new PlanUnavailableError();
  const quantity = input.quantity ?? 1;
  const maxQuantity = input.renewsIccid ? 1 : providerById(plan.provider).maxQuantity;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > maxQuantity) throw new QuantityError(maxQuantity);
  return db().$transaction(async (tx) => {
    const order = await tx.order.create({
      data: {
        otherOrderId: newOrderReference(),
        userId: input.userId,
        planId: plan.id,
        provider: plan.provider,
        planRef: plan.planRef,
        planName: plan.name,
        amountMinor: plan.priceMinor * quantity,
        currency: plan.currency,
        quantity,
        paymentMethod: input.paymentMethod,
        renewsIccid: input.renewsIccid ?? null,
        guestCheckout: input.guestCheckout ?? false,
        status: OrderStatus.PENDING_PAYMENT,
      },
    });
    await recordAudit(
      {
        actorId: input.userId,
        action: "order.created",
        entityType: "Order",
        entityId: order.otherOrderId,
        details: {
          planId: plan.id,
          quantity,
          amountMinor: order.amountMinor,
          currency: order.currency,
          paymentMethod: order.paymentMethod,
          guestCheckout: order.guestCheckout,
        },
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

/** Who asks for an order: the signed-in user, if any, and the key from a guest order's link, if any. */
export interface OrderViewer {
  userId: string | null;
  accessKey?: unknown;
}

/** The order is the viewer's own, or it was placed as a guest and they hold its signed link. */
export function mayAccessOrder(viewer: OrderViewer, order: Pick<Order, "otherOrderId" | "userId" | "guestCheckout">): boolean {
  if (viewer.userId !== null && order.userId === viewer.userId) return true;
  return order.guestCheckout && isOrderAccessKey(order.otherOrderId, viewer.accessKey);
}

/** An order the viewer may see; null otherwise (callers answer 404, not 403, to avoid leaking ids). */
export async function findOrderForViewer(viewer: OrderViewer, otherOrderId: string) {
  const order = await db().order.findUnique({
    where: { otherOrderId },
    include: {
      user: { select: { email: true } },
      esims: true,
      plan: { include: { destination: true } },
      refunds: { orderBy: { createdAt: "asc" } },
    },
  });
  return order && mayAccessOrder(viewer, order) ? order : null;
}

/** An order only its owner can see; null otherwise. */
export function findOrderForUser(userId: string, otherOrderId: string) {
  return findOrderForViewer({ userId }, otherOrderId);
}

/**
 * The account an order action runs for (the order's owner) when the viewer
 * may act on the order; null otherwise, which callers answer as for an order
 * that does not exist.
 */
export async function orderOwnerForViewer(viewer: OrderViewer, otherOrderId: string): Promise<string | null> {
  const order = await db().order.findUnique({ where: { otherOrderId }, select: { otherOrderId: true, userId: true, guestCheckout: true } });
  return order && mayAccessOrder(viewer, order) ? order.userId : null;
}

/** The order that delivered an eSIM, for a renewal's page to point back to; null if it is not this user's. */
export async function orderDeliveringEsim(userId: string, iccid: string): Promise<string | null> {
  const esim = await db().esim.findUnique({ where: { iccid }, include: { order: { select: { userId: true } } } });
  return esim && esim.order.userId === userId ? esim.orderId : null;
}
