import { Alert } from "@/components/ui";
import type { Refund } from "@/lib/generated/prisma/client";
import { formatMoney } from "@/lib/money";

/** What the customer reads about each refund: pending until the wallet ledger or Stripe confirms it. */
export function RefundNotices({ refunds }: { refunds: readonly Refund[] }) {
  return refunds.map((refund) => {
    const amount = formatMoney(refund.amountMinor, refund.currency);
    const what = refund.esimIccid ? ` for eSIM ${refund.esimIccid}` : "";
    const where = refund.method === "WALLET" ? "wallet" : "card";
    return refund.status === "SUCCEEDED" ? (
      <Alert key={refund.id} tone="info" title="Refunded">
        {amount}
        {what} went back to your {where}.
      </Alert>
    ) : (
      <Alert key={refund.id} tone="info" title="Refund pending">
        Your refund of {amount}
        {what} is on its way back to your {where}. We’ll keep at it until your bank confirms it.
      </Alert>
    );
  });
}
