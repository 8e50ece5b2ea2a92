import Link from "next/link";
import { DashboardCharts } from "@/components/admin/dashboard-charts";
import { Alert, Card, CardTitle, Table, Td, Th } from "@/components/ui";
import { dashboardFigures } from "@/lib/admin/dashboard";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";
import { meisimClient } from "@/lib/providers/registry";

export const metadata = { title: "Admin" };

/** The MeiSIM dealer wallet, or why it could not be read. MIOeSIM's documents offer no balance call. */
async function meisimBalance(): Promise<{ ok: true; text: string } | { ok: false; text: string }> {
  try {
    const { balance } = await meisimClient().wallet.wallet();
    return { ok: true, text: formatMoney(balance.amountMinor, balance.currency) };
  } catch (err) {
    return { ok: false, text: describeProviderFailure(err) };
  }
}

export default async function AdminHome() {
  await requireAdmin("/admin");
  const [figures, meisim] = await Promise.all([dashboardFigures({ days: 30 }), meisimBalance()]);
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
            <dd className="tabular-nums">{meisim.ok ? meisim.text : <span className="text-red-700">Not readable: {meisim.text}</span>}</dd>
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
        <Table caption="Top destinations, last 30 days">
          <thead>
            <tr>
              <Th>Destination</Th>
              <Th className="text-right">Orders</Th>
              <Th className="text-right">Revenue</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {figures.topDestinations.map((d) => (
              <tr key={d.slug}>
                <Td>{d.name}</Td>
                <Td className="text-right tabular-nums">{d.orders}</Td>
                <Td className="text-right tabular-nums">{money(d.revenueMinor)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
        <Table caption="Payment mix, last 30 days">
          <thead>
            <tr>
              <Th>Method</Th>
              <Th className="text-right">Orders</Th>
              <Th className="text-right">Revenue</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {figures.paymentMix.map((m) => (
              <tr key={m.method}>
                <Td>{m.method.toLowerCase()}</Td>
                <Td className="text-right tabular-nums">{m.orders}</Td>
                <Td className="text-right tabular-nums">{money(m.revenueMinor)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </div>
  );
}
