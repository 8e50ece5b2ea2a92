import { notFound } from "next/navigation";
import { startPurchase } from "@/app/orders/actions";
import { PlanTable } from "@/components/catalog/plan-table";
import { Alert, Button } from "@/components/ui";
import { getDestinationWithPlans } from "@/lib/catalog/queries";
import { formatMoney } from "@/lib/money";

export default async function DestinationPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ unavailable?: string }>;
}) {
  const destination = await getDestinationWithPlans((await params).slug);
  if (!destination) notFound();
  const { unavailable } = await searchParams;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm uppercase tracking-wide text-slate-500">{destination.kind === "REGION" ? "Region" : "Country"}</p>
        <h1 className="text-3xl font-bold">{destination.name}</h1>
      </div>
      {unavailable && <Alert tone="warning">That plan is no longer available. Please choose another one.</Alert>}
      <PlanTable
        caption={`Data plans for ${destination.name}`}
        plans={destination.plans}
        action={(plan) => (
          <form action={startPurchase}>
            <input type="hidden" name="planId" value={plan.id} />
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
