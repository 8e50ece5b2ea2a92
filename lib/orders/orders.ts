import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { OrderStatus, type Order, type PaymentMethod } from "../generated/prisma/client";
import { log } from "../log";
import { describeProviderFailure } from "../providers/errors";
import { providerById } from "../providers/registry";
import type { Availability } from "../providers/types";
import type { ActivationDetails } from "./activation-details";
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
  order: Pick<Order, "otherOrderId" | "provider" | "planId" | "planRef" | "quantity">,
): Promise<string | null> {
  const provider = providerById(order.provider);
  let answer: Availability;
  try {
    // Our catalog's cost: the only one there is for a MeiSIM dealer product, whose price no provider answer gives.
    const plan = await db().plan.findUnique({ where: { id: order.planId }, select: { wholesaleMinor: true, currency: true } });
    const wholesale = plan ? { amountMinor: plan.wholesaleMinor, currency: plan.currency } : undefined;
    answer = await provider.checkAvailability(order.planRef, order.quantity, wholesale);
  } catch (err) {
    answer = { available: false, reason: "unavailable", detail: describeProviderFailure(err) };
  }
  if (answer.available) return null;
  // A short provider wallet stops sales until an admin tops it up: logged as an error for the alerting that reads the log.
  (answer.reason === "provider_funds" ? log.error : log.warn)("order refused before payment", {
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

/** A dealer product ordered without the details /dealer/order needs (the checkout form collects them). */
export class ActivationDetailsMissingError extends Error {
  constructor() {
    super("This plan needs your name (and for US prepaid plans the phone's IMEI, EID and a US address). Please fill in the checkout form.");
    this.name = "ActivationDetailsMissingError";
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
  /** For a MeiSIM dealer product: what /dealer/order needs, validated by parseActivationDetails. */
  activationDetails?: ActivationDetails;
  origin?: RequestOrigin | null;
}

/** One order's most eSIMs: the provider's limit; one for a US prepaid product, whose request carries one device's IMEI and EID. */
function maxQuantityOf(plan: { provider: string; dealerProduct: { usPrepaid: boolean } | null }): number {
  return plan.dealerProduct?.usPrepaid ? 1 : providerById(plan.provider).maxQuantity;
}

/** A plan on sale, with its destination and how many of it one order may hold, for the guest checkout page; null when not on sale. */
export async function planForCheckout(planId: string) {
  const plan = await db().plan.findUnique({
    where: { id: planId },
    include: { destination: true, dealerProduct: { select: { usPrepaid: true } } },
  });
  return plan?.active ? { ...plan, maxQuantity: maxQuantityOf(plan) } : null;
}

/** A new order awaiting payment, priced from the catalog (never from the browser). */
export async function createOrder(input: CreateOrderInput) {
  const plan = await db().plan.findUnique({ where: { id: input.planId }, include: { dealerProduct: { select: { usPrepaid: true } } } });
  if (!plan?.active) throw new PlanUnavailableError();
  const details = plan.dealerProduct ? input.activationDetails : undefined;
  if (plan.dealerProduct && (!details || (plan.dealerProduct.usPrepaid && !details.address))) throw new ActivationDetailsMissingError();
  const quantity = input.quantity ?? 1;
  const maxQuantity = input.renewsIccid ? 1 : maxQuantityOf(plan);
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
        ...(details ? { activationDetails: details } : {}),
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
export function mayAccessOrder(
  viewer: OrderViewer,
  order: Pick<Order, "otherOrderId" | "userId" | "guestCheckout" | "guestLinksRevokedAt">,
): boolean {
  if (viewer.userId !== null && order.userId === viewer.userId) return true;
  return order.guestCheckout && isOrderAccessKey(order, viewer.accessKey);
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
  const order = await db().order.findUnique({
    where: { otherOrderId },
    select: { otherOrderId: true, userId: true, guestCheckout: true, guestLinksRevokedAt: true },
  });
  return order && mayAccessOrder(viewer, order) ? order.userId : null;
}

/** The order that delivered an eSIM, for a renewal's page to point back to; null if it is not this user's. */
export async function orderDeliveringEsim(userId: string, iccid: string): Promise<string | null> {
  const esim = await db().esim.findUnique({ where: { iccid }, include: { order: { select: { userId: true } } } });
  return esim && esim.order.userId === userId ? esim.orderId : null;
}
