import { notFound } from "next/navigation";
import { MeisimAutoRefresh } from "@/components/admin/meisim-auto-refresh";
import { MeisimNav } from "@/components/admin/meisim-nav";
import { Alert, Card, CardTitle } from "@/components/ui";
import { checkBatchProgress, findCheckBatch, MEISIM_TOOLS_PATH, MeisimCheckKind } from "@/lib/admin/meisim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";

export const metadata = { title: "MeiSIM check batch" };

export default async function MeisimBatchPage({ params }: { params: Promise<{ batchId: string }> }) {
  const { batchId } = await params;
  await requireAdmin(`${MEISIM_TOOLS_PATH}/batches/${encodeURIComponent(batchId)}`);
  const batch = /^[\w-]{1,100}$/.test(batchId) ? await findCheckBatch(batchId) : null;
  if (!batch) notFound();
  const progress = await checkBatchProgress(batch)
    .then((value) => ({ ok: true as const, value }))
    .catch((err: unknown) => ({ ok: false as const, message: describeProviderFailure(err) }));
  const service = batch.kind === MeisimCheckKind.VERIFICATION ? "eSIM verification" : "Validator";
  const p = progress.ok ? progress.value.progress : null;
  const checked = p ? p.total - p.pending - p.inProgress : 0;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">
        {service} batch {batch.label ?? ""}
      </h1>
      <MeisimNav />
      <MeisimAutoRefresh active={progress.ok && !progress.value.done} />
      <Card className="space-y-3">
        <CardTitle>Progress</CardTitle>
        <p className="text-sm text-slate-600">
          Batch {batch.id} · {batch.totalRows} LPAs · charged {formatMoney(batch.chargedMinor, "USD")}
        </p>
        {progress.ok && p ? (
          <>
            <progress max={p.total} value={checked} aria-label="Checked" className="w-full" />
            <p role="status" data-testid="batch-status">
              {progress.value.done ? "Complete" : "Running"}: {checked} of {p.total} checked
            </p>
            <dl className="grid grid-cols-4 gap-2 text-sm">
              {(
                [
                  ["Pending", p.pending],
                  ["In progress", p.inProgress],
                  ["Available", p.available],
                  ["Used", p.used],
                  ["Invalid", p.invalid],
                  ["Error (refunded)", p.error],
                  ["Unknown", p.unknown],
                ] as const
              ).map(([label, n]) => (
                <div key={label}>
                  <dt className="text-slate-500">{label}</dt>
                  <dd className="font-semibold">{n}</dd>
                </div>
              ))}
            </dl>
          </>
        ) : (
          <Alert tone="error" title="MeiSIM is not reachable">
            {progress.ok ? "" : progress.message}
          </Alert>
        )}
        <a href={`${MEISIM_TOOLS_PATH}/batches/${batch.id}/results`} download className="text-sky-700 underline">
          Download results (CSV)
        </a>
      </Card>
    </div>
  );
}
