import { notFound } from "next/navigation";
import { startPurchase } from "@/app/orders/actions";
import { orderErrorMessage } from "@/app/orders/errors";
import { PlanTable } from "@/components/catalog/plan-table";
import { Alert, Button } from "@/components/ui";
import { getDestinationWithPlans } from "@/lib/catalog/queries";
import { formatMoney } from "@/lib/money";
import { providerById } from "@/lib/providers/registry";
import { recordIdFrom } from "@/lib/validation";

/** The quantity picker offers up to this many, within the provider's own limit. */
const QUANTITY_CHOICES = 10;

export default async function DestinationPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ error?: string | string[] }>;
}) {
  const slug = recordIdFrom((await params).slug);
  const destination = slug ? await getDestinationWithPlans(slug) : null;
  if (!destination) notFound();
  const error = orderErrorMessage((await searchParams).error);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm uppercase tracking-wide text-slate-500">{destination.kind === "REGION" ? "Region" : "Country"}</p>
        <h1 className="text-3xl font-bold">{destination.name}</h1>
      </div>
      {error && <Alert tone="warning">{error}</Alert>}
      <PlanTable
        caption={`Data plans for ${destination.name}`}
        plans={destination.plans}
        action={(plan) => (
          <form action={startPurchase} className="flex items-center gap-2">
            <input type="hidden" name="planId" value={plan.id} />
            <label className="sr-only" htmlFor={`quantity-${plan.id}`}>
              Number of eSIMs of {plan.name}
            </label>
            <select
              id={`quantity-${plan.id}`}
              name="quantity"
              defaultValue="1"
              className="min-h-11 rounded-md border border-slate-300 bg-white px-2"
            >
              {Array.from({ length: Math.min(QUANTITY_CHOICES, providerById(plan.provider).maxQuantity) }, (_, i) => (
                <option key={i + 1} value={i + 1}>
                  {i + 1}
                </option>
              ))}
            </select>
            <input type="hidden" name="returnTo" value={`/destinations/${destination.slug}`} />
            <Button type="submit" aria-label={`Buy ${plan.name} for ${formatMoney(plan.priceMinor, plan.currency)}`}>
              Buy
            </Button>
          </form>
        )}
      />
    </div>
  );
}
