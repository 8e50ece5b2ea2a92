import Link from "next/link";
import { notFound } from "next/navigation";
import { AdjustmentForm } from "@/components/wallet/adjustment-form";
import { WalletEntriesTable } from "@/components/wallet/wallet-entries-table";
import { Card, CardTitle } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatMoney } from "@/lib/money";
import { recentWalletEntries, walletSummary } from "@/lib/wallet/queries";

export const metadata = { title: "Customer wallet" };

export default async function CustomerWalletPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  await requireAdmin(`/admin/wallets/${userId}`);
  const customer = await db().user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
  if (!customer) notFound();
  const [summary, entries] = await Promise.all([
    walletSummary(customer.id),
    recentWalletEntries(customer.id, 200),
  ]);
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/wallets" className="text-brand-700 underline">
          All wallets
        </Link>
      </p>
      <h1 className="text-2xl font-bold">Wallet of {customer.email}</h1>
      <div className="grid gap-6 md:grid-cols-2">
        <Card aria-label="Wallet balance">
          <p className="text-sm text-slate-500">Balance</p>
          <p className="text-3xl font-bold tabular-nums">{formatMoney(summary.balanceMinor, summary.currency)}</p>
        </Card>
        <Card className="space-y-4" aria-labelledby="adjust-heading">
          <CardTitle id="adjust-heading">Adjust balance</CardTitle>
          <AdjustmentForm userId={customer.id} currency={summary.currency} />
        </Card>
      </div>
      <WalletEntriesTable entries={entries} showAuthor />
    </div>
  );
}
