"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { currentUser, requireUser, safeCallbackPath } from "@/lib/auth/session";
import { dealerProductOfPlan } from "@/lib/catalog/dealer-products";
import { PaymentMethod } from "@/lib/generated/prisma/client";
import { AfterSaleError, cancelOrder, startRenewal } from "@/lib/orders/after-sale";
import { createOrder, orderOwnerForViewer, PlanUnavailableError, QuantityError } from "@/lib/orders/orders";
import { DELIVERY_RESEND_LIMIT, resendDeliveryEmail } from "@/lib/orders/notifications";
import { cancelUnpaidOrder } from "@/lib/orders/unpaid";
import { RecordId, recordIdFrom, textField } from "@/lib/validation";
import { ORDER_ERRORS, withOrderError } from "./errors";
import { orderPageFor, orderViewer } from "./order-viewer";

const Quantity = z.coerce.number().int().min(1).max(100).default(1);
const ReturnTo = textField({ max: 300 });

/**
 * "Buy" on a plan: for a signed-in customer, an order awaiting payment, then
 * its payment page; for anyone else, the guest checkout page, which asks for
 * an email address.
 */
export async function startPurchase(form: FormData): Promise<void> {
  // The same check as sign-in's callback: a path on this site, never `//host` or `/\host`.
  const returnTo = ReturnTo.safeParse(form.get("returnTo"));
  const back = safeCallbackPath(returnTo.success ? returnTo.data : null, "/destinations");
  const planId = RecordId.safeParse(form.get("planId"));
  if (!planId.success) redirect(withOrderError(back, "plan_unavailable"));
  const quantity = Quantity.safeParse(form.get("quantity") ?? undefined);
  if (!quantity.success) redirect(withOrderError(back, "quantity_invalid"));
  const user = await currentUser();
  // A MeiSIM dealer product needs activation details first, which the checkout page asks for.
  if (!user || (await dealerProductOfPlan(planId.data)))
    redirect(`/checkout?${new URLSearchParams({ plan: planId.data, quantity: String(quantity.data) })}`);
  let orderId: string;
  try {
    const order = await createOrder({
      userId: user.id,
      planId: planId.data,
      quantity: quantity.data,
      paymentMethod: PaymentMethod.CARD,
      origin: originFromHeaders(await headers()),
    });
    orderId = order.otherOrderId;
  } catch (err) {
    if (err instanceof PlanUnavailableError) redirect(withOrderError(back, "plan_unavailable"));
    if (err instanceof QuantityError) redirect(withOrderError(back, "quantity_invalid"));
    throw err;
  }
  redirect(`/orders/${orderId}`);
}

export async function cancelOrderAction(accessKey: string | null, _prev: ActionState, form: FormData): Promise<ActionState> {
  const { viewer } = await orderViewer(accessKey, "/account");
  const orderId = RecordId.safeParse(form.get("otherOrderId"));
  if (!orderId.success) return { error: ORDER_ERRORS.form_invalid };
  // Someone else's order answers as one that does not exist.
  const ownerId = await orderOwnerForViewer(viewer, orderId.data);
  if (!ownerId) return { error: ORDER_ERRORS.order_not_found };
  let outcome: "cancelled" | "requested";
  try {
    outcome = await cancelOrder(ownerId, orderId.data, originFromHeaders(await headers()));
  } catch (err) {
    // Written for the customer by after-sale; provider failures were logged there and reworded.
    if (err instanceof AfterSaleError) return { error: err.message };
    throw err;
  }
  redirect(orderPageFor(orderId.data, viewer.accessKey, outcome === "cancelled" ? "cancelled=1" : "cancel=requested"));
}

export async function cancelUnpaidOrderAction(accessKey: string | null, _prev: ActionState, form: FormData): Promise<ActionState> {
  const { viewer } = await orderViewer(accessKey, "/account");
  const orderId = RecordId.safeParse(form.get("otherOrderId"));
  if (!orderId.success) return { error: ORDER_ERRORS.form_invalid };
  const ownerId = await orderOwnerForViewer(viewer, orderId.data);
  if (!ownerId) return { error: ORDER_ERRORS.order_not_found };
  const cancelled = await cancelUnpaidOrder(orderId.data, { userId: ownerId }, originFromHeaders(await headers()));
  if (!cancelled)
    return { error: "This order can no longer be cancelled: it was paid, or it expired. Reload the page to see where it stands." };
  redirect(orderPageFor(orderId.data, viewer.accessKey));
}

/** "Email me the install details again" on a delivered order: the delivery email, rate limited per order. */
export async function resendDeliveryEmailAction(accessKey: string | null, _prev: ActionState, form: FormData): Promise<ActionState> {
  const { viewer } = await orderViewer(accessKey, "/account");
  const orderId = RecordId.safeParse(form.get("otherOrderId"));
  if (!orderId.success) return { error: ORDER_ERRORS.form_invalid };
  if (!(await orderOwnerForViewer(viewer, orderId.data))) return { error: ORDER_ERRORS.order_not_found };
  const outcome = await resendDeliveryEmail(orderId.data);
  if (outcome.sent) return { success: "Sent to the address you ordered with. It may take a minute; check your spam folder too." };
  if (outcome.reason === "not_delivered") return { error: "This order has no eSIM to install yet, so there is nothing to send." };
  const minutes = Math.max(1, Math.ceil(outcome.retryAfterMs / 60_000));
  return {
    error: `The email was already sent ${DELIVERY_RESEND_LIMIT.perOrder} times this hour. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}, or use the details on this page.`,
  };
}

export async function startRenewalAction(form: FormData): Promise<void> {
  const user = await requireUser("/account");
  const iccid = recordIdFrom(form.get("iccid"));
  if (!iccid) redirect("/account");
  const renewPage = `/esims/${iccid}/renew`;
  const planId = recordIdFrom(form.get("planId"));
  if (!planId) redirect(withOrderError(renewPage, "renewal_unavailable"));
  let orderId: string;
  try {
    orderId = (await startRenewal(user.id, iccid, planId, originFromHeaders(await headers()))).otherOrderId;
  } catch (err) {
    if (err instanceof AfterSaleError || err instanceof PlanUnavailableError) redirect(withOrderError(renewPage, "renewal_unavailable"));
    throw err;
  }
  redirect(`/orders/${orderId}`);
}
