import { iccidQueryCsv, iccidQueryRun } from "@/lib/admin/mioesim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { recordIdFrom } from "@/lib/validation";

/** A batch query's results as CSV, streamed while read. */
export async function GET(_request: Request, { params }: { params: Promise<{ runId: string }> }): Promise<Response> {
  const { runId } = await params;
  await requireAdmin(`/admin/providers/mioesim/iccids/${encodeURIComponent(runId)}`);
  const id = recordIdFrom(runId);
  if (!id || !(await iccidQueryRun(id))) return new Response("No such query", { status: 404 });
  return new Response(iccidQueryCsv(id), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="mioesim-iccids-${id}.csv"`,
      "cache-control": "no-store",
    },
  });
}
