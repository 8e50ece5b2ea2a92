import Link from "next/link";
import { DashboardCharts } from "@/components/admin/dashboard-charts";
import { LowBalanceAlert } from "@/components/admin/low-balance-alert";
import { Alert, Card, CardTitle, Table, Td, Th } from "@/components/ui";
import { dashboardFigures } from "@/lib/admin/dashboard";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { dealerWalletStatus } from "@/lib/providers/health";

export const metadata = { title: "Admin" };

export default async function AdminHome() {
  await requireAdmin("/admin");
  const [figures, meisim] = await Promise.all([dashboardFigures({ days: 30 }), dealerWalletStatus()]);
  const money = (minor: number) => formatMoney(minor, figures.currency);
  const { totals, attention } = figures;
  const stats = [
    { label: "Orders (30 days)", value: String(totals.orders) },
    { label: "Revenue", value: money(totals.revenueMinor) },
    { label: "Gross margin", value: money(totals.marginMinor) },
    { label: "Failed orders", value: String(attention.failed) },
    { label: "Needs review", value: String(attention.needsReview) },
  ];
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Store admin</h1>
      {meisim.ok && meisim.low && <LowBalanceAlert balance={meisim.balance} alertMinor={meisim.alertMinor} />}
      <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-5">
        {stats.map((s) => (
          <Card key={s.label} aria-label={s.label}>
            <p className="text-sm text-slate-500">{s.label}</p>
            <p className="text-2xl font-bold tabular-nums">{s.value}</p>
          </Card>
        ))}
      </div>
      <p className="text-xs text-slate-500">
        Paid orders of the last 30 days (UTC). Revenue is what was paid less refunds; gross margin also takes off the wholesale cost of the
        cards still live and the card fee ({money(totals.costMinor)} cost, {money(totals.feeMinor)} fees).
      </p>
      <DashboardCharts figures={figures} />

      <div className="grid gap-6 lg:grid-cols-2">
        <Card className="space-y-2" aria-labelledby="balances-heading">
          <CardTitle id="balances-heading">Provider balances</CardTitle>
          <dl className="grid grid-cols-2 gap-y-1 text-sm">
            <dt>MeiSIM dealer wallet</dt>
            <dd className="tabular-nums">
              {meisim.ok ? (
                formatMoney(meisim.balance.amountMinor, meisim.balance.currency)
              ) : (
                <span className="text-red-700">Not readable: {meisim.message}</span>
              )}
            </dd>
            <dt>MIOeSIM</dt>
            <dd className="text-slate-600">Its API documents no balance call; check the MIOeSIM portal.</dd>
          </dl>
        </Card>
        <Card className="space-y-2" aria-labelledby="attention-heading">
          <CardTitle id="attention-heading">Failed and needs-review orders</CardTitle>
          {attention.latest.length === 0 ? (
            <Alert tone="success">Nothing waiting.</Alert>
          ) : (
            <ul className="space-y-1 text-sm">
              {attention.latest.map((o) => (
                <li key={o.otherOrderId}>
                  <Link href={`/admin/orders/${o.otherOrderId}`} className="font-mono text-brand-700 underline">
                    {o.otherOrderId}
                  </Link>{" "}
                  {o.status === "NEEDS_REVIEW" ? "needs review" : "failed"}
                  {o.reason && `: ${o.reason}`}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <BreakdownTable
          caption="Top destinations, last 30 days"
          heading="Destination"
          rows={figures.topDestinations.map((d) => ({ key: d.slug, label: d.name, orders: d.orders, revenue: money(d.revenueMinor) }))}
        />
        <BreakdownTable
          caption="Payment mix, last 30 days"
          heading="Method"
          rows={figures.paymentMix.map((m) => ({
            key: m.method,
            label: m.method.toLowerCase(),
            orders: m.orders,
            revenue: money(m.revenueMinor),
          }))}
        />
      </div>
    </div>
  );
}

/** Orders and revenue per destination, payment method…: the figures behind a dashboard chart. */
function BreakdownTable({
  caption,
  heading,
  rows,
}: {
  caption: string;
  heading: string;
  rows: { key: string; label: string; orders: number; revenue: string }[];
}) {
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>{heading}</Th>
          <Th className="text-right">Orders</Th>
          <Th className="text-right">Revenue</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 bg-white">
        {rows.map((row) => (
          <tr key={row.key}>
            <Td>{row.label}</Td>
            <Td className="text-right tabular-nums">{row.orders}</Td>
            <Td className="text-right tabular-nums">{row.revenue}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
