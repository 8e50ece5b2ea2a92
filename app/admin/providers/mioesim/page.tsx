import { randomUUID } from "node:crypto";
import Link from "next/link";
import { openCardAction, placePhysicalOrderAction } from "@/app/admin/providers/mioesim/actions";
import { CardLookupForm } from "@/components/admin/iccid-forms";
import { PhysicalOrderForm } from "@/components/admin/physical-order-form";
import { Alert, ButtonLink, Card, CardTitle, Table, Td, Th } from "@/components/ui";
import { configuredDpId } from "@/lib/admin/mioesim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { formatData, formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { PhysicalOrderError, physicalSimPlans } from "@/lib/orders/physical";
import { MIOESIM_MAX_QUANTITY } from "@/lib/providers/mioesim";

export const metadata = { title: "MIOeSIM tools" };

export default async function MioesimToolsPage() {
  await requireAdmin("/admin/providers/mioesim");
  const physical = await physicalSimPlans().then(
    (found) => ({ ok: true as const, ...found }),
    (err: unknown) => {
      if (err instanceof PhysicalOrderError) return { ok: false as const, message: err.message };
      throw err;
    },
  );
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/providers" className="underline">
          Provider accounts
        </Link>{" "}
        / MIOeSIM
      </p>
      <h1 className="text-2xl font-bold">MIOeSIM tools</h1>
      <Card className="space-y-3">
        <CardTitle>Card status</CardTitle>
        <p className="text-sm text-slate-600">Status and data use of any number of cards, read 100 at a time, with a CSV of the results.</p>
        <ButtonLink href="/admin/providers/mioesim/iccids">Batch ICCID status</ButtonLink>
        <CardLookupForm action={openCardAction} />
      </Card>
      <Card className="space-y-3">
        <CardTitle>Physical SIMs</CardTitle>
        {!physical.ok ? (
          <Alert tone={configuredDpId() ? "error" : "info"}>{physical.message}</Alert>
        ) : (
          <>
            <Table caption={`Physical SIM packages of distribution partner ${physical.dpId}`}>
              <thead>
                <tr>
                  <Th>SKU</Th>
                  <Th>Package</Th>
                  <Th>Data</Th>
                  <Th>Wholesale</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 bg-white">
                {physical.plans.map((plan) => (
                  <tr key={plan.planRef}>
                    <Td>{plan.destination.providerRef}</Td>
                    <Td>{plan.name}</Td>
                    <Td>
                      {formatData(plan.dataMb)} · {formatDays(plan.days)}
                    </Td>
                    <Td>{formatMoney(plan.wholesale.amountMinor, plan.wholesale.currency)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <p className="text-sm text-slate-600">
              The order is billed to the partner outside the store (no card or wallet payment) and placed with dpId {physical.dpId}. Its
              cards show their distribution status; they have no QR code.
            </p>
            <PhysicalOrderForm
              packages={physical.plans.map((plan) => ({
                planRef: plan.planRef,
                label: `${plan.name} (SKU ${plan.destination.providerRef}), ${formatMoney(plan.wholesale.amountMinor, plan.wholesale.currency)} each`,
              }))}
              maxQuantity={MIOESIM_MAX_QUANTITY}
              requestKey={randomUUID()}
              action={placePhysicalOrderAction}
            />
          </>
        )}
      </Card>
    </div>
  );
}
