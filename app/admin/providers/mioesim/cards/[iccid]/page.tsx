import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert, Card, CardTitle, Table, Td, Th } from "@/components/ui";
import { cardHistoryAndRenewals, ICCID_PATTERN } from "@/lib/admin/mioesim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { formatData, formatDays } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";

export const metadata = { title: "MIOeSIM card" };

/** MIOeSIM's order status codes (mioesim-orders), as words. */
const ORDER_STATUS: Record<number, string> = {
  [-1]: "unpaid",
  0: "active",
  2: "cancelled",
  3: "void",
  4: "partly cancelled",
  5: "ended",
  6: "cancelling",
  7: "partly cancelling",
};

export default async function MioesimCardPage({ params }: { params: Promise<{ iccid: string }> }) {
  const { iccid } = await params;
  await requireAdmin(`/admin/providers/mioesim/cards/${encodeURIComponent(iccid)}`);
  if (!ICCID_PATTERN.test(iccid)) notFound();
  const answer = await cardHistoryAndRenewals(iccid).then(
    (value) => ({ ok: true as const, ...value }),
    (err: unknown) => ({ ok: false as const, message: describeProviderFailure(err) }),
  );
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/providers/mioesim" className="underline">
          MIOeSIM tools
        </Link>{" "}
        / card
      </p>
      <h1 className="text-2xl font-bold">
        Card <span className="font-mono">{iccid}</span>
      </h1>
      {!answer.ok ? (
        <Alert tone="error" title="MIOeSIM could not answer for this card">
          {answer.message}
        </Alert>
      ) : (
        <>
          <Table caption="Plan history (getHistoryDetail)">
            <thead>
              <tr>
                <Th>Order</Th>
                <Th>Plan</Th>
                <Th>Data</Th>
                <Th>Used</Th>
                <Th>Start</Th>
                <Th>End</Th>
                <Th>Order status</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {answer.history.map((plan, index) => (
                <tr key={`${plan.orderNum ?? ""}-${index}`}>
                  <Td>{plan.orderNum ?? "–"}</Td>
                  <Td>{plan.display ?? (plan.skuId ? `SKU ${plan.skuId}` : "–")}</Td>
                  <Td>
                    {plan.dataMb === null ? "–" : formatData(plan.dataMb)}
                    {plan.days !== null && ` · ${formatDays(plan.days)}`}
                  </Td>
                  <Td>{plan.usedMb === null ? "–" : formatData(plan.usedMb)}</Td>
                  <Td>{plan.startDate ?? "not started"}</Td>
                  <Td>{plan.endDate ?? "–"}</Td>
                  <Td>{plan.status === null ? "–" : (ORDER_STATUS[plan.status] ?? String(plan.status))}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <Card className="space-y-3">
            <CardTitle>Renewal options</CardTitle>
            {answer.renewals.length === 0 ? (
              <p className="text-sm">MIOeSIM offers no renewal for this card (only renewable packages, flowType 0, renew a card).</p>
            ) : (
              answer.renewals.map(({ sku, packages }) => (
                <Table key={sku.skuId} caption={`${sku.display} (SKU ${sku.skuId})`}>
                  <thead>
                    <tr>
                      <Th>Package</Th>
                      <Th>Data</Th>
                      <Th>Days</Th>
                      <Th>Wholesale</Th>
                      <Th>Cancellation</Th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100 bg-white">
                    {packages.map((pkg) => (
                      <tr key={pkg.priceId}>
                        <Td>{pkg.priceId}</Td>
                        <Td>
                          {formatData(pkg.dataMb)}
                          {pkg.dayPass && " per day"}
                        </Td>
                        <Td>{pkg.days}</Td>
                        <Td>{formatMoney(pkg.priceMinor, answer.currency)}</Td>
                        <Td>{pkg.cancellationPolicy ?? "–"}</Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              ))
            )}
          </Card>
        </>
      )}
    </div>
  );
}
