import { headers } from "next/headers";
import Link from "next/link";
import { cancelOrderAction, cancelUnpaidOrderAction, resendDeliveryEmailAction } from "@/app/orders/actions";
import { notFound } from "next/navigation";
import { payOrderByCard, payOrderWithWallet } from "@/app/checkout/actions";
import { PayOrder } from "@/components/billing/pay-order";
import { AutoRefresh } from "@/components/orders/auto-refresh";
import { CancelOrderForm, CancelUnpaidOrderForm } from "@/components/orders/cancel-order-form";
import { EsimInstall } from "@/components/orders/esim-install";
import { PhysicalSimCard } from "@/components/orders/physical-sim";
import { OrderStatusBadge } from "@/components/orders/order-status";
import { RefundNotices } from "@/components/orders/refund-notices";
import { ResendEmailForm } from "@/components/orders/resend-email-form";
import { Alert, ButtonLink, Card } from "@/components/ui";
import { orderViewer } from "@/app/orders/order-viewer";
import { originFromHeaders } from "@/lib/audit";
import { formatData, formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { usageForPage } from "@/lib/orders/after-sale";
import {
  canPay,
  canRequestCancellation,
  hasDeliveredEsims,
  isCancellationRequested,
  isConfirmingWithProvider,
  isPhysical,
  isSettingUp,
} from "@/lib/orders/lifecycle";
import { ORDER_ACCESS_PARAM } from "@/lib/orders/guest-access";
import { findOrderForViewer, orderDeliveringEsim } from "@/lib/orders/orders";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Order" };

export default async function OrderPage({
  params,
  searchParams,
}: {
  params: Promise<{ otherOrderId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const otherOrderId = recordIdFrom((await params).otherOrderId);
  if (!otherOrderId) notFound();
  const query = await searchParams;
  // Signed in, or holding a guest order's signed link (see lib/orders/guest-access.ts).
  const { user, viewer } = await orderViewer(query[ORDER_ACCESS_PARAM], `/orders/${otherOrderId}`);
  const order = await findOrderForViewer(viewer, otherOrderId);
  if (!order) notFound();
  const isOwner = user?.id === order.userId;
  // Not the owner, so the link let them in: the forms and PDF links carry its key.
  const accessKey = isOwner ? null : viewer.accessKey;
  // The outcome upstream is not known yet (a lost answer being checked): said as such, never as a failure or as ready soon.
  const confirming = isConfirmingWithProvider(order);
  const settingUp = isSettingUp(order) && !confirming;
  const delivered = hasDeliveredEsims(order);
  const liveEsims = order.esims.filter((e) => !e.cancelledAt);
  // Delivered with no eSIM of ours: the provider emails the activation itself (MeiSIM dealer products), so there is no QR code to show.
  const emailedByProvider = delivered && !order.renewsIccid && order.esims.length === 0 && !isPhysical(order);
  const usage = delivered
    ? await usageForPage(
        order.provider,
        liveEsims.map((e) => e.iccid),
        // Opened by a guest link: a call for a visitor who has not signed in, on its own small budget.
        accessKey ? { address: originFromHeaders(await headers()).ip } : null,
      )
    : null;
  const renewedFrom = order.renewsIccid && delivered ? await orderDeliveringEsim(order.userId, order.renewsIccid) : null;
  const cancellable =
    usage?.ok === true &&
    canRequestCancellation(
      order,
      usage.usage.map((u) => u.state),
    );
  const cancelRequested = isCancellationRequested(order);

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
      {cancelRequested && (
        <>
          {/* Each refresh also reads usage from the provider, so it asks less often than while setting up. */}
          <AutoRefresh everyMs={5000} />
          <Alert tone="info" title="Cancellation requested">
            We have asked the network to cancel your eSIM. Your refund follows as soon as the network confirms the cancellation; nothing
            more is needed from you. This page updates by itself.
          </Alert>
        </>
      )}
      {!cancelRequested && order.cancelNote && delivered && (
        <Alert tone="warning" title="Your cancellation was not carried out">
          {order.cancelNote} Your eSIM is unchanged and nothing was refunded.
        </Alert>
      )}

      {order.status === "EXPIRED" && (
        <Alert tone="info" title="This order expired">
          It was not paid in time, so nothing was charged. Plans and prices may have changed: please start a new order.
        </Alert>
      )}
      {order.status === "CANCELLED" && <Alert tone="info">You cancelled this order before paying. Nothing was charged.</Alert>}
      {canPay(order) && (
        <Card className="space-y-4">
          <h2 className="text-lg font-semibold">Pay for your eSIM</h2>
          <PayOrder
            order={order}
            payByCardAction={payOrderByCard.bind(null, accessKey)}
            payFromWalletAction={order.guestCheckout ? undefined : payOrderWithWallet}
          />
          <CancelUnpaidOrderForm otherOrderId={order.otherOrderId} action={cancelUnpaidOrderAction.bind(null, accessKey)} />
        </Card>
      )}
      {settingUp && (
        <>
          <AutoRefresh />
          <Alert tone="info" title="Payment received">
            We’re setting up your eSIM with the network. This page updates by itself as soon as it is ready, usually within seconds.
          </Alert>
        </>
      )}
      {confirming && (
        <>
          <AutoRefresh everyMs={10_000} />
          <Alert tone="info" title="We’re confirming your eSIM with the network">
            Your payment is safe. The network has not yet confirmed whether your eSIM was issued, so we are checking with it before anything
            is ordered again{order.status === "NEEDS_REVIEW" ? "; our team is on it" : ""}. You will get an email as soon as it is settled:
            your eSIM, or a full refund.
          </Alert>
        </>
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
      <RefundNotices refunds={order.refunds} />
      {renewedFrom && (
        <Alert tone="success" title="Data added">
          Your top-up is on eSIM {order.renewsIccid}; nothing new to install.{" "}
          <Link className="font-semibold underline" href={`/orders/${renewedFrom}`}>
            See its usage and install details
          </Link>
        </Alert>
      )}
      {delivered && isPhysical(order) && (
        <>
          {usage && !usage.ok && <Alert tone="warning">{usage.message}</Alert>}
          {liveEsims.map((esim) => (
            <PhysicalSimCard
              key={esim.iccid}
              esim={esim}
              usage={usage?.ok ? (usage.usage.find((u) => u.iccid === esim.iccid) ?? null) : null}
            />
          ))}
        </>
      )}
      {emailedByProvider && (
        <Alert tone="success" title="Activation sent by email">
          Your plan is ordered with MeiSIM
          {order.providerShortRef && (
            <>
              , order <strong>{order.providerShortRef}</strong>
            </>
          )}
          . MeiSIM sends the activation by email to {order.user.email}, not as a QR code here: follow that email to activate the plan, and
          quote the order number above if you need help.
        </Alert>
      )}
      {delivered && !isPhysical(order) && !emailedByProvider && (
        <>
          {usage && !usage.ok && <Alert tone="warning">{usage.message}</Alert>}
          {liveEsims.map((esim) => (
            <EsimInstall
              key={esim.iccid}
              esim={esim}
              orderId={order.otherOrderId}
              usage={usage?.ok ? (usage.usage.find((u) => u.iccid === esim.iccid) ?? null) : null}
              accessKey={accessKey}
            />
          ))}
          <div className="flex flex-wrap gap-6">
            {order.plan.renewable && order.esims[0] && isOwner && (
              <ButtonLink href={`/esims/${encodeURIComponent(order.esims[0].iccid)}/renew`} variant="secondary">
                Add more data
              </ButtonLink>
            )}
            <ResendEmailForm otherOrderId={order.otherOrderId} action={resendDeliveryEmailAction.bind(null, accessKey)} />
            {cancellable && (
              <CancelOrderForm
                otherOrderId={order.otherOrderId}
                policy={order.plan.cancellationPolicy}
                action={cancelOrderAction.bind(null, accessKey)}
              />
            )}
          </div>
        </>
      )}
      {isOwner ? (
        <Link href="/account" className="text-sm text-brand-600 underline">
          All my eSIMs
        </Link>
      ) : (
        <p className="text-sm text-slate-600">
          Keep the link to this page: it opens your order without an account.{" "}
          <Link href={`/sign-in?callbackUrl=${encodeURIComponent(`/orders/${order.otherOrderId}`)}`} className="text-brand-600 underline">
            Sign in with the email address you ordered with
          </Link>{" "}
          to see all your eSIMs in one place{order.plan.renewable ? " and add more data" : ""}.
        </p>
      )}
    </div>
  );
}
