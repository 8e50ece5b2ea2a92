import { requireUser } from "@/lib/auth/session";
import { StatementRangeSchema, walletStatementCsv } from "@/lib/wallet/statement";

export const dynamic = "force-dynamic";

/** GET /wallet/statement?from=YYYY-MM-DD&to=YYYY-MM-DD: the signed-in customer's statement as a CSV download. */
export async function GET(req: Request): Promise<Response> {
  const user = await requireUser("/wallet");
  const params = new URL(req.url).searchParams;
  const input = { from: params.get("from") ?? undefined, to: params.get("to") ?? undefined };
  const range = StatementRangeSchema.safeParse(input);
  if (!range.success) {
    // Back to the form, which validates the same dates again to show what is wrong, keeping them.
    const back = new URLSearchParams({ from: input.from ?? "", to: input.to ?? "" });
    return new Response(null, { status: 303, headers: { location: `/wallet?${back}#statement` } });
  }
  const csv = await walletStatementCsv(user.id, range.data);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="wallet-statement-${range.data.from}-to-${range.data.to}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
