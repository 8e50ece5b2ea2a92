"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { ReactElement } from "react";
import type { DashboardFigures } from "@/lib/admin/dashboard";
import { formatMoney } from "@/lib/money";

const BRAND = "#2563eb";
const MARGIN = "#16a34a";
const PIE = ["#2563eb", "#f59e0b", "#16a34a", "#dc2626"];

/** Charts of the dashboard's figures; each also has a table on the page, which is what screen readers and tests read. */
export function DashboardCharts({ figures }: { figures: DashboardFigures }) {
  const money = (minor: number) => formatMoney(minor, figures.currency);
  const days = figures.days.map((d) => ({ ...d, label: d.date.slice(5), revenue: d.revenueMinor / 100, margin: d.marginMinor / 100 }));
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <ChartCard title="Orders per day">
        <BarChart data={days}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} width={32} />
          <Tooltip />
          <Bar dataKey="orders" name="Orders" fill={BRAND} />
        </BarChart>
      </ChartCard>
      <ChartCard title="Revenue and gross margin per day">
        <LineChart data={days}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={11} />
          <YAxis fontSize={11} width={48} />
          <Tooltip formatter={(value) => money(Math.round(Number(value) * 100))} />
          <Legend />
          <Line type="monotone" dataKey="revenue" name="Revenue" stroke={BRAND} dot={false} />
          <Line type="monotone" dataKey="margin" name="Gross margin" stroke={MARGIN} dot={false} />
        </LineChart>
      </ChartCard>
      <ChartCard title="Top destinations (orders)">
        <BarChart data={figures.topDestinations} layout="vertical">
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} fontSize={11} />
          <YAxis type="category" dataKey="name" width={110} fontSize={11} />
          <Tooltip />
          <Bar dataKey="orders" name="Orders" fill={BRAND} />
        </BarChart>
      </ChartCard>
      <ChartCard title="Payment mix (orders)">
        <PieChart>
          <Pie data={figures.paymentMix} dataKey="orders" nameKey="method" outerRadius={80} label>
            {figures.paymentMix.map((entry, index) => (
              <Cell key={entry.method} fill={PIE[index % PIE.length]} />
            ))}
          </Pie>
          <Tooltip />
          <Legend />
        </PieChart>
      </ChartCard>
    </div>
  );
}

/** A chart in a captioned card; the caption also names the figure for screen readers. */
function ChartCard({ title, children }: { title: string; children: ReactElement }) {
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption className="mb-2 text-sm font-semibold">{title}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        {children}
      </ResponsiveContainer>
    </figure>
  );
}
