"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney, parseMoneyInput } from "@/lib/money";
import { MAX_LOW_BALANCE_MINOR, saveLowBalanceAlert } from "@/lib/providers/health";
import { textField } from "@/lib/validation";

const Reason = textField({ max: 300, label: "The reason" }).min(3, { error: "Give a reason (at least 3 characters)." });

/** Sets the MeiSIM dealer wallet balance under which /admin and the providers page alert. */
export async function setLowBalanceAlertAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/providers");
  const reason = Reason.safeParse(form.get("reason"));
  if (!reason.success) return { error: reason.error.issues[0]!.message };
  const minor = parseMoneyInput(String(form.get("amount") ?? ""), "USD");
  if (minor === null || minor < 0 || minor > MAX_LOW_BALANCE_MINOR)
    return { error: `Enter an amount in USD from $0 to ${formatMoney(MAX_LOW_BALANCE_MINOR, "USD")}.` };
  await saveLowBalanceAlert(minor, { actorId: admin.id, reason: reason.data, origin: originFromHeaders(await headers()) });
  revalidatePath("/admin/providers");
  revalidatePath("/admin");
  return { success: `Alert when the MeiSIM dealer wallet is under ${formatMoney(minor, "USD")}.` };
}
