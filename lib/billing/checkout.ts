/**
 * Opening Stripe Checkout Sessions: for an order, and for a wallet top-up.
 * Every amount is read or computed here on the server; the browser only
 * says which order, or how much credit it wants.
 */
import "server-only";
import type Stripe from "stripe";
import type { RequestOrigin } from "../audit";
import { RateLimitedError, reserveAuthAttempt } from "../auth/rate-limit";
import { accountForGuest } from "../auth/users";
import { env } from "../config/env";
import { db } from "../db/client";
import { CheckoutPurpose, CheckoutStatus, PaymentMethod } from "../generated/prisma/client";
import { formatMoney } from "../money";
import type { ActivationDetails } from "../orders/activation-details";
import { withOrderAccess } from "../orders/guest-access";
import { createOrder, whyOrderCannotBeFilled } from "../orders/orders";
import { BillingError } from "./errors";
import { assertPayable } from "./order-payment";
import { stripe } from "./stripe";
import { quoteTopUp, topUpLimitError, type TopUpFee, type TopUpLimits } from "./top-up-pricing";

export interface CheckoutRedirect {
  sessionId: string;
  /** Stripe's hosted payment page. */
  url: string;
}

export const TOP_UP_SUCCESS_PATH = "/wallet/top-up/success";
export const TOP_UP_CANCEL_PATH = "/wallet?topup=cancelled";
export const ORDER_SUCCESS_PATH = "/checkout/success";
export const orderCancelPath = (otherOrderId: string) => `/checkout/cancelled?order=${encodeURIComponent(otherOrderId)}`;

/** The configured limits and fee, for the top-up form and for checking what it sends. */
export function topUpTerms(): { limits: TopUpLimits; fee: TopUpFee } {
  const e = env();
  return {
    limits: { minMinor: e.WALLET_TOPUP_MIN_MINOR, maxMinor: e.WALLET_TOPUP_MAX_MINOR, currency: e.CURRENCY },
    fee: { percent: e.WALLET_TOPUP_FEE_PERCENT, fixedMinor: e.WALLET_TOPUP_FEE_FIXED_MINOR },
  };
}

/**
 * Card checkout for one of the customer's orders awaiting payment. While the
 * order's latest session is still open on Stripe, the customer goes back to
 * it rather than getting a second one they could also pay. A guest order's
 * return pages carry its signed link, the guest's only way back to it.
 */
export async function createOrderCheckout(userId: string, otherOrderId: string): Promise<CheckoutRedirect> {
  const order = await db().order.findFirst({ where: { otherOrderId, userId }, include: { user: { select: { email: true } } } });
  if (!order) throw new BillingError("order_not_found", "We couldn’t find that order.");
  assertPayable(order);

  const earlier = await db().checkoutSession.findMany({ where: { orderId: otherOrderId }, orderBy: { createdAt: "desc" } });
  const latest = earlier[0];
  if (latest?.status === CheckoutStatus.OPEN) {
    const session = await stripe().checkout.sessions.retrieve(latest.id);
    if (session.status === "open" && session.url) return { sessionId: session.id, url: session.url };
    if (session.status === "complete") {
      throw new BillingError(
        "payment_in_progress",
        "A card payment for this order is already being processed. Check back in a few minutes.",
      );
    }
  }

  const unavailable = await whyOrderCannotBeFilled(order);
  if (unavailable) throw new BillingError("plan_unavailable", unavailable);

  const signed = (path: string) => (order.guestCheckout ? withOrderAccess(path, otherOrderId) : path);
  return openCheckout({
    purpose: CheckoutPurpose.ORDER,
    userId,
    email: order.user.email,
    orderId: otherOrderId,
    clientReferenceId: otherOrderId,
    currency: order.currency,
    lineItems: [{ name: order.planName, amountMinor: order.amountMinor / order.quantity, quantity: order.quantity }],
    creditMinor: null,
    description: `Order ${otherOrderId}: ${order.planName}`,
    successPath: signed(order.guestCheckout ? `${ORDER_SUCCESS_PATH}?order=${encodeURIComponent(otherOrderId)}` : ORDER_SUCCESS_PATH),
    cancelPath: signed(orderCancelPath(otherOrderId)),
    // One key per attempt: concurrent clicks share a session, and a new attempt after an expired one gets its own.
    idempotencyKey: `checkout:order:${otherOrderId}:${earlier.length}`,
  });
}

export interface GuestCheckoutInput {
  /** Normalised by EmailSchema. */
  email: string;
  planId: string;
  quantity: number;
  /** For a MeiSIM dealer product (see CreateOrderInput). */
  activationDetails?: ActivationDetails;
  origin: RequestOrigin | null;
}

