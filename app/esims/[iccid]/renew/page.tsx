import { notFound } from "next/navigation";
import { startRenewalAction } from "@/app/orders/actions";
import { Alert, Button, Table, Td, Th } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { formatData, formatMoney } from "@/lib/money";
import { renewalOptions } from "@/lib/orders/after-sale";

export const metadata = { title: "Add more data" };

export default async function RenewPage({ params, searchParams }: { params: Promise<{ iccid: string }>; searchParams: Promise<{ error?: string }> }) {
  const { iccid } = await params;
  const user = await requireUser(`/esims/${iccid}/renew`);
  const options = await renewalOptions(user.id, iccid);
  if (!options) notFound();
  const { error } = await searchParams;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Add more data to eSIM {iccid}</h1>
      {error && <Alert tone="error">That plan could not be started. Please pick another.</Alert>}
      {options.unavailable && <Alert tone="warning">Renewal plans are unavailable right now. Please try again in a few minutes.</Alert>}
      {!options.unavailable && options.plans.length === 0 && <Alert>This eSIM’s plan cannot be renewed.</Alert>}
      {options.plans.length > 0 && (
        <Table caption="Plans that can renew this eSIM">
          <thead>
            <tr>
              <Th>Data</Th>
              <Th>Days</Th>
              <Th>Price</Th>
              <Th>
                <span className="sr-only">Choose</span>
              </Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {options.plans.map((plan) => (
              <tr key={plan.id}>
                <Td>{formatData(plan.dataMb)}</Td>
                <Td>{plan.days}</Td>
                <Td>{formatMoney(plan.priceMinor, plan.currency)}</Td>
                <Td>
                  <form action={startRenewalAction}>
                    <input type="hidden" name="iccid" value={iccid} />
                    <input type="hidden" name="planId" value={plan.id} />
                    <Button type="submit" aria-label={`Renew with ${formatData(plan.dataMb)} for ${plan.days} days`}>
                      Choose
                    </Button>
                  </form>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
