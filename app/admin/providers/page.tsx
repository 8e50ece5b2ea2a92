import Link from "next/link";
import { ProviderHealthTable } from "@/components/admin/provider-health";
import { Alert, Card, CardTitle, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { env } from "@/lib/config/env";
import { describeProviderFailure } from "@/lib/providers/errors";
import { providerCallHealth } from "@/lib/providers/http";
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
  const tokenRefreshAt = mioesimClient().tokenRefreshAt();
  const lowBalanceMinor = env().MEISIM_WALLET_LOW_BALANCE_MINOR;
  // Read after the calls above, so the panel includes them. In memory, per server process.
  const health = [
    {
      name: "MIOeSIM",
      health: providerCallHealth("mioesim"),
      session: tokenRefreshAt
        ? `Token renewed at ${tokenRefreshAt.toISOString().replace("T", " ").slice(0, 19)} UTC (tokens last 2 hours)`
        : "Not signed in yet",
      rateLimit: "Not documented by MIOeSIM (no limits, no headers)",
    },
    {
      name: "MeiSIM",
      health: providerCallHealth("meisim"),
      session: "Dealer key (no expiry)",
      rateLimit: "Documented per minute (60 reads, 30 orders); the client paces itself; no headers",
    },
  ];
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Provider accounts</h1>
      <ProviderHealthTable rows={health} />
      {meiWallet.ok && meiWallet.value.balance.amountMinor < lowBalanceMinor && (
        <Alert tone="warning" title="MeiSIM dealer wallet is low">
          {formatMoney(meiWallet.value.balance.amountMinor, meiWallet.value.balance.currency)} is below the alert level of{" "}
          {formatMoney(lowBalanceMinor, "USD")} (MEISIM_WALLET_LOW_BALANCE_MINOR).
        </Alert>
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
            <Table caption="Recent dealer wallet transactions">
              <thead>
                <tr>
                  <Th>When</Th>
                  <Th>Type</Th>
                  <Th>Amount</Th>
                  <Th>Balance after</Th>
                  <Th>Description</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 bg-white">
                {meiWallet.value.transactions.slice(0, 20).map((t) => (
                  <tr key={t.id}>
                    <Td>{t.createdAt.slice(0, 19).replace("T", " ")}</Td>
                    <Td>{t.type}</Td>
                    <Td>{formatMoney(t.amount.amountMinor, t.amount.currency)}</Td>
                    <Td>{formatMoney(t.balanceAfter.amountMinor, t.balanceAfter.currency)}</Td>
                    <Td>{t.description}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </>
        )}
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
