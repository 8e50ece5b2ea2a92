import { notFound } from "next/navigation";
import { payOrderByCard, payOrderWithWallet } from "@/app/checkout/actions";
import { PayOrder } from "@/components/billing/pay-order";
import { Alert, ButtonLink, Card } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { canPay } from "@/lib/orders/lifecycle";
import { formatMoney } from "@/lib/money";
import { findOrderForUser } from "@/lib/orders/orders";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Payment cancelled" };

/** Stripe's cancel URL for an order: nothing was charged; the order waits, and can be paid again here. */
export default async function PaymentCancelledPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser("/account");
  const orderId = recordIdFrom((await searchParams).order);
  const order = orderId ? await findOrderForUser(user.id, orderId) : null;
  if (!order) notFound();
  if (!canPay(order)) {
    return (
      <div className="mx-auto max-w-lg space-y-6">
        <h1 className="text-2xl font-bold">Order {order.otherOrderId}</h1>
        <Alert tone="info">This order is no longer awaiting payment.</Alert>
        <ButtonLink href={`/orders/${encodeURIComponent(order.otherOrderId)}`} variant="secondary">
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
        <PayOrder order={order} payByCardAction={payOrderByCard} payFromWalletAction={payOrderWithWallet} />
      </Card>
    </div>
  );
}
