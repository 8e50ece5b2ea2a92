import type { ReactNode } from "react";
import { Alert, ButtonLink } from "@/components/ui";
import { CheckoutStatus, type CheckoutSession } from "@/lib/generated/prisma/client";

/**
 * What a success page says about a Checkout Session, from our records after
 * fulfilment ran: "paid" only when the payment's effect is committed, and
 * pending, failed or expired otherwise, never a hopeful guess.
 */
export function CheckoutOutcome({
  session,
  subject,
  paid,
  retryHref,
}: {
  session: Pick<CheckoutSession, "status" | "fulfilledAt" | "paymentIntentId">;
  /** What waits on the payment, e.g. "Your top-up". */
  subject: string;
  paid: ReactNode;
  /** Where to try again after a failure or expiry. */
  retryHref: string;
}) {
  if (session.status === CheckoutStatus.PAID && session.fulfilledAt) {
    return (
      <Alert tone="success" title="Payment received">
        {paid}
      </Alert>
    );
  }
  if (session.status === CheckoutStatus.FAILED) {
    return (
      <Alert tone="error" title="Payment failed">
        <p>Your bank declined the payment, so nothing was charged and nothing changed.</p>
        <ButtonLink href={retryHref} variant="secondary" className="mt-3">
          Try again
        </ButtonLink>
      </Alert>
    );
  }
  if (session.status === CheckoutStatus.EXPIRED) {
    return (
      <Alert tone="warning" title="Checkout expired">
        <p>This payment page expired before it was paid. Nothing was charged.</p>
        <ButtonLink href={retryHref} variant="secondary" className="mt-3">
          Start again
        </ButtonLink>
      </Alert>
    );
  }
  return (
    <Alert tone="info" title={session.paymentIntentId ? "Payment processing" : "Waiting for confirmation"}>
      <p>
        {session.paymentIntentId
          ? `Your bank is still confirming this payment. ${subject} is pending until the payment is confirmed; you don’t need to pay again.`
          : `We haven’t had confirmation of this payment from Stripe yet. ${subject} is pending until the payment is confirmed.`}
      </p>
      <p className="mt-2">Reload this page to check again.</p>
    </Alert>
  );
}
