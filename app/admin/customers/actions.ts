"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { fieldErrors, type ActionState } from "@/components/forms/action-state";
import { setAccountDisabled } from "@/lib/admin/customers";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { requireAdminStepUp } from "@/lib/auth/step-up";
import { formatMoney } from "@/lib/money";
import { RecordId, textField } from "@/lib/validation";
import { AdjustmentSchema, adjustWallet, parseSignedMoneyInput, releaseWalletHold, UnknownCustomerError } from "@/lib/wallet/adjustments";
import { InsufficientFundsError, WalletHeldError } from "@/lib/wallet/ledger";
import { walletSummary } from "@/lib/wallet/queries";

const customerPath = (userId: string) => `/admin/customers/${userId}`;

/**
 * An admin's signed credit or debit to a customer's wallet, with the reason
 * they must give. The form's request key makes a double submit post once.
 */
export async function adjustWalletAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const stepUp = await requireAdminStepUp("/admin/customers", form);
  if (!stepUp.ok) return stepUp.answer;
  const { admin, origin } = stepUp;
  const values = { amount: String(form.get("amount") ?? ""), reason: String(form.get("reason") ?? "") };
  const customer = RecordId.safeParse(form.get("userId"));
  const requestKey = z.uuid().safeParse(form.get("requestKey"));
  if (!customer.success || !requestKey.success)
    return { error: "This form is missing its customer or has expired. Reload the page and try again.", values };
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
    const entry = await adjustWallet({
      ...parsed.data,
      authorId: admin.id,
      origin,
      requestKey: requestKey.data,
    });
    revalidatePath(customerPath(userId));
    const balance = formatMoney(entry.balanceAfterMinor, entry.currency);
    return entry.replayed
      ? { success: `This adjustment was already recorded (the form was sent twice); it was applied once. Balance after it: ${balance}.` }
      : { success: `Adjusted by ${formatMoney(entry.amountMinor, entry.currency)}. New balance: ${balance}.` };
  } catch (err) {
    if (err instanceof InsufficientFundsError)
      return { fieldErrors: { amount: `That would make the balance negative. ${err.message}` }, values };
    if (err instanceof WalletHeldError) return { error: "This wallet is on hold: release it before taking money out of it.", values };
    if (err instanceof UnknownCustomerError) return { error: "This customer no longer exists. Go back to the customer list.", values };
    throw err;
  }
}

const ReasonSchema = (what: string) =>
  textField({ max: 500, label: "The reason" }).min(5, { error: `Say why you are ${what} (at least 5 characters).` });

/** Lifts a clawback's hold once the balance is back to zero or more. */
export async function releaseWalletAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/customers");
  const parsed = z
    .object({ userId: RecordId, reason: ReasonSchema("releasing this wallet") })
    .safeParse({ userId: form.get("userId"), reason: form.get("reason") });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid request." };
  const released = await releaseWalletHold({ ...parsed.data, authorId: admin.id, origin: originFromHeaders(await headers()) });
  if (!released) return { error: "This wallet is not on hold, or its balance is still below zero: credit it first." };
  revalidatePath(customerPath(parsed.data.userId));
  return { success: "Wallet released: the customer can spend from it again." };
}

/** Disables an account (signing it out everywhere) or enables it again, with a reason. */
export async function setAccountDisabledAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/customers");
  const disabled = form.get("disabled") === "true";
  const parsed = z
    .object({ userId: RecordId, reason: ReasonSchema(disabled ? "disabling this account" : "enabling this account") })
    .safeParse({ userId: form.get("userId"), reason: form.get("reason") });
  if (!parsed.success)
    return { error: parsed.error.issues[0]?.message ?? "Invalid request.", values: { reason: String(form.get("reason") ?? "") } };
  const { change, sessionsEnded } = await setAccountDisabled({
    ...parsed.data,
    disabled,
    actorId: admin.id,
    origin: originFromHeaders(await headers()),
  });
  revalidatePath(customerPath(parsed.data.userId));
  switch (change) {
    case "disabled":
      return { success: `Account disabled; ${sessionsEnded} ${sessionsEnded === 1 ? "session" : "sessions"} ended.` };
    case "enabled":
      return { success: "Account enabled: the customer can sign in again." };
    case "unchanged":
      return { success: disabled ? "This account was already disabled." : "This account was already enabled." };
    case "self":
      return { error: "You cannot disable your own account." };
    case "missing":
      return { error: "This customer no longer exists." };
  }
}
