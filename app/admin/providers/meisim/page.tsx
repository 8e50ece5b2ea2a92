import { dealerTopupAction, previewDealerTopupAction } from "./actions";
import { ActionForm } from "@/components/admin/action-form";
import { MeisimNav } from "@/components/admin/meisim-nav";
import { Alert, Button, Card, CardTitle, inputClass, Table, Td, Th } from "@/components/ui";
import { MEISIM_TOOLS_PATH } from "@/lib/admin/meisim-tools";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";
import { meisimClient } from "@/lib/providers/registry";

export const metadata = { title: "MeiSIM dealer wallet" };

export default async function MeisimWalletPage() {
  await requireAdmin(MEISIM_TOOLS_PATH);
  const wallet = await meisimClient()
    .wallet.wallet()
    .then((value) => ({ ok: true as const, value }))
    .catch((err: unknown) => ({ ok: false as const, message: describeProviderFailure(err) }));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">MeiSIM tools</h1>
      <MeisimNav />
      <Card className="space-y-4">
        <CardTitle>Dealer wallet</CardTitle>
        {wallet.ok ? (
          <p className="text-lg">
            Balance: <strong data-testid="meisim-balance">{formatMoney(wallet.value.balance.amountMinor, "USD")}</strong> · markup{" "}
            {wallet.value.markupPct}% · resend fee {formatMoney(wallet.value.resendFee.amountMinor, "USD")}
          </p>
        ) : (
          <Alert tone="error" title="MeiSIM is not reachable">
            {wallet.message}
          </Alert>
        )}
        <div className="grid gap-4 md:grid-cols-2">
          <ActionForm action={previewDealerTopupAction} label="Preview the Stripe fee" submitLabel="Preview fee" variant="secondary">
            <label htmlFor="meisim-preview-amount" className="block text-sm font-medium">
              Amount for the wallet (USD, $50–$10,000)
            </label>
            <input id="meisim-preview-amount" name="amount" required inputMode="decimal" className={`${inputClass} w-40`} />
          </ActionForm>
          <ActionForm action={dealerTopupAction} label="Top up the MeiSIM dealer wallet" submitLabel="Top up through Stripe Checkout">
            <label htmlFor="meisim-topup-amount" className="block text-sm font-medium">
              Amount (USD, $50–$10,000)
            </label>
            <input id="meisim-topup-amount" name="amount" required inputMode="decimal" className={`${inputClass} w-40`} />
            <label htmlFor="meisim-topup-reason" className="block text-sm font-medium">
              Reason
            </label>
            <input id="meisim-topup-reason" name="reason" required minLength={3} maxLength={300} className={inputClass} />
          </ActionForm>
        </div>
      </Card>
      <Card className="space-y-3">
        <CardTitle>Statement</CardTitle>
        <form
          method="get"
          action={`${MEISIM_TOOLS_PATH}/statement`}
          aria-label="Download the dealer statement"
          className="flex flex-wrap items-end gap-2"
        >
          <div>
            <label htmlFor="statement-from" className="block text-sm font-medium">
              From
            </label>
            <input id="statement-from" name="from" type="date" className={inputClass} />
          </div>
          <div>
            <label htmlFor="statement-to" className="block text-sm font-medium">
              To
            </label>
            <input id="statement-to" name="to" type="date" className={inputClass} />
          </div>
          <Button type="submit" variant="secondary">
            Download CSV
          </Button>
        </form>
        <p className="text-xs text-slate-500">Without dates MeiSIM gives the last 90 days.</p>
      </Card>
      {wallet.ok && (
        <Table caption="Dealer wallet transactions">
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Type</Th>
              <Th>Amount</Th>
              <Th>Balance after</Th>
              <Th>Description</Th>
              <Th>Order</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {wallet.value.transactions.map((t) => (
              <tr key={t.id}>
                <Td>{t.createdAt.slice(0, 19).replace("T", " ")}</Td>
                <Td>{t.type}</Td>
                <Td>{formatMoney(t.amount.amountMinor, "USD")}</Td>
                <Td>{formatMoney(t.balanceAfter.amountMinor, "USD")}</Td>
                <Td>{t.description}</Td>
                <Td>{t.relatedOrderId}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
