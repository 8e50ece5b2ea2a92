import { notFound } from "next/navigation";
import { Badge, Table, Td, Th } from "@/components/ui";
import { getDestinationWithPlans } from "@/lib/catalog/queries";
import { formatData, formatMoney } from "@/lib/money";

export default async function DestinationPage({ params }: { params: Promise<{ slug: string }> }) {
  const destination = await getDestinationWithPlans((await params).slug);
  if (!destination) notFound();
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm uppercase tracking-wide text-slate-500">{destination.kind === "REGION" ? "Region" : "Country"}</p>
        <h1 className="text-3xl font-bold">{destination.name}</h1>
      </div>
      <Table caption={`Data plans for ${destination.name}`}>
        <thead>
          <tr>
            <Th>Data</Th>
            <Th>Days</Th>
            <Th>Plan</Th>
            <Th>Price</Th>
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
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
