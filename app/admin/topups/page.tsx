import Link from "next/link";
import { Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { MobileTopupStatus } from "@/lib/generated/prisma/client";
import { formatMoney } from "@/lib/money";
import { topupStatusLabel } from "@/lib/orders/mobile-topup-lifecycle";
import { listTopupsForDesk } from "@/lib/topup/desk";

export const metadata = { title: "Mobile top-ups" };

type Params = Record<string, string | string[] | undefined>;

export default async function AdminTopupsPage({ searchParams }: { searchParams: Promise<Params> }) {
  await requireAdmin("/admin/topups");
  const asked = (await searchParams).status;
  const status = Object.values(MobileTopupStatus).find((s) => s === asked) ?? null;
  const topups = await listTopupsForDesk(status);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Mobile top-ups</h1>
      <nav aria-label="Filter by status" className="flex flex-wrap gap-2 text-sm">
        <Link href="/admin/topups" className={status === null ? "font-semibold underline" : "underline"}>
          All
        </Link>
        {Object.values(MobileTopupStatus).map((s) => (
          <Link key={s} href={`/admin/topups?status=${s}`} className={status === s ? "font-semibold underline" : "underline"}>
            {topupStatusLabel(s)}
          </Link>
        ))}
      </nav>
      <Table caption="Mobile top-ups, newest first">
        <thead>
          <tr>
            <Th>Top-up</Th>
            <Th>Created</Th>
            <Th>Customer</Th>
            <Th>Network and number</Th>
            <Th>Amount</Th>
            <Th>Status</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white align-top">
          {topups.map((t) => (
            <tr key={t.id}>
              <Td className="font-mono text-xs">
                <Link href={`/admin/topups/${t.id}`} className="underline">
                  {t.id}
                </Link>
              </Td>
              <Td className="text-xs">{t.createdAt.toISOString().slice(0, 16).replace("T", " ")}</Td>
              <Td>{t.email}</Td>
              <Td>
                {t.networkName} · {t.contactNumber ?? t.simSerialNumber}
              </Td>
              <Td>{formatMoney(t.amountMinor, t.currency)}</Td>
              <Td>
                {topupStatusLabel(t.status)}
                {t.reviewReason && <p className="mt-1 max-w-xs text-xs text-amber-800">Needs review: {t.reviewReason}</p>}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {topups.length === 0 && <p className="text-sm text-slate-600">No top-ups here.</p>}
    </div>
  );
}
