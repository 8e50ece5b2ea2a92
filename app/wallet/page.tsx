import { StatementForm } from "@/components/wallet/statement-form";
import { WalletEntriesTable } from "@/components/wallet/wallet-entries-table";
import { Alert, ButtonLink, Card, CardTitle } from "@/components/ui";
import { requireUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { recentWalletEntries, walletSummary } from "@/lib/wallet/queries";
import { StatementRangeSchema } from "@/lib/wallet/statement";

export const metadata = { title: "Wallet" };

type SearchParams = Record<string, string | string[] | undefined>;

/** The statement form's dates: what the customer asked for (with what was wrong), or this month so far. */
function statementDefaults(params: SearchParams): { from: string; to: string; error?: string } {
  const from = typeof params.from === "string" ? params.from : undefined;
  const to = typeof params.to === "string" ? params.to : undefined;
  if (from !== undefined || to !== undefined) {
    const checked = StatementRangeSchema.safeParse({ from: from || undefined, to: to || undefined });
    if (!checked.success) return { from: from ?? "", to: to ?? "", error: checked.error.issues[0]!.message };
  }
  const today = new Date().toISOString().slice(0, 10);
  return { from: from ?? `${today.slice(0, 8)}01`, to: to ?? today };
}

export default async function WalletPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser("/wallet");
  const params = await searchParams;
  const [summary, entries] = await Promise.all([walletSummary(user.id), recentWalletEntries(user.id)]);
  const statement = statementDefaults(params);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Wallet</h1>
      {params.topup === "cancelled" && (
        <Alert tone="info" title="Top-up cancelled">
          You left the payment page without paying. Nothing was charged and your balance is unchanged.
        </Alert>
      )}
      {summary.heldAt && (
        <Alert tone="warning" title="Your wallet is on hold">
          A top-up was refunded or disputed with your bank after its credit was used, so nothing can be spent from this wallet for now.
          Please contact support to settle it.
        </Alert>
      )}
      <Card aria-label="Wallet balance" className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <p className="text-sm text-slate-500">Balance</p>
          <p className="text-3xl font-bold tabular-nums">{formatMoney(summary.balanceMinor, summary.currency)}</p>
        </div>
        <ButtonLink href="/wallet/top-up">Add money</ButtonLink>
      </Card>
      {summary.pendingTopUps.length > 0 && (
        <Alert tone="info" title="Payments being confirmed">
          <ul className="list-disc pl-5">
            {summary.pendingTopUps.map((topUp) => (
              <li key={topUp.id}>
                {formatMoney(topUp.creditMinor, summary.currency)} top-up from {topUp.createdAt.toISOString().slice(0, 10)}: pending until
                the payment is confirmed.
              </li>
            ))}
          </ul>
        </Alert>
      )}
      <Card aria-labelledby="wallet-history" className="space-y-4">
        <CardTitle id="wallet-history">History</CardTitle>
        <WalletEntriesTable entries={entries} />
      </Card>
      <Card id="statement" aria-labelledby="wallet-statement" className="space-y-4">
        <CardTitle id="wallet-statement">Statement</CardTitle>
        <p className="text-sm text-slate-600">Every wallet entry between two dates (inclusive, UTC), as a CSV file for a spreadsheet.</p>
        <StatementForm {...statement} />
      </Card>
    </div>
  );
}
