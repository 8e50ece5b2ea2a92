"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { fieldErrors, type ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { AdjustmentSchema, adjustWallet, parseSignedMoneyInput, releaseWalletHold, UnknownCustomerError } from "@/lib/wallet/adjustments";
import { InsufficientFundsError, WalletHeldError } from "@/lib/wallet/ledger";
import { RecordId, textField } from "@/lib/validation";
import { walletSummary } from "@/lib/wallet/queries";

/** An admin's signed credit or debit to a customer's wallet, with the reason they must give. */
export async function adjustWalletAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/wallets");
  const values = { amount: String(form.get("amount") ?? ""), reason: String(form.get("reason") ?? "") };
  const customer = RecordId.safeParse(form.get("userId"));
  if (!customer.success) return { error: "This form is missing its customer. Reload the page and try again.", values };
  const userId = customer.data;
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
    return {
      success: `Adjusted by ${formatMoney(entry.amountMinor, entry.currency)}. New balance: ${formatMoney(entry.balanceAfterMinor, entry.currency)}.`,
    };
  } catch (err) {
    if (err instanceof InsufficientFundsError)
      return { fieldErrors: { amount: `That would make the balance negative. ${err.message}` }, values };
    if (err instanceof WalletHeldError) return { error: "This wallet is on hold: release it before taking money out of it.", values };
    if (err instanceof UnknownCustomerError) return { error: "This customer no longer exists. Go back to the wallet list.", values };
    throw err;
  }
}

/** Lifts a clawback's hold once the balance is back to zero or more. */
export async function releaseWalletAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/wallets");
  const parsed = ReleaseSchema.safeParse({ userId: form.get("userId"), reason: form.get("reason") });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid request." };
  const released = await releaseWalletHold({ ...parsed.data, authorId: admin.id, origin: originFromHeaders(await headers()) });
  if (!released) return { error: "This wallet is not on hold, or its balance is still below zero: credit it first." };
  revalidatePath(`/admin/wallets/${parsed.data.userId}`);
  return { success: "Wallet released: the customer can spend from it again." };
}

const ReleaseSchema = z.object({
  userId: RecordId,
  reason: textField({ max: 500, label: "The reason" }).min(5, { error: "Say why you are releasing this wallet (at least 5 characters)." }),
});
