"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { PriceBelowFloorError, setPlanActive, setPlanPrice } from "@/lib/catalog/admin";
import { env } from "@/lib/config/env";
import { formatMoney, parseMoneyInput } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";
import { meisimClient } from "@/lib/providers/registry";
import { RecordId } from "@/lib/validation";

export async function setPlanPriceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/catalog");
  const planId = RecordId.safeParse(form.get("planId"));
  const price = parseMoneyInput(String(form.get("price") ?? ""), env().CURRENCY);
  if (!planId.success || price === null || price <= 0) return { error: "Enter a price like 12.99." };
  try {
    if (!(await setPlanPrice(planId.data, price, admin.id, originFromHeaders(await headers()))))
      return { error: "That plan no longer exists. Reload the page." };
  } catch (err) {
    if (err instanceof PriceBelowFloorError)
      return { error: `That is below wholesale plus the payment fee: the lowest price is ${formatMoney(err.floorMinor, env().CURRENCY)}.` };
    throw err;
  }
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
