"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireUser } from "@/lib/auth/session";
import { PaymentMethod } from "@/lib/generated/prisma/client";
import { AfterSaleError, cancelOrder, startRenewal } from "@/lib/orders/after-sale";
import { createOrder, PlanUnavailableError, QuantityError } from "@/lib/orders/orders";

const Id = z.string().trim().min(1).max(64);
const Quantity = z.coerce.number().int().min(1).max(100).default(1);

/** "Buy" on a plan: an order awaiting payment, then its payment page. */
export async function startPurchase(form: FormData): Promise<void> {
  const planId = Id.safeParse(form.get("planId"));
  const returnTo = z.string().startsWith("/").safeParse(form.get("returnTo"));
  const user = await requireUser(returnTo.success ? returnTo.data : "/destinations");
  if (!planId.success) redirect("/destinations");
  const back = returnTo.success ? returnTo.data : "/destinations";
  const quantity = Quantity.safeParse(form.get("quantity") ?? undefined);
  if (!quantity.success) redirect(`${back}?quantity=invalid`);
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
    if (err instanceof PlanUnavailableError) redirect(`${back}?unavailable=1`);
    if (err instanceof QuantityError) redirect(`${back}?quantity=invalid`);
    throw err;
  }
  redirect(`/orders/${orderId}`);
}

export async function cancelOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account");
  const orderId = Id.safeParse(form.get("otherOrderId"));
  if (!orderId.success) return { error: "This form is missing its order. Reload the page and try again." };
  let outcome: "cancelled" | "pending";
  try {
    outcome = await cancelOrder(user.id, orderId.data, originFromHeaders(await headers()));
  } catch (err) {
    if (err instanceof AfterSaleError) return { error: err.message };
    throw err;
  }
  redirect(`/orders/${orderId.data}?${outcome === "cancelled" ? "cancelled=1" : "cancel=pending"}`);
}

export async function startRenewalAction(form: FormData): Promise<void> {
  const user = await requireUser("/account");
  const iccid = Id.parse(form.get("iccid"));
  const planId = Id.parse(form.get("planId"));
  let orderId: string;
  try {
    orderId = (await startRenewal(user.id, iccid, planId, originFromHeaders(await headers()))).otherOrderId;
  } catch (err) {
    if (err instanceof AfterSaleError || err instanceof PlanUnavailableError) redirect(`/esims/${encodeURIComponent(iccid)}/renew?error=1`);
    throw err;
  }
  redirect(`/orders/${orderId}`);
}
