"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { requireAdminStepUp } from "@/lib/auth/step-up";
import { PriceBelowFloorError, setPlanActive, setPlanPrice } from "@/lib/catalog/admin";
import { env } from "@/lib/config/env";
import { formatMoney, parseMoneyInput } from "@/lib/money";
import { RecordId } from "@/lib/validation";

export async function setPlanPriceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const stepUp = await requireAdminStepUp("/admin/catalog", form);
  if (!stepUp.ok) return stepUp.answer;
  const { admin, origin } = stepUp;
  const planId = RecordId.safeParse(form.get("planId"));
  const price = parseMoneyInput(String(form.get("price") ?? ""), env().CURRENCY);
  if (!planId.success || price === null || price <= 0) return { error: "Enter a price like 12.99." };
  try {
    if (!(await setPlanPrice(planId.data, price, admin.id, origin))) return { error: "That plan no longer exists. Reload the page." };
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
