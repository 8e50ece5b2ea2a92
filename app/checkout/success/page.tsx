import { notFound } from "next/navigation";
import { CheckoutOutcome } from "@/components/billing/checkout-outcome";
import { Alert, ButtonLink } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { checkoutForSuccessPage, checkoutSessionIdFrom } from "@/lib/billing/fulfil";
import { CheckoutPurpose } from "@/lib/generated/prisma/client";
import { canPay } from "@/lib/orders/lifecycle";
import { formatMoney } from "@/lib/money";
import { findOrderForUser } from "@/lib/orders/orders";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Order payment" };

type SearchParams = Record<string, string | string[] | undefined>;

/** Where card payments land (`?session_id=`, from Stripe) and wallet payments too (`?order=`). */
export default async function OrderPaymentPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser("/account");
  const params = await searchParams;
  const sessionId = checkoutSessionIdFrom(params.session_id);
  // Stripe's redirect can beat its webhook: fulfilling here means the customer never waits on it.
  const session = sessionId ? await checkoutForSuccessPage(CheckoutPurpose.ORDER, sessionId, user.id) : null;
  if (sessionId && !session) notFound();
  const orderId = session ? session.orderId : recordIdFrom(params.order);
  const order = orderId ? await findOrderForUser(user.id, orderId) : null;
  if (!order) notFound();
  const amount = formatMoney(order.amountMinor, order.currency);
  const paidSummary = `${amount} for ${order.planName} (order ${order.otherOrderId}). We’re setting up your eSIM now; its install details appear on the order page when it’s ready.`;
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-2xl font-bold">Order payment</h1>
      {session ? (
        <CheckoutOutcome
          session={session}
          subject="Your order"
          retryHref={`/checkout/cancelled?order=${encodeURIComponent(order.otherOrderId)}`}
          paid={`We received ${paidSummary}`}
        />
      ) : canPay(order) ? (
        <Alert tone="warning" title="Not paid yet">
          This order is still awaiting payment.
        </Alert>
      ) : (
        <Alert tone="success" title="Paid from your wallet">
          We took {paidSummary}
        </Alert>
      )}
      <ButtonLink href={`/orders/${encodeURIComponent(order.otherOrderId)}`} variant="secondary">
        View your order
      </ButtonLink>
    </div>
  );
}
