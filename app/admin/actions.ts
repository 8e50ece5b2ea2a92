"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { refundOrder } from "@/lib/billing/refunds";
import type { Refund } from "@/lib/generated/prisma/client";
import { setPlanActive, setPlanPrice } from "@/lib/catalog/admin";
import { env } from "@/lib/config/env";
import { parseMoneyInput } from "@/lib/money";
import { retryFulfilment } from "@/lib/orders/fulfilment";
import { describeProviderFailure } from "@/lib/providers/errors";
import { meisimClient } from "@/lib/providers/registry";
import { RecordId, textField } from "@/lib/validation";

export async function retryFulfilmentAction(form: FormData): Promise<void> {
  const admin = await requireAdmin("/admin/orders");
  const orderId = RecordId.safeParse(form.get("otherOrderId"));
  if (orderId.success) await retryFulfilment(orderId.data, admin.id);
  revalidatePath("/admin/orders");
}

/** An admin action on one order that must say why. */
function orderWithReason(form: FormData) {
  return z
    .object({
      otherOrderId: RecordId,
      reason: textField({ max: 300, label: "The reason" }).min(3, { error: "Give a reason (at least 3 characters)." }),
    })
    .safeParse({ otherOrderId: form.get("otherOrderId"), reason: form.get("reason") });
}

/** For an order in review: the admin checked the provider, found no such order, and has it placed again. */
export async function placeAgainAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/orders");
  const parsed = orderWithReason(form);
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid request." };
  await retryFulfilment(parsed.data.otherOrderId, admin.id, Date.now(), { reason: parsed.data.reason });
  revalidatePath("/admin/orders");
  return { success: `Order ${parsed.data.otherOrderId} placed again.` };
}

export async function refundOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/orders");
  const parsed = orderWithReason(form);
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid refund." };
  const iccid = RecordId.optional().safeParse(form.get("iccid") ?? undefined);
  if (!iccid.success) return { error: "That card reference is not valid." };
  let refund: Refund;
  try {
    refund = await refundOrder(parsed.data.otherOrderId, {
      actorId: admin.id,
      reason: parsed.data.reason,
      iccid: iccid.data,
      origin: originFromHeaders(await headers()),
    });
  } catch (err) {
    return { error: describeProviderFailure(err) };
  }
  revalidatePath("/admin/orders");
  const what = iccid.data ? `Card ${iccid.data} of order ${parsed.data.otherOrderId}` : `Order ${parsed.data.otherOrderId}`;
  return refund.status === "SUCCEEDED"
    ? { success: `${what} refunded.` }
    : { success: `${what}: refund ${refund.status.toLowerCase()}; it is retried until Stripe confirms it.` };
}

export async function setPlanPriceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/catalog");
  const planId = RecordId.safeParse(form.get("planId"));
  const price = parseMoneyInput(String(form.get("price") ?? ""), env().CURRENCY);
  if (!planId.success || price === null || price <= 0) return { error: "Enter a price like 12.99." };
  if (!(await setPlanPrice(planId.data, price, admin.id, originFromHeaders(await headers()))))
    return { error: "That plan no longer exists. Reload the page." };
  revalidatePath("/admin/catalog");
  return { success: "Price saved." };
}

export async function togglePlanAction(form: FormData): Promise<void> {
  const admin = await requireAdmin("/admin/catalog");
  const planId = RecordId.safeParse(form.get("planId"));
  if (planId.success) await setPlanActive(planId.data, form.get("active") === "true", admin.id, originFromHeaders(await headers()));
  revalidatePath("/admin/catalog");
}

export async function meisimTopUpAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  await requireAdmin("/admin/providers");
  const amount = parseMoneyInput(String(form.get("amount") ?? ""), "USD");
  if (amount === null || amount < 50_00 || amount > 10_000_00) return { error: "MeiSIM top-ups are $50 to $10,000." };
  let url: string;
  try {
    url = (await meisimClient().wallet.topup(amount)).checkoutUrl;
  } catch (err) {
    return { error: describeProviderFailure(err) };
  }
  redirect(url);
}

export async function meisimSendOtpAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  await requireAdmin("/admin/providers");
  const email = z.email().safeParse(form.get("email"));
  if (!email.success) return { error: "Enter the dealer email address." };
  try {
    await meisimClient().auth.sendOtp(email.data);
  } catch (err) {
    return { error: describeProviderFailure(err), values: { email: email.data } };
  }
  return { success: "Code sent. Enter it below within 5 minutes.", values: { email: email.data } };
}

export async function meisimVerifyOtpAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  await requireAdmin("/admin/providers");
  const parsed = z.object({ email: z.email(), code: z.string().regex(/^\d{6}$/, { error: "The code has 6 digits." }) }).safeParse({
    email: form.get("email"),
    code: form.get("code"),
  });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Enter the email and the 6-digit code." };
  try {
    const { apiKey } = await meisimClient().auth.verifyOtp(parsed.data.email, parsed.data.code);
    return { success: `Verified. Set MEISIM_DEALER_KEY=${apiKey} in the store's environment and restart.` };
  } catch (err) {
    return { error: describeProviderFailure(err), values: { email: parsed.data.email } };
  }
}
