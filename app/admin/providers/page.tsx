import { meisimSendOtpAction, meisimTopUpAction, meisimVerifyOtpAction } from "@/app/admin/actions";
import { ActionForm } from "@/components/admin/action-form";
import { Alert, Card, CardTitle, inputClass, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";
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
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Provider accounts</h1>
      <Card className="space-y-2">
        <CardTitle>MIOeSIM</CardTitle>
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
            <ActionForm
              action={meisimTopUpAction}
              label="Top up the MeiSIM dealer wallet"
              submitLabel="Top up through Stripe"
              className="flex items-end gap-2"
            >
              <div>
                <label htmlFor="meisim-topup" className="block text-sm font-medium">
                  Amount (USD, $50–$10,000)
                </label>
                <input id="meisim-topup" name="amount" required inputMode="decimal" className={`${inputClass} w-40`} />
              </div>
            </ActionForm>
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
        <div className="grid gap-4 md:grid-cols-2">
          <ActionForm action={meisimSendOtpAction} label="Send a MeiSIM sign-in code" submitLabel="Send code" variant="secondary">
            <p className="text-sm font-medium">Get a dealer API key: 1. send a code</p>
            <input name="email" type="email" required placeholder="dealer email" aria-label="Dealer email" className={inputClass} />
          </ActionForm>
          <ActionForm action={meisimVerifyOtpAction} label="Verify the MeiSIM code" submitLabel="Verify" variant="secondary">
            <p className="text-sm font-medium">2. enter the 6-digit code</p>
            <input
              name="email"
              type="email"
              required
              placeholder="dealer email"
              aria-label="Dealer email for the code"
              className={inputClass}
            />
            <input name="code" required inputMode="numeric" placeholder="123456" aria-label="Code" className={inputClass} />
          </ActionForm>
        </div>
      </Card>
    </div>
  );
}
