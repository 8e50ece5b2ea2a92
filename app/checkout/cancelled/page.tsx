import { notFound } from "next/navigation";
import { payOrderByCard, payOrderWithWallet } from "@/app/checkout/actions";
import { orderPageFor, orderViewer } from "@/app/orders/order-viewer";
import { PayOrder } from "@/components/billing/pay-order";
import { Alert, ButtonLink, Card } from "@/components/ui";
import { canPay } from "@/lib/orders/lifecycle";
import { formatMoney } from "@/lib/money";
import { ORDER_ACCESS_PARAM } from "@/lib/orders/guest-access";
import { findOrderForViewer } from "@/lib/orders/orders";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Payment cancelled" };

/** Stripe's cancel URL for an order: nothing was charged; the order waits, and can be paid again here. */
export default async function PaymentCancelledPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const { user, viewer } = await orderViewer(params[ORDER_ACCESS_PARAM], "/account");
  const orderId = recordIdFrom(params.order);
  const order = orderId ? await findOrderForViewer(viewer, orderId) : null;
  if (!order) notFound();
  // Not the owner, so a guest order's link let them in: the card form carries its key.
  const accessKey = user?.id === order.userId ? null : viewer.accessKey;
  const orderHref = orderPageFor(order.otherOrderId, accessKey);
  if (!canPay(order)) {
    return (
      <div className="mx-auto max-w-lg space-y-6">
        <h1 className="text-2xl font-bold">Order {order.otherOrderId}</h1>
        <Alert tone="info">This order is no longer awaiting payment.</Alert>
        <ButtonLink href={orderHref} variant="secondary">
          View your order
        </ButtonLink>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-2xl font-bold">Payment cancelled</h1>
      <Alert tone="info">
        You left the payment page without paying, so nothing was charged. Your order is saved; pay for it whenever you’re ready.
      </Alert>
      <Card className="space-y-4">
        <p>
          <strong>{order.planName}</strong> — {formatMoney(order.amountMinor, order.currency)}
        </p>
        <PayOrder
          order={order}
          payByCardAction={payOrderByCard.bind(null, accessKey)}
          payFromWalletAction={order.guestCheckout ? undefined : payOrderWithWallet}
        />
      </Card>
    </div>
  );
}
