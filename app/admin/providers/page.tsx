import Link from "next/link";
import { setLowBalanceAlertAction } from "./actions";
import { ActionForm } from "@/components/admin/action-form";
import { LedgerTable } from "@/components/admin/ledger-table";
import { LowBalanceAlert } from "@/components/admin/low-balance-alert";
import { ProviderHealthTable } from "@/components/admin/provider-health";
import { Alert, Card, CardTitle, inputClass } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";
import { isLowBalance, lowBalanceAlertMinor, providerHealthRows } from "@/lib/providers/health";
import { meisimClient, mioesimClient } from "@/lib/providers/registry";

export const metadata = { title: "Provider accounts" };

async function attempt<T>(work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, message: describeProviderFailure(err) };
  }
}

export default async function ProvidersPage() {
  await requireAdmin("/admin/providers");
  const [mioSkus, meiDealer, meiWallet] = await Promise.all([
    attempt(() => mioesimClient().getSkus()),
    attempt(() => meisimClient().account.me()),
    attempt(() => meisimClient().wallet.wallet()),
  ]);
  const alertLevel = await lowBalanceAlertMinor();
  // Read after the calls above, so the panel includes them. In memory, per server process.
  const health = await providerHealthRows();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Provider accounts</h1>
      <ProviderHealthTable rows={health} />
      {meiWallet.ok && isLowBalance(meiWallet.value.balance.amountMinor, alertLevel.minor) && (
        <LowBalanceAlert balance={meiWallet.value.balance} alertMinor={alertLevel.minor} />
      )}
      <Card className="space-y-2">
        <CardTitle>MIOeSIM</CardTitle>
        <p className="text-sm">
          <Link href="/admin/providers/mioesim" className="text-sky-700 underline">
            MIOeSIM tools
          </Link>
          : batch card status with CSV, card history and renewals, physical SIM products.
        </p>
        {mioSkus.ok ? (
          <Alert tone="success">Signed in; {mioSkus.value.length} products available.</Alert>
        ) : (
          <Alert tone="error" title="Not reachable">
            {mioSkus.message}
          </Alert>
        )}
      </Card>
      <Card className="space-y-4">
        <CardTitle>MeiSIM dealer account</CardTitle>
        {meiDealer.ok ? (
          <p className="text-sm">
            {meiDealer.value.companyName ?? meiDealer.value.email} · status <strong>{meiDealer.value.status}</strong>
          </p>
        ) : (
          <Alert tone="error" title="Not reachable">
            {meiDealer.message}
          </Alert>
        )}
        {meiWallet.ok && (
          <>
            <p className="text-lg">
              Dealer wallet: <strong>{formatMoney(meiWallet.value.balance.amountMinor, meiWallet.value.balance.currency)}</strong> · markup{" "}
              {meiWallet.value.markupPct}%
            </p>
            <LedgerTable
              caption="Recent dealer wallet transactions"
              rows={meiWallet.value.transactions.slice(0, 20).map((t) => ({
                id: t.id,
                at: t.createdAt,
                kind: t.type,
                amountMinor: t.amount.amountMinor,
                balanceAfterMinor: t.balanceAfter.amountMinor,
                currency: t.amount.currency,
                description: t.description,
              }))}
            />
          </>
        )}
        <ActionForm action={setLowBalanceAlertAction} label="Low-balance alert" submitLabel="Save alert level" variant="secondary">
          <p className="text-sm">
            Alert when the dealer wallet is under <strong>{formatMoney(alertLevel.minor, "USD")}</strong>
            {alertLevel.source === "environment" ? " (MEISIM_WALLET_LOW_BALANCE_MINOR until saved here)" : ""}.
          </p>
          <label htmlFor="low-balance-amount" className="block text-sm font-medium">
            New alert level (USD)
          </label>
          <input id="low-balance-amount" name="amount" required inputMode="decimal" placeholder="100.00" className={inputClass} />
          <label htmlFor="low-balance-reason" className="block text-sm font-medium">
            Reason
          </label>
          <input id="low-balance-reason" name="reason" required minLength={3} maxLength={300} className={inputClass} />
        </ActionForm>
        <p className="text-sm">
          <Link href="/admin/providers/meisim" className="text-sky-700 underline">
            MeiSIM tools
          </Link>
          : wallet top-up and statement, eSIM verification, eSIM Supply, the Validator, SIM top-ups, the dealer key.
        </p>
      </Card>
    </div>
  );
}
