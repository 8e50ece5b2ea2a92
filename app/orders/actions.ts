"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireUser, safeCallbackPath } from "@/lib/auth/session";
import { PaymentMethod } from "@/lib/generated/prisma/client";
import { AfterSaleError, cancelOrder, startRenewal } from "@/lib/orders/after-sale";
import { createOrder, PlanUnavailableError, QuantityError } from "@/lib/orders/orders";
import { cancelUnpaidOrder } from "@/lib/orders/unpaid";
import { RecordId, recordIdFrom, textField } from "@/lib/validation";
import { ORDER_ERRORS, withOrderError } from "./errors";

const Quantity = z.coerce.number().int().min(1).max(100).default(1);
const ReturnTo = textField({ max: 300 });

/** "Buy" on a plan: an order awaiting payment, then its payment page. */
export async function startPurchase(form: FormData): Promise<void> {
  // The same check as sign-in's callback: a path on this site, never `//host` or `/\host`.
  const returnTo = ReturnTo.safeParse(form.get("returnTo"));
  const back = safeCallbackPath(returnTo.success ? returnTo.data : null, "/destinations");
  const user = await requireUser(back);
  const planId = RecordId.safeParse(form.get("planId"));
  if (!planId.success) redirect(withOrderError(back, "plan_unavailable"));
  const quantity = Quantity.safeParse(form.get("quantity") ?? undefined);
  if (!quantity.success) redirect(withOrderError(back, "quantity_invalid"));
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

export async function cancelOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account");
  const orderId = RecordId.safeParse(form.get("otherOrderId"));
  if (!orderId.success) return { error: ORDER_ERRORS.form_invalid };
  let outcome: "cancelled" | "pending";
  try {
    outcome = await cancelOrder(user.id, orderId.data, originFromHeaders(await headers()));
  } catch (err) {
    // Written for the customer by after-sale; provider failures were logged there and reworded.
    if (err instanceof AfterSaleError) return { error: err.message };
    throw err;
  }
  redirect(`/orders/${orderId.data}?${outcome === "cancelled" ? "cancelled=1" : "cancel=pending"}`);
}

export async function cancelUnpaidOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account");
  const orderId = RecordId.safeParse(form.get("otherOrderId"));
  if (!orderId.success) return { error: ORDER_ERRORS.form_invalid };
  const cancelled = await cancelUnpaidOrder(orderId.data, { userId: user.id }, originFromHeaders(await headers()));
  if (!cancelled)
    return { error: "This order can no longer be cancelled: it was paid, or it expired. Reload the page to see where it stands." };
  redirect(`/orders/${orderId.data}`);
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
