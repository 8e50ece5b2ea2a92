import { checkBatchResultsCsv, findCheckBatch, MEISIM_TOOLS_PATH } from "@/lib/admin/meisim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { describeProviderFailure } from "@/lib/providers/errors";

/** A check batch's results so far as CSV (iccid, lpa, status, reason, checked_at); running rows say "pending". */
export async function GET(_request: Request, { params }: { params: Promise<{ batchId: string }> }): Promise<Response> {
  const { batchId } = await params;
  await requireAdmin(`${MEISIM_TOOLS_PATH}/batches/${encodeURIComponent(batchId)}`);
  const batch = /^[\w-]{1,100}$/.test(batchId) ? await findCheckBatch(batchId) : null;
  if (!batch) return new Response("No such batch.\n", { status: 404 });
  let csv: string;
  try {
    csv = await checkBatchResultsCsv(batch);
  } catch (err) {
    return new Response(`${describeProviderFailure(err)}\n`, { status: 502 });
  }
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="meisim-${batch.kind.toLowerCase()}-${batch.id}.csv"`,
      "cache-control": "no-store",
    },
  });
}
