import { notFound } from "next/navigation";
import { CheckoutOutcome } from "@/components/billing/checkout-outcome";
import { ButtonLink } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { checkoutForSuccessPage, checkoutSessionIdFrom } from "@/lib/billing/fulfil";
import { CheckoutPurpose } from "@/lib/generated/prisma/client";
import { formatMoney } from "@/lib/money";
import { walletSummary } from "@/lib/wallet/queries";

export const metadata = { title: "Wallet top-up" };

export default async function TopUpSuccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser("/wallet");
  const sessionId = checkoutSessionIdFrom((await searchParams).session_id);
  // Stripe's redirect can beat its webhook: fulfilling here means the customer never waits on it.
  const session = sessionId ? await checkoutForSuccessPage(CheckoutPurpose.WALLET_TOPUP, sessionId, user.id) : null;
  if (!session) notFound();
  const { balanceMinor, currency } = await walletSummary(user.id);
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-2xl font-bold">Wallet top-up</h1>
      <CheckoutOutcome
        session={session}
        subject="Your top-up"
        retryHref="/wallet/top-up"
        paid={`We added ${formatMoney(session.creditMinor ?? session.amountMinor, session.currency)} to your wallet.`}
      />
      <p>
        Wallet balance: <strong>{formatMoney(balanceMinor, currency)}</strong>
      </p>
      <ButtonLink href="/wallet" variant="secondary">
        Back to your wallet
      </ButtonLink>
    </div>
  );
}
