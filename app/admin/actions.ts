"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { refundOrder } from "@/lib/billing/refunds";
import { setPlanActive, setPlanPrice } from "@/lib/catalog/admin";
import { syncCatalog } from "@/lib/catalog/sync";
import { env } from "@/lib/config/env";
import { parseMoneyInput } from "@/lib/money";
import { retryFulfilment } from "@/lib/orders/fulfilment";
import { describeProviderFailure } from "@/lib/providers/errors";
import { allProviders, meisimClient } from "@/lib/providers/registry";

const Id = z.string().trim().min(1).max(64);

export async function retryFulfilmentAction(form: FormData): Promise<void> {
  const admin = await requireAdmin("/admin/orders");
  const orderId = Id.safeParse(form.get("otherOrderId"));
  if (orderId.success) await retryFulfilment(orderId.data, admin.id);
  revalidatePath("/admin/orders");
}

/** An admin action on one order that must say why. */
function orderWithReason(form: FormData) {
  return z
    .object({ otherOrderId: Id, reason: z.string().trim().min(3, { error: "Give a reason (at least 3 characters)." }).max(300) })
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
  try {
    await refundOrder(parsed.data.otherOrderId, { actorId: admin.id, reason: parsed.data.reason, origin: originFromHeaders(await headers()) });
  } catch (err) {
    return { error: describeProviderFailure(err) };
  }
  revalidatePath("/admin/orders");
  return { success: `Order ${parsed.data.otherOrderId} refunded.` };
}

export async function setPlanPriceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/catalog");
  const planId = Id.safeParse(form.get("planId"));
  const price = parseMoneyInput(String(form.get("price") ?? ""), env().CURRENCY);
  if (!planId.success || price === null || price <= 0) return { error: "Enter a price like 12.99." };
  await setPlanPrice(planId.data, price, admin.id, originFromHeaders(await headers()));
  revalidatePath("/admin/catalog");
  return { success: "Price saved." };
}

export async function togglePlanAction(form: FormData): Promise<void> {
  const admin = await requireAdmin("/admin/catalog");
  await setPlanActive(Id.parse(form.get("planId")), form.get("active") === "true", admin.id, originFromHeaders(await headers()));
  revalidatePath("/admin/catalog");
}

export async function syncCatalogAction(_prev: ActionState): Promise<ActionState> {
  await requireAdmin("/admin/catalog");
  const lines: string[] = [];
  for (const provider of allProviders()) {
    try {
      const report = await syncCatalog(provider, { markupPercent: env().CATALOG_MARKUP_PERCENT });
      lines.push(`${provider.displayName}: ${report.plans} plans, ${report.deactivated} withdrawn`);
    } catch (err) {
      lines.push(`${provider.displayName}: failed (${describeProviderFailure(err)})`);
    }
  }
  revalidatePath("/admin/catalog");
  return { success: lines.join(" · ") };
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
