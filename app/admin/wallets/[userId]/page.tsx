import Link from "next/link";
import { notFound } from "next/navigation";
import { adjustWalletAction, releaseWalletAction } from "@/app/admin/wallets/actions";
import { ActionForm } from "@/components/admin/action-form";
import { AdjustmentForm } from "@/components/wallet/adjustment-form";
import { WalletEntriesTable } from "@/components/wallet/wallet-entries-table";
import { Alert, Card, CardTitle, inputClass } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatMoney } from "@/lib/money";
import { recentWalletEntries, walletSummary } from "@/lib/wallet/queries";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Customer wallet" };

export default async function CustomerWalletPage({ params }: { params: Promise<{ userId: string }> }) {
  const userId = recordIdFrom((await params).userId);
  if (!userId) notFound();
  await requireAdmin(`/admin/wallets/${userId}`);
  const customer = await db().user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
  if (!customer) notFound();
  const [summary, entries] = await Promise.all([walletSummary(customer.id), recentWalletEntries(customer.id, 200)]);
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/wallets" className="text-brand-700 underline">
          All wallets
        </Link>
      </p>
      <h1 className="text-2xl font-bold">Wallet of {customer.email}</h1>
      {summary.heldAt && (
        <Alert tone="warning" title="On hold">
          <p>
            Held since {summary.heldAt.toISOString().slice(0, 16).replace("T", " ")}: {summary.heldReason}. Nothing can be spent from it.
            Once the balance is zero or more, release it:
          </p>
          <ActionForm
            action={releaseWalletAction}
            label="Release this wallet"
            submitLabel="Release"
            variant="secondary"
            className="mt-2 space-y-2"
          >
            <input type="hidden" name="userId" value={customer.id} />
            <label className="sr-only" htmlFor="release-reason">
              Why you are releasing it
            </label>
            <input id="release-reason" name="reason" required placeholder="Why you are releasing it" className={inputClass} />
          </ActionForm>
        </Alert>
      )}
      <div className="grid gap-6 md:grid-cols-2">
        <Card aria-label="Wallet balance">
          <p className="text-sm text-slate-500">Balance</p>
          <p className="text-3xl font-bold tabular-nums">{formatMoney(summary.balanceMinor, summary.currency)}</p>
        </Card>
        <Card className="space-y-4" aria-labelledby="adjust-heading">
          <CardTitle id="adjust-heading">Adjust balance</CardTitle>
          <AdjustmentForm userId={customer.id} currency={summary.currency} action={adjustWalletAction} />
        </Card>
      </div>
      <WalletEntriesTable entries={entries} showAuthor />
    </div>
  );
}
