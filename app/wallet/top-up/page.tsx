import { randomUUID } from "node:crypto";
import { startTopUp } from "@/app/wallet/actions";
import { TopUpForm } from "@/components/wallet/top-up-form";
import { Card } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { topUpTerms } from "@/lib/billing/checkout";
import { formatMoney } from "@/lib/money";
import { walletSummary } from "@/lib/wallet/queries";

export const metadata = { title: "Add money to your wallet" };

export default async function TopUpPage() {
  const user = await requireUser("/wallet/top-up");
  const { limits, fee } = topUpTerms();
  const { balanceMinor, currency } = await walletSummary(user.id);
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-2xl font-bold">Add money to your wallet</h1>
      <p className="text-sm text-slate-600">
        Your balance is {formatMoney(balanceMinor, currency)}. You pay by card on Stripe’s secure page; the credit appears once the payment
        is confirmed.
      </p>
      <Card>
        {/* One key per visit to this page: submitting the same form twice opens one checkout, not two. */}
        <TopUpForm limits={limits} fee={fee} requestKey={randomUUID()} action={startTopUp} />
      </Card>
    </div>
  );
}
