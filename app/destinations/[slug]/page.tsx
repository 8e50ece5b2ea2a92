import { notFound } from "next/navigation";
import { startPurchase } from "@/app/orders/actions";
import { Alert, Badge, Button, Table, Td, Th } from "@/components/ui";
import { getDestinationWithPlans } from "@/lib/catalog/queries";
import { formatData, formatMoney } from "@/lib/money";

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
      <Table caption={`Data plans for ${destination.name}`}>
        <thead>
          <tr>
            <Th>Data</Th>
            <Th>Days</Th>
            <Th>Plan</Th>
            <Th>Price</Th>
            <Th>
              <span className="sr-only">Buy</span>
            </Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {destination.plans.map((plan) => (
            <tr key={plan.id}>
              <Td className="font-semibold">{formatData(plan.dataMb)}{plan.dayPass ? " / day" : ""}</Td>
              <Td>{plan.days}</Td>
              <Td>
                <span className="mr-2">{plan.name}</span>
                {plan.renewable && <Badge tone="info">Top-up available</Badge>}{" "}
                {!plan.cancellable && <Badge tone="warn">Non-refundable</Badge>}
              </Td>
              <Td className="font-semibold">{formatMoney(plan.priceMinor, plan.currency)}</Td>
              <Td>
                <form action={startPurchase}>
                  <input type="hidden" name="planId" value={plan.id} />
                  <input type="hidden" name="returnTo" value={`/destinations/${destination.slug}`} />
                  <Button type="submit" aria-label={`Buy ${plan.name} for ${formatMoney(plan.priceMinor, plan.currency)}`}>
                    Buy
                  </Button>
                </form>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
