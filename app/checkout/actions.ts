"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { orderViewer } from "@/app/orders/order-viewer";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { RateLimitedError } from "@/lib/auth/rate-limit";
import { requireUser } from "@/lib/auth/session";
import { EmailSchema } from "@/lib/auth/users";
import { createGuestOrderCheckout, createOrderCheckout } from "@/lib/billing/checkout";
import { paymentFailureMessage } from "@/lib/billing/errors";
import { payOrderFromWallet } from "@/lib/billing/wallet-payment";
import { orderOwnerForViewer, PlanUnavailableError, QuantityError } from "@/lib/orders/orders";
import { RecordId } from "@/lib/validation";

/** Reads the order reference, or says why the form is unusable. */
function orderReferenceFrom(form: FormData): { otherOrderId: string } | { error: string } {
  const parsed = RecordId.safeParse(form.get("otherOrderId"));
  return parsed.success
    ? { otherOrderId: parsed.data }
    : { error: "This payment form is missing its order. Reload the page and try again." };
}

/**
 * Opens Stripe Checkout for the order (the amount is the order's own) and
 * sends the browser there. `accessKey` is bound by a page opened through a
 * guest order's link.
 */
export async function payOrderByCard(accessKey: string | null, _prev: ActionState, form: FormData): Promise<ActionState> {
  const { viewer } = await orderViewer(accessKey, "/account");
  const order = orderReferenceFrom(form);
  if ("error" in order) return order;
  // Someone else's order answers as one that does not exist.
  const ownerId = await orderOwnerForViewer(viewer, order.otherOrderId);
  if (!ownerId) return { error: "We couldn’t find that order." };
  let url: string;
  try {
    ({ url } = await createOrderCheckout(ownerId, order.otherOrderId));
  } catch (err) {
    return { error: paymentFailureMessage(err) };
  }
  redirect(url);
}

/** Pays the order from the wallet balance in one transaction, then shows the order's confirmation. Signed-in customers only. */
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

const GuestCheckoutForm = z.object({
  email: EmailSchema,
  planId: RecordId,
  quantity: z.coerce.number().int().min(1).max(100),
});

/** Guest checkout: an order for the email address given, then Stripe's payment page. */
export async function startGuestCheckout(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = { email: String(form.get("email") ?? "") };
  const parsed = GuestCheckoutForm.safeParse({ email: form.get("email"), planId: form.get("planId"), quantity: form.get("quantity") });
  if (!parsed.success) {
    return parsed.error.issues.some((issue) => issue.path[0] === "email")
      ? { fieldErrors: { email: "Enter a valid email address." }, values }
      : { error: "This checkout form is missing its plan. Go back to the plan and choose Buy again.", values };
  }
  let url: string;
  try {
    ({ url } = await createGuestOrderCheckout({ ...parsed.data, origin: originFromHeaders(await headers()) }));
  } catch (err) {
    if (err instanceof RateLimitedError) return { error: "Too many orders from here or for this email. Try again in an hour.", values };
    if (err instanceof PlanUnavailableError || err instanceof QuantityError) return { error: err.message, values };
    return { error: paymentFailureMessage(err), values };
  }
  redirect(url);
}
