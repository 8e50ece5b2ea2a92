import Link from "next/link";
import { notFound } from "next/navigation";
import { orderViewer } from "@/app/orders/order-viewer";
import { CheckoutOutcome } from "@/components/billing/checkout-outcome";
import { Alert, ButtonLink, Card } from "@/components/ui";
import { checkoutForSuccessPage, checkoutSessionIdFrom } from "@/lib/billing/fulfil";
import { orderCancelPath } from "@/lib/billing/checkout";
import { CheckoutPurpose } from "@/lib/generated/prisma/client";
import { canPay } from "@/lib/orders/lifecycle";
import { formatMoney } from "@/lib/money";
import { ORDER_ACCESS_PARAM, orderAccessUrl, orderPagePath, withAccessKey } from "@/lib/orders/guest-access";
import { findOrderForViewer, orderOwnerForViewer } from "@/lib/orders/orders";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Order payment" };

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * Where card payments land (`?session_id=`, from Stripe) and wallet payments
 * too (`?order=`). A guest's card payment lands with `?order=` and the key
 * of the order's signed link, and the page hands that link over.
 */
export default async function OrderPaymentPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const { user, viewer } = await orderViewer(params[ORDER_ACCESS_PARAM], "/account");
  const sessionId = checkoutSessionIdFrom(params.session_id);
  const namedOrder = recordIdFrom(params.order);
  // Whose payment this may be: the named order's owner when the viewer may see it, else the signed-in customer.
  const ownerId = namedOrder ? await orderOwnerForViewer(viewer, namedOrder) : (user?.id ?? null);
  // Stripe's redirect can beat its webhook: fulfilling here means the customer never waits on it.
  const session = sessionId && ownerId ? await checkoutForSuccessPage(CheckoutPurpose.ORDER, sessionId, ownerId) : null;
  if (sessionId && !session) notFound();
  const orderId = session ? session.orderId : namedOrder;
  const order = orderId ? await findOrderForViewer(viewer, orderId) : null;
  if (!order) notFound();
  // A guest who is not signed in as the owner came with the link's key (it let them see the order): hand that link over, never a fresh one.
  const guestKey = order.guestCheckout && user?.id !== order.userId ? viewer.accessKey : null;
  const amount = formatMoney(order.amountMinor, order.currency);
  const paidSummary = `${amount} for ${order.planName} (order ${order.otherOrderId}). We’re setting up your eSIM now; its install details appear on the order page when it’s ready.`;
  const orderHref = orderPagePath(order, viewer.accessKey);
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-2xl font-bold">Order payment</h1>
      {session ? (
        <CheckoutOutcome
          session={session}
          subject="Your order"
          retryHref={guestKey ? withAccessKey(orderCancelPath(order.otherOrderId), guestKey) : orderCancelPath(order.otherOrderId)}
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
      {guestKey && (
        <Card className="space-y-2">
          <h2 className="text-lg font-semibold">Your order’s private link</h2>
          <p className="text-sm text-slate-600">
            This link opens your order, its QR codes and PDFs, without an account. Keep it safe: anyone who has it can see your eSIMs. We
            email it to {order.user.email} with your eSIM too.
          </p>
          <p className="break-all rounded bg-slate-100 p-2 font-mono text-xs" data-testid="order-link">
            {orderAccessUrl(order, guestKey)}
          </p>
        </Card>
      )}
      <ButtonLink href={orderHref} variant="secondary">
        View your order
      </ButtonLink>
      {guestKey && (
        <p className="text-sm text-slate-600">
          Later,{" "}
          <Link href="/sign-in" className="text-brand-600 underline">
            sign in
          </Link>{" "}
          with an email link to {order.user.email} to keep all your eSIMs in one place; you can set a password there.
        </p>
      )}
    </div>
  );
}
