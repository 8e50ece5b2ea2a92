import { setPlanPriceAction, syncCatalogAction, togglePlanAction } from "@/app/admin/actions";
import { SearchForm } from "@/components/admin/search-form";
import { ActionForm } from "@/components/admin/action-form";
import { Badge, Button, inputClass, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { searchPlans } from "@/lib/catalog/admin";
import { formatData } from "@/lib/format";
import { formatMoney } from "@/lib/money";

export const metadata = { title: "Catalog" };

export default async function AdminCatalogPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  await requireAdmin("/admin/catalog");
  const q = (await searchParams).q;
  const plans = await searchPlans(q);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Catalog and prices</h1>
      <ActionForm action={syncCatalogAction} label="Sync catalog" submitLabel="Sync catalog from providers" variant="secondary" />
      <SearchForm id="plan-search" label="Destination or plan name" defaultValue={q} />
      <Table caption="Plans (first 100 matching)">
        <thead>
          <tr>
            <Th>Destination</Th>
            <Th>Plan</Th>
            <Th>Provider</Th>
            <Th>Cost</Th>
            <Th>Price</Th>
            <Th>On sale</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white align-top">
          {plans.map((p) => (
            <tr key={p.id}>
              <Td>{p.destination.name}</Td>
              <Td>
                {p.name} · {formatData(p.dataMb)} · {p.days} d
              </Td>
              <Td>{p.provider}</Td>
              <Td>{formatMoney(p.wholesaleMinor, p.currency)}</Td>
              <Td>
                <ActionForm action={setPlanPriceAction} label={`Price of ${p.name}`} submitLabel="Save" variant="secondary" className="flex items-center gap-2">
                  <input type="hidden" name="planId" value={p.id} />
                  <label className="sr-only" htmlFor={`price-${p.id}`}>
                    Price
                  </label>
                  <input id={`price-${p.id}`} name="price" defaultValue={(p.priceMinor / 100).toFixed(2)} className={`${inputClass} w-24`} inputMode="decimal" />
                  {p.priceOverridden && <Badge tone="info">manual</Badge>}
                </ActionForm>
              </Td>
              <Td>
                <form action={togglePlanAction}>
                  <input type="hidden" name="planId" value={p.id} />
                  <input type="hidden" name="active" value={String(!p.active)} />
                  <Button type="submit" variant="ghost">
                    {p.active ? "Withdraw" : "Put on sale"}
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
