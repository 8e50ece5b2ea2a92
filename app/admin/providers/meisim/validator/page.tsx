import { submitValidatorAction } from "../actions";
import { ActionForm } from "@/components/admin/action-form";
import { MeisimBatchList, MeisimLpaFields } from "@/components/admin/meisim-batch-list";
import { MeisimNav } from "@/components/admin/meisim-nav";
import { Alert, Card, CardTitle, inputClass } from "@/components/ui";
import { listCheckBatches, MEISIM_TOOLS_PATH, MeisimCheckKind } from "@/lib/admin/meisim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";
import { meisimClient } from "@/lib/providers/registry";

export const metadata = { title: "MeiSIM eSIM Validator" };

export default async function MeisimValidatorPage() {
  await requireAdmin(`${MEISIM_TOOLS_PATH}/validator`);
  const [batches, skus] = await Promise.all([
    listCheckBatches(MeisimCheckKind.VALIDATOR),
    meisimClient()
      .validator.skus()
      .then((value) => ({ ok: true as const, value }))
      .catch((err: unknown) => ({ ok: false as const, message: describeProviderFailure(err) })),
  ]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">MeiSIM eSIM Validator</h1>
      <MeisimNav />
      <Card className="space-y-3">
        <CardTitle>Submit a batch</CardTitle>
        <p className="text-sm text-slate-600">
          Each LPA is checked on a real device (about 5 s each). The wallet is debited per row up front; rows that error are refunded.
        </p>
        {skus.ok ? (
          <ActionForm action={submitValidatorAction} label="Submit a validator batch" submitLabel="Submit batch">
            <label htmlFor="validator-sku" className="block text-sm font-medium">
              SKU
            </label>
            <select id="validator-sku" name="skuId" className={inputClass}>
              {skus.value.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name ?? s.id}
                  {s.price ? ` · ${formatMoney(s.price.amountMinor, s.price.currency)} per row` : ""}
                </option>
              ))}
            </select>
            <label htmlFor="validator-label" className="block text-sm font-medium">
              Label (optional)
            </label>
            <input id="validator-label" name="label" maxLength={100} className={inputClass} />
            <MeisimLpaFields />
            <label htmlFor="validator-reason" className="block text-sm font-medium">
              Reason
            </label>
            <input id="validator-reason" name="reason" required minLength={3} maxLength={300} className={inputClass} />
          </ActionForm>
        ) : (
          <Alert tone="error" title="The Validator is not reachable">
            {skus.message}
          </Alert>
        )}
      </Card>
      <MeisimBatchList caption="Validator batches" batches={batches} />
    </div>
  );
}
