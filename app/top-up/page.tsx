import { startTopupAction } from "@/app/top-up/actions";
import { TopupForm } from "@/components/topup/topup-form";
import { Alert, Card } from "@/components/ui";
import { currentUser } from "@/lib/auth/session";
import { offeredNetworks } from "@/lib/topup/topups";

export const metadata = { title: "Mobile top-up" };

export default async function MobileTopupPage() {
  const [user, networks] = await Promise.all([currentUser(), offeredNetworks()]);
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-2xl font-bold">Top up a phone</h1>
      <p className="text-sm text-slate-600">
        Add credit to a prepaid SIM on one of the networks below. We check the number with the network first, then show you the price; you
        pay by card{user ? " or from your wallet" : ""}, and the credit is sent as soon as the payment is confirmed.
      </p>
      <Card>
        {networks.length === 0 ? (
          <Alert tone="warning">Mobile top-ups are unavailable just now. Please try again later.</Alert>
        ) : (
          <TopupForm
            networks={networks.map((n) => ({ name: n.name, country: n.country, ...n.limits }))}
            guest={!user}
            action={startTopupAction}
          />
        )}
      </Card>
    </div>
  );
}
