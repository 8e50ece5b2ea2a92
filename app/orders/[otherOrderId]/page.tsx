import Link from "next/link";
import { notFound } from "next/navigation";
import { PayOrder } from "@/components/billing/pay-order";
import { AutoRefresh } from "@/components/orders/auto-refresh";
import { CancelOrderForm } from "@/components/orders/cancel-order-form";
import { EsimInstall } from "@/components/orders/esim-install";
import { OrderStatusBadge } from "@/components/orders/order-status";
import { Alert, ButtonLink, Card } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { formatData, formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { usageFor } from "@/lib/orders/after-sale";
import { canCancel, canPay, hasDeliveredEsims, isSettingUp } from "@/lib/orders/lifecycle";
import { findOrderForUser, orderDeliveringEsim } from "@/lib/orders/orders";

export const metadata = { title: "Order" };

export default async function OrderPage({
  params,
  searchParams,
}: {
  params: Promise<{ otherOrderId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { otherOrderId } = await params;
  const user = await requireUser(`/orders/${otherOrderId}`);
  const order = await findOrderForUser(user.id, otherOrderId);
  if (!order) notFound();
  const query = await searchParams;
  const settingUp = isSettingUp(order);
  const delivered = hasDeliveredEsims(order);
  const liveEsims = order.esims.filter((e) => !e.cancelledAt);
  const usage = delivered ? await usageFor(order.provider, liveEsims.map((e) => e.iccid)) : null;
  const renewedFrom = order.renewsIccid && delivered ? await orderDeliveringEsim(user.id, order.renewsIccid) : null;
  const cancellable = usage?.ok === true && canCancel(order, usage.usage.map((u) => u.state));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">
          {order.plan.destination.name}: {order.renewsIccid ? "renewal" : formatData(order.plan.dataMb)}, {formatDays(order.plan.days)}
        </h1>
        <OrderStatusBadge status={order.status} />
      </div>
      <p className="text-sm text-slate-600">
        Order {order.otherOrderId} · {order.planName}
        {order.quantity > 1 && ` × ${order.quantity}`} · {formatMoney(order.amountMinor, order.currency)}
        {order.renewsIccid && ` · tops up eSIM ${order.renewsIccid}`}
      </p>
      {query.cancelled && <Alert tone="success">Your order was cancelled and refunded.</Alert>}
      {order.status === "CANCEL_PENDING" && (
        <Alert tone="info" title="Cancellation pending">
          The network is processing your cancellation. Your refund follows as soon as it confirms; nothing more is needed from you.
        </Alert>
      )}

      {canPay(order) && (
        <Card className="space-y-4">
          <h2 className="text-lg font-semibold">Pay for your eSIM</h2>
          <PayOrder order={order} />
        </Card>
      )}
      {settingUp && (
        <>
          <AutoRefresh />
          <Alert tone="info" title="Payment received">
            We’re setting up your eSIM with the network. This page updates by itself in a few seconds.
          </Alert>
        </>
      )}
      {order.status === "NEEDS_REVIEW" && (
        <Alert tone="warning" title="We’re checking your eSIM with the network">
          The network has not confirmed your eSIM yet. Our team is checking it by hand and will deliver it or refund you in full.
        </Alert>
      )}
      {order.status === "PARTIALLY_FULFILLED" && (
        <Alert tone="warning" title={`${order.esims.length} of ${order.quantity} eSIMs delivered`}>
          The network could not supply the rest. Our team will refund what was not delivered.
        </Alert>
      )}
      {order.status === "FULFILMENT_FAILED" && (
        <Alert tone="error" title="Your eSIM is delayed">
          The network did not deliver your eSIM yet. Our team has been alerted and will deliver it or refund you in full.
        </Alert>
      )}
      {order.refund?.status === "SUCCEEDED" && (
        <Alert tone="info" title="Refunded">
          {formatMoney(order.refund.amountMinor, order.refund.currency)} went back to your {order.refund.method === "WALLET" ? "wallet" : "card"}.
        </Alert>
      )}
      {order.refund && order.refund.status !== "SUCCEEDED" && (
        <Alert tone="info" title="Refund pending">
          Your refund of {formatMoney(order.refund.amountMinor, order.refund.currency)} is on its way back to your card. We’ll keep trying until your bank confirms it.
        </Alert>
      )}
      {renewedFrom && (
        <Alert tone="success" title="Data added">
          Your top-up is on eSIM {order.renewsIccid}; nothing new to install.{" "}
          <Link className="font-semibold underline" href={`/orders/${renewedFrom}`}>
            See its usage and install details
          </Link>
        </Alert>
      )}
      {delivered && (
        <>
          {usage && !usage.ok && <Alert tone="warning">{usage.message}</Alert>}
          {liveEsims.map((esim) => (
            <EsimInstall key={esim.iccid} esim={esim} orderId={order.otherOrderId} usage={usage?.ok ? (usage.usage.find((u) => u.iccid === esim.iccid) ?? null) : null} />
          ))}
          <div className="flex flex-wrap gap-6">
            {order.plan.renewable && order.esims[0] && (
              <ButtonLink href={`/esims/${encodeURIComponent(order.esims[0].iccid)}/renew`} variant="secondary">
                Add more data
              </ButtonLink>
            )}
            {cancellable && <CancelOrderForm otherOrderId={order.otherOrderId} policy={order.plan.cancellationPolicy} />}
          </div>
        </>
      )}
      <Link href="/account" className="text-sm text-brand-600 underline">
        All my eSIMs
      </Link>
    </div>
  );
}
