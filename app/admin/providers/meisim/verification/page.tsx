import { submitVerificationAction } from "../actions";
import { ActionForm } from "@/components/admin/action-form";
import { MeisimBatchList, MeisimLpaFields } from "@/components/admin/meisim-batch-list";
import { MeisimNav } from "@/components/admin/meisim-nav";
import { Card, CardTitle, inputClass } from "@/components/ui";
import { listCheckBatches, MEISIM_TOOLS_PATH, MeisimCheckKind } from "@/lib/admin/meisim-tools";
import { requireAdmin } from "@/lib/auth/session";

export const metadata = { title: "MeiSIM eSIM verification" };

export default async function MeisimVerificationPage() {
  await requireAdmin(`${MEISIM_TOOLS_PATH}/verification`);
  const batches = await listCheckBatches(MeisimCheckKind.VERIFICATION);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">MeiSIM eSIM verification</h1>
      <MeisimNav />
      <Card className="space-y-3">
        <CardTitle>Submit a batch</CardTitle>
        <p className="text-sm text-slate-600">
          Each LPA is classed available, used, invalid, error or unknown without being consumed. $1 per LPA from the dealer wallet; rows
          that end in error are refunded. Up to 50,000 per batch.
        </p>
        <ActionForm action={submitVerificationAction} label="Submit a verification batch" submitLabel="Submit batch">
          <MeisimLpaFields />
          <label htmlFor="meisim-notify" className="block text-sm font-medium">
            Email the results to (optional)
          </label>
          <input id="meisim-notify" name="notifyEmail" type="email" className={inputClass} />
          <label htmlFor="meisim-verify-reason" className="block text-sm font-medium">
            Reason
          </label>
          <input id="meisim-verify-reason" name="reason" required minLength={3} maxLength={300} className={inputClass} />
        </ActionForm>
      </Card>
      <MeisimBatchList caption="Verification batches" batches={batches} />
    </div>
  );
}
