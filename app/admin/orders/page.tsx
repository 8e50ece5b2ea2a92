import Link from "next/link";
import { OrderFilters } from "@/components/admin/order-filters";
import { OrderStatusBadge } from "@/components/orders/order-status";
import { Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { OrderStatus, PaymentMethod } from "@/lib/generated/prisma/client";
import { formatMoney } from "@/lib/money";
import { filterQuery, listOrders, orderFiltersFrom, pageFrom, providerChoices } from "@/lib/orders/admin-desk";
import { statusLabel } from "@/lib/orders/lifecycle";

export const metadata = { title: "Orders" };

type Params = Record<string, string | string[] | undefined>;

export default async function AdminOrdersPage({ searchParams }: { searchParams: Promise<Params> }) {
  await requireAdmin("/admin/orders");
  const params = await searchParams;
  const filters = orderFiltersFrom(params);
  const { orders, total, page, pages } = await listOrders(filters, pageFrom(params.page));
  const pageHref = (n: number) => `/admin/orders?${filterQuery(filters, { page: String(n) })}`;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Orders</h1>
      <OrderFilters
        values={filters}
        statuses={Object.values(OrderStatus).map((s) => ({ value: s, label: statusLabel(s) }))}
        providers={providerChoices().map((p) => ({ value: p.id, label: p.name }))}
        payments={Object.values(PaymentMethod).map((m) => ({ value: m, label: m === "CARD" ? "Card" : "Wallet" }))}
        exportHref={`/admin/orders/export?${filterQuery(filters)}`}
      />
      <p className="text-sm text-slate-600" role="status">
        {total === 1 ? "1 order" : `${total} orders`}
        {pages > 1 && `, page ${page} of ${pages}`}
      </p>
      <Table caption="Orders, newest first">
        <thead>
          <tr>
            <Th>Order (otherOrderId)</Th>
            <Th>Placed</Th>
            <Th>Customer</Th>
            <Th>Plan</Th>
            <Th>Amount</Th>
            <Th>Status</Th>
            <Th>Provider</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white align-top">
          {orders.map((o) => (
            <tr key={o.otherOrderId}>
              <Td className="font-mono text-xs">
                <Link href={`/admin/orders/${o.otherOrderId}`} className="underline">
                  {o.otherOrderId}
                </Link>
              </Td>
              <Td className="text-xs">{o.createdAt.toISOString().slice(0, 16).replace("T", " ")}</Td>
              <Td>{o.user.email}</Td>
              <Td>
                {o.planName}
                {o.quantity > 1 && ` × ${o.quantity}`}
              </Td>
              <Td>
                {formatMoney(o.amountMinor, o.currency)} · {o.paymentMethod.toLowerCase()}
              </Td>
              <Td>
                <OrderStatusBadge status={o.status} />
                {o.reviewReason && <p className="mt-1 max-w-xs text-xs text-amber-800">Needs review: {o.reviewReason}</p>}
                {o.disputeId && <p className="mt-1 text-xs font-semibold text-red-700">Payment disputed</p>}
              </Td>
              <Td className="text-xs">
                {o.provider}
                {o.providerOrderRef && <span className="block font-mono">{o.providerOrderRef}</span>}
                {o.esims.map((e) => (
                  <span key={e.iccid} className="block font-mono">
                    {e.iccid}
                  </span>
                ))}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {pages > 1 && (
        <nav aria-label="Pages" className="flex gap-4 text-sm">
          {page > 1 && (
            <Link href={pageHref(page - 1)} className="underline">
              Newer orders
            </Link>
          )}
          {page < pages && (
            <Link href={pageHref(page + 1)} className="underline">
              Older orders
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
