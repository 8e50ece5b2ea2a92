"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrors, type ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { currentUser } from "@/lib/auth/session";
import { paymentFailureMessage } from "@/lib/billing/errors";
import { openTopupCheckout, payTopupFromWallet, startMobileTopup, topupPath, TopupError } from "@/lib/topup/topups";
import { textField } from "@/lib/validation";

const startSchema = z.object({
  networkName: textField({ min: 1, max: 100, label: "Network" }),
  targetKind: z.enum(["phone", "serial"], { error: "Choose phone number or SIM serial number." }),
  target: textField({ min: 1, max: 40, label: "The number" }),
  faceValue: textField({ min: 1, max: 12, label: "The amount" }),
  email: z.union([z.literal(""), z.email({ error: "Enter a valid email address." }).max(254)]).optional(),
});

const FIELDS = ["networkName", "targetKind", "target", "faceValue", "email"] as const;

/** Checks the SIM with the network and records the quote, then shows it for payment. Nothing is charged here. */
export async function startTopupAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? "")]));
  const parsed = startSchema.safeParse(values);
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  const user = await currentUser();
  let id: string;
  try {
    ({ id } = await startMobileTopup({
      user: user && { id: user.id, email: user.email },
      email: parsed.data.email || null,
      networkName: parsed.data.networkName,
      targetKind: parsed.data.targetKind,
      target: parsed.data.target,
      faceValue: parsed.data.faceValue,
      origin: originFromHeaders(await headers()),
    }));
  } catch (err) {
    if (!(err instanceof TopupError)) throw err;
    return err.field ? { fieldErrors: { [err.field]: err.message }, values } : { error: err.message, values };
  }
  redirect(topupPath(id));
}

/** Card payment on Stripe Checkout; open to guests. */
export async function payTopupByCardAction(id: string): Promise<ActionState> {
  let url: string;
  try {
    ({ url } = await openTopupCheckout(id));
  } catch (err) {
    return { error: err instanceof TopupError ? err.message : paymentFailureMessage(err) };
  }
  redirect(url);
}

/** Wallet payment for the signed-in owner of the top-up. */
export async function payTopupFromWalletAction(id: string): Promise<ActionState> {
  const user = await currentUser();
  if (!user) return { error: "Sign in to pay from your wallet." };
  try {
    await payTopupFromWallet(user.id, id);
  } catch (err) {
    if (!(err instanceof TopupError)) throw err;
    return { error: err.message };
  }
  redirect(topupPath(id));
}
