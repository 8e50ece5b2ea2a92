import Link from "next/link";
import { openCardAction } from "@/app/admin/providers/mioesim/actions";
import { CardLookupForm } from "@/components/admin/iccid-forms";
import { Alert, ButtonLink, Card, CardTitle, Table, Td, Th } from "@/components/ui";
import { configuredDpId, distributionPartnerSkus } from "@/lib/admin/mioesim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { describeProviderFailure } from "@/lib/providers/errors";

export const metadata = { title: "MIOeSIM tools" };

export default async function MioesimToolsPage() {
  await requireAdmin("/admin/providers/mioesim");
  const dpId = configuredDpId();
  const skus = dpId
    ? await distributionPartnerSkus(dpId).then(
        (list) => ({ ok: true as const, list }),
        (err: unknown) => ({ ok: false as const, message: describeProviderFailure(err) }),
      )
    : null;
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
        {!dpId || !skus ? (
          <Alert tone="info">No distribution partner is configured (MIOESIM_DP_ID=off).</Alert>
        ) : !skus.ok ? (
          <Alert tone="error" title={`Products of distribution partner ${dpId} could not be read`}>
            {skus.message}
          </Alert>
        ) : (
          <Table caption={`Physical SIM products of distribution partner ${dpId}`}>
            <thead>
              <tr>
                <Th>SKU</Th>
                <Th>Product</Th>
                <Th>Country code</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {skus.list.map((sku) => (
                <tr key={sku.skuId}>
                  <Td>{sku.skuId}</Td>
                  <Td>{sku.display}</Td>
                  <Td>{sku.countryCode ?? "–"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
