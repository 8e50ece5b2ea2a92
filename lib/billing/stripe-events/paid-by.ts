/**
 * What a Stripe payment paid for in this store: a Checkout Session of ours
 * (an order or a wallet top-up), a mobile top-up (whose session lives on the
 * top-up, lib/topup), or nothing of ours (another integration on the same
 * Stripe account).
 */
import "server-only";
import type Stripe from "stripe";
import { db } from "../../db/client";
import { CheckoutStatus, PaymentMethod, type CheckoutSession, type MobileTopup } from "../../generated/prisma/client";

export type PaidFor = { kind: "checkout"; session: CheckoutSession } | { kind: "mobile_topup"; topup: MobileTopup } | null;

export function paymentIntentIdOf(object: { payment_intent: string | Stripe.PaymentIntent | null }): string | null {
  return typeof object.payment_intent === "string" ? object.payment_intent : (object.payment_intent?.id ?? null);
}

export async function paidBy(paymentIntentId: string | null): Promise<PaidFor> {
  if (!paymentIntentId) return null;
  const session = await db().checkoutSession.findFirst({ where: { paymentIntentId, status: CheckoutStatus.PAID } });
  if (session) return { kind: "checkout", session };
  const topup = await db().mobileTopup.findFirst({ where: { paymentIntentId, paymentMethod: PaymentMethod.CARD } });
  return topup ? { kind: "mobile_topup", topup } : null;
}
