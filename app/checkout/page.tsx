import Link from "next/link";
import { startActivationCheckout, startGuestCheckout } from "@/app/checkout/actions";
import { startPurchase } from "@/app/orders/actions";
import { ORDER_ERRORS } from "@/app/orders/errors";
import { ActivationCheckoutForm } from "@/components/billing/activation-checkout-form";
import { GuestCheckoutForm } from "@/components/billing/guest-checkout-form";
import { Alert, Button, Card } from "@/components/ui";
import { currentUser } from "@/lib/auth/session";
import { formatData, formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { planForCheckout } from "@/lib/orders/orders";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Checkout" };

/** Where "Buy" sends a visitor who is not signed in (`?plan=&quantity=`): the order's summary and the email address to buy with. */
export default async function CheckoutPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const planId = recordIdFrom(query.plan);
  const plan = planId ? await planForCheckout(planId) : null;
  if (!plan) {
    return (
      <div className="mx-auto max-w-lg space-y-6">
        <h1 className="text-2xl font-bold">Checkout</h1>
        <Alert tone="warning">{ORDER_ERRORS.plan_unavailable}</Alert>
        <Link href="/destinations" className="text-sm text-brand-600 underline">
          Choose a plan
        </Link>
      </div>
    );
  }
  const quantity = Number(query.quantity ?? 1);
  const quantityValid = Number.isInteger(quantity) && quantity >= 1 && quantity <= plan.maxQuantity;
  const total = formatMoney(plan.priceMinor * (quantityValid ? quantity : 1), plan.currency);
  const user = await currentUser();
  const activation = plan.dealerProduct ? { usPrepaid: plan.dealerProduct.usPrepaid } : undefined;
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-2xl font-bold">Checkout</h1>
      <Card className="space-y-2">
        <h2 className="text-lg font-semibold">
          {plan.destination.name}: {formatData(plan.dataMb)}, {formatDays(plan.days)}
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-600">Plan</dt>
          <dd>{plan.name}</dd>
          <dt className="text-slate-600">Price each</dt>
          <dd>{formatMoney(plan.priceMinor, plan.currency)}</dd>
          <dt className="text-slate-600">eSIMs</dt>
          <dd>{quantityValid ? quantity : 1}</dd>
          <dt className="font-semibold">Total</dt>
          <dd className="font-semibold">{total}</dd>
        </dl>
        {activation && (
          <p className="text-sm text-slate-600">
            {activation.usPrepaid ? "US prepaid plan: " : ""}MeiSIM activates this plan and emails the activation to you; we show your
            MeiSIM order number once it is placed.
          </p>
        )}
      </Card>
      {!quantityValid ? (
        <Alert tone="warning">
          {ORDER_ERRORS.quantity_invalid}{" "}
          <Link className="font-semibold underline" href={`/destinations/${plan.destination.slug}`}>
            Back to the plans
          </Link>
        </Alert>
      ) : user && activation ? (
        <Card>
          <ActivationCheckoutForm planId={plan.id} quantity={quantity} usPrepaid={activation.usPrepaid} action={startActivationCheckout} />
        </Card>
      ) : user ? (
        // Signed in after all (another tab): the order is theirs, and may be paid from their wallet too.
        <form action={startPurchase}>
          <input type="hidden" name="planId" value={plan.id} />
          <input type="hidden" name="quantity" value={quantity} />
          <Button type="submit">Continue as {user.email}</Button>
        </form>
      ) : (
        <Card className="space-y-4">
          <p className="text-sm text-slate-600">
            Pay by card on Stripe’s secure page. Have an account?{" "}
            <Link
              className="text-brand-600 underline"
              href={`/sign-in?callbackUrl=${encodeURIComponent(`/checkout?plan=${plan.id}&quantity=${quantity}`)}`}
            >
              Sign in
            </Link>{" "}
            to pay from your wallet instead.
          </p>
          <GuestCheckoutForm planId={plan.id} quantity={quantity} total={total} activation={activation} action={startGuestCheckout} />
        </Card>
      )}
    </div>
  );
}
