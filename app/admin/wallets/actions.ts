"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { fieldErrors, type ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { AdjustmentSchema, adjustWallet, parseSignedMoneyInput } from "@/lib/wallet/adjustments";
import { InsufficientFundsError } from "@/lib/wallet/ledger";
import { walletSummary } from "@/lib/wallet/queries";

/** An admin's signed credit or debit to a customer's wallet, with the reason they must give. */
export async function adjustWalletAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/wallets");
  const values = { amount: String(form.get("amount") ?? ""), reason: String(form.get("reason") ?? "") };
  const userId = String(form.get("userId") ?? "");
  // The wallet's own currency decides how many decimals the typed amount may have.
  const { currency } = await walletSummary(userId);
  const amountMinor = parseSignedMoneyInput(values.amount, currency);
  const parsed = AdjustmentSchema.safeParse({ userId, amountMinor: amountMinor ?? undefined, reason: values.reason });
  if (!parsed.success) {
    const { amountMinor: amountError, ...rest } = fieldErrors(parsed.error);
    return { fieldErrors: { ...rest, ...(amountError && { amount: amountError }) }, error: rest.userId, values };
  }
  try {
    const entry = await adjustWallet({ ...parsed.data, authorId: admin.id, origin: originFromHeaders(await headers()) });
    revalidatePath(`/admin/wallets/${parsed.data.userId}`);
    revalidatePath("/admin/wallets");
    return { success: `Adjusted by ${formatMoney(entry.amountMinor, entry.currency)}. New balance: ${formatMoney(entry.balanceAfterMinor, entry.currency)}.` };
  } catch (err) {
    if (err instanceof InsufficientFundsError) return { fieldErrors: { amount: `That would make the balance negative. ${err.message}` }, values };
    throw err;
  }
}
