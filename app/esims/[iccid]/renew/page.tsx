import { notFound } from "next/navigation";
import { startRenewalAction } from "@/app/orders/actions";
import { orderErrorMessage } from "@/app/orders/errors";
import { PlanList } from "@/components/catalog/plan-list";
import { Alert, Button } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { formatData } from "@/lib/format";
import { renewalOptions } from "@/lib/orders/after-sale";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Add more data" };

export default async function RenewPage({
  params,
  searchParams,
}: {
  params: Promise<{ iccid: string }>;
  searchParams: Promise<{ error?: string | string[] }>;
}) {
  const iccid = recordIdFrom((await params).iccid);
  if (!iccid) notFound();
  const user = await requireUser(`/esims/${iccid}/renew`);
  const options = await renewalOptions(user.id, iccid);
  if (!options) notFound();
  const error = orderErrorMessage((await searchParams).error);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Add more data to eSIM {iccid}</h1>
      {error && <Alert tone="error">{error}</Alert>}
      {options.unavailable && <Alert tone="warning">Renewal plans are unavailable right now. Please try again in a few minutes.</Alert>}
      {!options.unavailable && options.plans.length === 0 && <Alert>This eSIM’s plan cannot be renewed.</Alert>}
      {options.plans.length > 0 && (
        <PlanList
          caption="Plans that can renew this eSIM"
          plans={options.plans}
          linkPlans={false}
          actions={[
            {
              header: <span className="sr-only">Choose</span>,
              cell: (plan) => (
                <form action={startRenewalAction}>
                  <input type="hidden" name="iccid" value={iccid} />
                  <input type="hidden" name="planId" value={plan.id} />
                  <Button type="submit" aria-label={`Renew with ${formatData(plan.dataMb)} for ${plan.days} days`}>
                    Renew
                  </Button>
                </form>
              ),
            },
          ]}
        />
      )}
    </div>
  );
}
