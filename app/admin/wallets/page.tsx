import Link from "next/link";
import { SearchForm } from "@/components/admin/search-form";
import { Alert, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { searchFrom } from "@/lib/validation";
import { listWallets } from "@/lib/wallet/queries";

export const metadata = { title: "Wallets" };

export default async function WalletsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("/admin/wallets");
  const { query: search, error } = searchFrom((await searchParams).q);
  const wallets = await listWallets({ search });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Wallets</h1>
      {error && <Alert tone="warning">{error}</Alert>}
      <SearchForm id="wallet-search" label="Search by email or name" defaultValue={search} />
      <Table caption="Customer wallets, newest customer first">
        <thead>
          <tr>
            <Th>Customer</Th>
            <Th className="text-right">Balance</Th>
            <Th>Last change</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {wallets.map((w) => (
            <tr key={w.userId}>
              <Td>
                {w.email}
                {w.name && <span className="block text-xs text-slate-500">{w.name}</span>}
              </Td>
              <Td className="text-right tabular-nums">{formatMoney(w.balanceMinor, w.currency)}</Td>
              <Td>{w.updatedAt ? w.updatedAt.toISOString().slice(0, 10) : "—"}</Td>
              <Td>
                <Link href={`/admin/wallets/${w.userId}`} className="text-brand-700 underline">
                  History and adjust<span className="sr-only"> for {w.email}</span>
                </Link>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {wallets.length === 0 && <p className="text-sm text-slate-600">No customers match.</p>}
    </div>
  );
}
