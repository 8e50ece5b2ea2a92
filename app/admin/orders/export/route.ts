import { requireAdmin } from "@/lib/auth/session";
import { orderFiltersFrom, ordersCsv } from "@/lib/orders/admin-desk";

/** The order list as the filters select it, as CSV, streamed while it is read. */
export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  await requireAdmin(`/admin/orders?${url.searchParams.toString()}`);
  const filters = orderFiltersFrom(Object.fromEntries(url.searchParams));
  const day = new Date().toISOString().slice(0, 10);
  return new Response(ordersCsv(filters), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="orders-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
}