/**
 * Guest checkout: an order for an email address alone, paid by card on
 * Stripe's page with that address as the customer email. Counted per email
 * and per client address (AUTH_LIMITS.guestCheckout) before anything is
 * created. The order belongs to the address's account (accountForGuest).
 */
export async function createGuestOrderCheckout(input: GuestCheckoutInput): Promise<CheckoutRedirect & { otherOrderId: string }> {
  const attempt = await reserveAuthAttempt("guestCheckout", input.email, input.origin?.ip ?? null);
  if (!attempt.allowed) throw new RateLimitedError(attempt.retryAfterMs);
  const account = await accountForGuest(input.email, input.origin);
  if (!account) throw new BillingError("guest_checkout_refused", "We can’t take an order for this email address. Please contact support.");
  const order = await createOrder({
    userId: account.id,
    planId: input.planId,
    quantity: input.quantity,
    paymentMethod: PaymentMethod.CARD,
    guestCheckout: true,
    activationDetails: input.activationDetails,
    origin: input.origin,
  });
  return { ...(await createOrderCheckout(account.id, order.otherOrderId)), otherOrderId: order.otherOrderId };
}

/**
 * Card checkout adding `creditMinor` to the customer's wallet, plus any
 * configured fee. `requestKey` identifies one submission of the top-up form,
 * so submitting it twice opens one session.
 */
export async function createTopUpCheckout(input: { userId: string; creditMinor: number; requestKey: string }): Promise<CheckoutRedirect> {
  const { limits, fee } = topUpTerms();
  const limitError = topUpLimitError(input.creditMinor, limits);
  if (limitError) throw new BillingError("invalid_amount", limitError);
  const user = await db().user.findUniqueOrThrow({ where: { id: input.userId }, select: { email: true } });
  const quote = quoteTopUp(input.creditMinor, fee);
  return openCheckout({
    purpose: CheckoutPurpose.WALLET_TOPUP,
    userId: input.userId,
    email: user.email,
    orderId: null,
    clientReferenceId: input.userId,
    currency: limits.currency,
    lineItems: [
      { name: "Wallet credit", amountMinor: quote.creditMinor },
      ...(quote.feeMinor > 0 ? [{ name: "Top-up fee", amountMinor: quote.feeMinor }] : []),
    ],
    creditMinor: quote.creditMinor,
    description: `Wallet top-up of ${formatMoney(quote.creditMinor, limits.currency)}`,
    successPath: TOP_UP_SUCCESS_PATH,
    cancelPath: TOP_UP_CANCEL_PATH,
    idempotencyKey: `checkout:topup:${input.userId}:${input.requestKey}:${input.creditMinor}`,
  });
}

interface CheckoutRequest {
  purpose: CheckoutPurpose;
  userId: string;
  email: string;
  orderId: string | null;
  clientReferenceId: string;
  currency: string;
  /** Unit amounts; quantity 1 unless said. */
  lineItems: { name: string; amountMinor: number; quantity?: number }[];
  creditMinor: number | null;
  description: string;
  successPath: string;
  cancelPath: string;
  idempotencyKey: string;
}

async function openCheckout(request: CheckoutRequest): Promise<CheckoutRedirect> {
  const appUrl = env().APP_URL.replace(/\/+$/, "");
  // Names our record on the session and on its PaymentIntent, so either can be traced back from the Stripe Dashboard.
  const metadata: Stripe.MetadataParam = {
    purpose: request.purpose,
    userId: request.userId,
    ...(request.orderId && { orderId: request.orderId }),
  };
  const session = await stripe().checkout.sessions.create(
    {
      mode: "payment",
      line_items: request.lineItems.map((item) => ({
        quantity: item.quantity ?? 1,
        price_data: { currency: request.currency.toLowerCase(), unit_amount: item.amountMinor, product_data: { name: item.name } },
      })),
      // Concatenated, not built with URL: the placeholder's braces must reach Stripe unencoded.
      success_url: `${appUrl}${request.successPath}${request.successPath.includes("?") ? "&" : "?"}session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}${request.cancelPath}`,
      client_reference_id: request.clientReferenceId,
      customer_email: request.email,
      metadata,
      payment_intent_data: { metadata, description: request.description },
    },
    { idempotencyKey: request.idempotencyKey },
  );
  if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a payment page URL`);
  // A replayed idempotent request returns a session already stored by the first one.
  await db().checkoutSession.createMany({
    data: [
      {
        id: session.id,
        purpose: request.purpose,
        userId: request.userId,
        orderId: request.orderId,
        amountMinor: request.lineItems.reduce((sum, item) => sum + item.amountMinor * (item.quantity ?? 1), 0),
        creditMinor: request.creditMinor,
        currency: request.currency,
        url: session.url,
      },
    ],
    skipDuplicates: true,
  });
  return { sessionId: session.id, url: session.url };
}
