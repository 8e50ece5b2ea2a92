"use server";

import { redirect } from "next/navigation";
import type { ActionState } from "@/components/forms/action-state";
import { requireUser } from "@/lib/auth/session";
import { createOrderCheckout } from "@/lib/billing/checkout";
import { paymentFailureMessage } from "@/lib/billing/errors";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { RecordId } from "@/lib/validation";

/** Reads the order reference, or says why the form is unusable. */
function orderReferenceFrom(form: FormData): { otherOrderId: string } | { error: string } {
  const parsed = RecordId.safeParse(form.get("otherOrderId"));
  return parsed.success
    ? { otherOrderId: parsed.data }
    : { error: "This payment form is missing its order. Reload the page and try again." };
}

/** Opens Stripe Checkout for the order (the amount is the order's own) and sends the browser there. */
export async function payOrderByCard(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account");
  const order = orderReferenceFrom(form);
  if ("error" in order) return order;
  let url: string;
  try {
    ({ url } = await createOrderCheckout(user.id, order.otherOrderId));
  } catch (err) {
    return { error: paymentFailureMessage(err) };
  }
  redirect(url);
}

/** Pays the order from the wallet balance in one transaction, then shows the order's confirmation. */
export async function payOrderWithWallet(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account");
  const order = orderReferenceFrom(form);
  if ("error" in order) return order;
  try {
    await payOrderFromWallet(user.id, order.otherOrderId);
  } catch (err) {
    return { error: paymentFailureMessage(err) };
  }
  redirect(`/checkout/success?order=${encodeURIComponent(order.otherOrderId)}`);
}
