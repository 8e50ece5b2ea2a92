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
import { dealerProductOfPlan } from "@/lib/catalog/dealer-products";
import { PaymentMethod } from "@/lib/generated/prisma/client";
import { parseActivationDetails, type ActivationParse } from "@/lib/orders/activation-details";
import { ActivationDetailsMissingError, createOrder, orderOwnerForViewer, PlanUnavailableError, QuantityError } from "@/lib/orders/orders";
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

/** A dealer product's activation details from the form (checked before the order exists); `ok` with none for any other plan. */
async function activationFor(planId: unknown, form: FormData): Promise<ActivationParse | { ok: true; details: undefined }> {
  const id = RecordId.safeParse(planId);
  const product = id.success ? await dealerProductOfPlan(id.data) : null;
  return product ? parseActivationDetails(form, product.usPrepaid) : { ok: true, details: undefined };
}

/** Guest checkout: an order for the email address given, then Stripe's payment page. */
export async function startGuestCheckout(_prev: ActionState, form: FormData): Promise<ActionState> {
  const email = { email: String(form.get("email") ?? "") };
  const parsed = GuestCheckoutForm.safeParse({ email: form.get("email"), planId: form.get("planId"), quantity: form.get("quantity") });
  const activation = await activationFor(form.get("planId"), form);
  const values = { ...email, ...(activation.ok ? {} : activation.values) };
  const emailInvalid = !parsed.success && parsed.error.issues.some((issue) => issue.path[0] === "email");
  if (emailInvalid || !activation.ok) {
    const activationErrors = activation.ok ? {} : activation.fieldErrors;
    return { fieldErrors: { ...(emailInvalid ? { email: "Enter a valid email address." } : {}), ...activationErrors }, values };
  }
  if (!parsed.success) return { error: "This checkout form is missing its plan. Go back to the plan and choose Buy again.", values };
  let url: string;
  try {
    ({ url } = await createGuestOrderCheckout({
      ...parsed.data,
      activationDetails: activation.details,
      origin: originFromHeaders(await headers()),
    }));
  } catch (err) {
    if (err instanceof RateLimitedError) return { error: "Too many orders from here or for this email. Try again in an hour.", values };
    if (err instanceof PlanUnavailableError || err instanceof QuantityError || err instanceof ActivationDetailsMissingError)
      return { error: err.message, values };
    return { error: paymentFailureMessage(err), values };
  }
  redirect(url);
}

const ActivationCheckoutForm = z.object({ planId: RecordId, quantity: z.coerce.number().int().min(1).max(100) });

/**
 * A signed-in customer's order of a MeiSIM dealer product: the activation
 * details are checked, then the order is created and its page offers card
 * or wallet payment (the wallet check before payment runs there).
 */
export async function startActivationCheckout(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/destinations");
  const parsed = ActivationCheckoutForm.safeParse({ planId: form.get("planId"), quantity: form.get("quantity") });
  if (!parsed.success) return { error: "This checkout form is missing its plan. Go back to the plan and choose Buy again." };
  const activation = await activationFor(parsed.data.planId, form);
  if (!activation.ok) return { fieldErrors: activation.fieldErrors, values: activation.values };
  let orderId: string;
  try {
    const order = await createOrder({
      userId: user.id,
      planId: parsed.data.planId,
      quantity: parsed.data.quantity,
      paymentMethod: PaymentMethod.CARD,
      activationDetails: activation.details,
      origin: originFromHeaders(await headers()),
    });
    orderId = order.otherOrderId;
  } catch (err) {
    if (err instanceof PlanUnavailableError || err instanceof QuantityError || err instanceof ActivationDetailsMissingError)
      return { error: err.message };
    throw err;
  }
  redirect(`/orders/${orderId}`);
}
