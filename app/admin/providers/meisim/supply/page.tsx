import Link from "next/link";
import { buySupplyAction, requestReplacementAction } from "../actions";
import { ActionForm } from "@/components/admin/action-form";
import { MeisimAutoRefresh } from "@/components/admin/meisim-auto-refresh";
import { MeisimNav } from "@/components/admin/meisim-nav";
import { Alert, Card, CardTitle, inputClass, Table, Td, Th } from "@/components/ui";
import {
  listSupplyReplacements,
  MEISIM_TOOLS_PATH,
  mySupplyEsims,
  refreshPendingReplacements,
  SUPPLY_PAGE_SIZE,
  supplySkus,
  supplyStock,
} from "@/lib/admin/meisim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";

export const metadata = { title: "MeiSIM eSIM Supply" };

const attempt = <T,>(work: Promise<T>) =>
  work
    .then((value) => ({ ok: true as const, value }))
    .catch((err: unknown) => ({ ok: false as const, message: describeProviderFailure(err) }));

export default async function MeisimSupplyPage({ searchParams }: { searchParams: Promise<{ offset?: string }> }) {
  await requireAdmin(`${MEISIM_TOOLS_PATH}/supply`);
  const requested = Number((await searchParams).offset ?? 0);
  const offset = Number.isSafeInteger(requested) && requested >= 0 ? requested - (requested % SUPPLY_PAGE_SIZE) : 0;
  await refreshPendingReplacements();
  const [stock, skus, mine, replacements] = await Promise.all([
    attempt(supplyStock()),
    attempt(supplySkus()),
    attempt(mySupplyEsims(offset)),
    listSupplyReplacements(),
  ]);
  const pageHref = (o: number) => `${MEISIM_TOOLS_PATH}/supply?offset=${o}`;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">MeiSIM eSIM Supply</h1>
      <MeisimNav />
      <MeisimAutoRefresh active={replacements.some((r) => r.decision === "pending")} intervalMs={3_000} />
      <Card className="space-y-3">
        <CardTitle>Stock</CardTitle>
        {stock.ok ? (
          <p data-testid="supply-stock">
            Available: <strong>{stock.value.available}</strong>
            {Object.entries(stock.value.stats).map(([key, n]) => (
              <span key={key} className="ml-3 text-sm text-slate-600">
                {key} {n}
              </span>
            ))}
          </p>
        ) : (
          <Alert tone="error" title="eSIM Supply is not reachable">
            {stock.message}
          </Alert>
        )}
        {skus.ok && (
          <ActionForm action={buySupplyAction} label="Buy eSIM Supply stock" submitLabel="Buy" className="space-y-2">
            <p className="text-xs text-slate-600">
              Read MeiSIM&apos;s eSIM Supply terms first: removing an eSIM as a troubleshooting step destroys it and rules out a
              replacement. A short fill is credited back for the shortfall.
            </p>
            <label htmlFor="supply-sku" className="block text-sm font-medium">
              SKU
            </label>
            <select id="supply-sku" name="skuId" className={inputClass}>
              {skus.value.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name ?? s.id}
                  {s.price ? ` · ${formatMoney(s.price.amountMinor, s.price.currency)} each` : ""}
                </option>
              ))}
            </select>
            <label htmlFor="supply-quantity" className="block text-sm font-medium">
              Quantity
            </label>
            <input id="supply-quantity" name="quantity" type="number" min={1} max={10000} required className={`${inputClass} w-32`} />
            <label htmlFor="supply-reason" className="block text-sm font-medium">
              Reason
            </label>
            <input id="supply-reason" name="reason" required minLength={3} maxLength={300} className={inputClass} />
          </ActionForm>
        )}
      </Card>
      <Card className="space-y-3">
        <CardTitle>My eSIMs</CardTitle>
        {mine.ok ? (
          <>
            <Table caption="eSIMs assigned to us, newest first">
              <thead>
                <tr>
                  <Th>ICCID</Th>
                  <Th>LPA</Th>
                  <Th>Status</Th>
                  <Th>Assigned</Th>
                  <Th>Purchase</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 bg-white">
                {mine.value.esims.map((e) => (
                  <tr key={e.id}>
                    <Td className="font-mono">{e.iccid}</Td>
                    <Td className="font-mono text-xs">{e.lpa}</Td>
                    <Td>{e.status}</Td>
                    <Td>{e.assignedAt.slice(0, 16).replace("T", " ")}</Td>
                    <Td>{e.soldViaUsageId}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <p className="flex gap-4 text-sm">
              <span>
                {mine.value.total === 0 ? 0 : offset + 1}–{offset + mine.value.esims.length} of {mine.value.total}
              </span>
              {offset > 0 && <Link href={pageHref(offset - SUPPLY_PAGE_SIZE)}>← Newer</Link>}
              {offset + mine.value.esims.length < mine.value.total && <Link href={pageHref(offset + SUPPLY_PAGE_SIZE)}>Older →</Link>}
            </p>
          </>
        ) : (
          <Alert tone="error">{mine.message}</Alert>
        )}
      </Card>
      <Card className="space-y-3">
        <CardTitle>Replacements</CardTitle>
        <ActionForm action={requestReplacementAction} label="Request a replacement" submitLabel="Request replacement" variant="secondary">
          <label htmlFor="replace-iccid" className="block text-sm font-medium">
            ICCID of the broken eSIM
          </label>
          <input id="replace-iccid" name="iccid" required inputMode="numeric" className={inputClass} />
          <label htmlFor="replace-reason" className="block text-sm font-medium">
            Reason
          </label>
          <input id="replace-reason" name="reason" required minLength={3} maxLength={300} className={inputClass} />
        </ActionForm>
        {replacements.length > 0 && (
          <Table caption="Replacement requests">
            <thead>
              <tr>
                <Th>Requested</Th>
                <Th>ICCID</Th>
                <Th>Decision</Th>
                <Th>Validator</Th>
                <Th>Replacement</Th>
                <Th>Message</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {replacements.map((r) => (
                <tr key={r.checkId}>
                  <Td>{r.createdAt.toISOString().slice(0, 16).replace("T", " ")}</Td>
                  <Td className="font-mono">{r.iccid}</Td>
                  <Td>{r.decision.replaceAll("_", " ")}</Td>
                  <Td>{r.validatorStatus}</Td>
                  <Td className="font-mono">{r.replacementIccid}</Td>
                  <Td>{r.message}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
