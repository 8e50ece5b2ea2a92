import { notFound } from "next/navigation";
import { payTopupByCardAction, payTopupFromWalletAction } from "@/app/top-up/actions";
import { PayTopup } from "@/components/topup/pay-topup";
import { Alert, ButtonLink, Card } from "@/components/ui";
import { currentUser } from "@/lib/auth/session";
import { log } from "@/lib/log";
import { formatMoney } from "@/lib/money";
import { canPayTopup, isRecharging, topupStatusLabel } from "@/lib/orders/mobile-topup-lifecycle";
import { findTopup, settleTopupCheckout, TOPUP_PATH } from "@/lib/topup/topups";

export const metadata = { title: "Your mobile top-up", robots: { index: false } };

/** One top-up, reached by its unguessable link: the quote to pay, then its progress. */
export default async function TopupPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await params;
  let topup = await findTopup(id);
  if (!topup) notFound();
  if ((await searchParams).paid && topup.status === "AWAITING_PAYMENT" && topup.checkoutSessionId) {
    // Back from Stripe before its webhook: look at the session now (the webhook, retried by Stripe, settles it otherwise).
    await settleTopupCheckout(topup.checkoutSessionId).catch((error: unknown) =>
      log.error("top-up payment check on return from Stripe failed", { topupId: id, error }),
    );
    topup = (await findTopup(id))!;
  }
  const user = await currentUser();
  const ownsIt = user !== null && user.id === topup.userId;
  const target = topup.contactNumber ?? topup.simSerialNumber;
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-2xl font-bold">Mobile top-up</h1>
      <Card>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-slate-600">Network</dt>
          <dd>{topup.networkName}</dd>
          <dt className="text-slate-600">{topup.contactNumber ? "Phone number" : "SIM serial"}</dt>
          <dd className="break-all">{target}</dd>
          <dt className="text-slate-600">Credit</dt>
          <dd>{formatMoney(topup.faceValueMinor, topup.faceCurrency)}</dd>
          <dt className="text-slate-600">Price</dt>
          <dd className="font-semibold">{formatMoney(topup.amountMinor, topup.currency)}</dd>
          <dt className="text-slate-600">Status</dt>
          <dd data-testid="topup-status">{topupStatusLabel(topup.status)}</dd>
        </dl>
      </Card>
      {canPayTopup(topup) ? (
        <PayTopup
          payByCard={payTopupByCardAction.bind(null, topup.id)}
          payFromWallet={ownsIt ? payTopupFromWalletAction.bind(null, topup.id) : null}
        />
      ) : topup.status === "AWAITING_PAYMENT" || topup.status === "EXPIRED" ? (
        <Alert tone="warning">
          This price has expired.{" "}
          <ButtonLink href={TOPUP_PATH} variant="ghost">
            Start again
          </ButtonLink>
        </Alert>
      ) : isRecharging(topup) ? (
        <Alert tone="info">Payment received. The credit is on its way to the SIM; refresh this page in a moment.</Alert>
      ) : topup.status === "RECHARGED" ? (
        <Alert tone="success">Done: the network has added the credit.</Alert>
      ) : topup.status === "NEEDS_REVIEW" ? (
        <Alert tone="warning">We’re checking this top-up with the network. If it did not go through, your money comes back.</Alert>
      ) : (
        <Alert tone="info">
          {topup.rechargedAt ? "Your payment for this top-up" : "The network could not add this credit, so your payment"}{" "}
          {topup.status === "REFUNDED" ? "has been" : "is being"} refunded
          {topup.paymentMethod === "WALLET" ? " to your wallet" : " to your card"}.
        </Alert>
      )}
    </div>
  );
}
