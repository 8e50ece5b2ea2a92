import { z } from "zod";
import { dealerStatementCsv, MEISIM_TOOLS_PATH } from "@/lib/admin/meisim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { describeProviderFailure } from "@/lib/providers/errors";

const DateParam = z.union([z.literal("").transform(() => undefined), z.iso.date()]).optional();

/** The dealer statement for a date range, as CSV. */
export async function GET(request: Request): Promise<Response> {
  await requireAdmin(MEISIM_TOOLS_PATH);
  const url = new URL(request.url);
  const range = z
    .object({ from: DateParam, to: DateParam })
    .refine((r) => !r.from || !r.to || r.from <= r.to, { error: "from is after to" })
    .safeParse({ from: url.searchParams.get("from") ?? undefined, to: url.searchParams.get("to") ?? undefined });
  if (!range.success) return new Response("Give the dates as YYYY-MM-DD, the first not after the second.\n", { status: 400 });
  let csv: string;
  try {
    csv = await dealerStatementCsv(range.data);
  } catch (err) {
    return new Response(`${describeProviderFailure(err)}\n`, { status: 502 });
  }
  const name = `meisim-statement-${range.data.from ?? "last-90-days"}${range.data.to ? `-to-${range.data.to}` : ""}.csv`;
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
}
