import { randomUUID } from "node:crypto";
import Link from "next/link";
import { notFound } from "next/navigation";
import { adjustWalletAction, releaseWalletAction, setAccountDisabledAction } from "@/app/admin/customers/actions";
import { ActionForm } from "@/components/admin/action-form";
import { ListTable, type Column } from "@/components/admin/list-table";
import { Alert, Badge, Card, CardTitle, inputClass } from "@/components/ui";
import { AdjustmentForm } from "@/components/wallet/adjustment-form";
import { WalletEntriesTable } from "@/components/wallet/wallet-entries-table";
import { customerDetail } from "@/lib/admin/customers";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { recordIdFrom } from "@/lib/validation";
import { recentWalletEntries, walletSummary } from "@/lib/wallet/queries";

export const metadata = { title: "Customer" };

const day = (date: Date) => date.toISOString().slice(0, 16).replace("T", " ");

type Customer = NonNullable<Awaited<ReturnType<typeof customerDetail>>>;

const ORDER_COLUMNS: Column<Customer["orders"][number]>[] = [
  {
    header: "Order",
    cell: (o) => (
      <Link href={`/admin/orders/${o.otherOrderId}`} className="font-mono text-brand-700 underline">
        {o.otherOrderId}
      </Link>
    ),
  },
  { header: "Plan", cell: (o) => `${o.planName}${o.quantity > 1 ? ` × ${o.quantity}` : ""}` },
  { header: "Status", cell: (o) => o.status.toLowerCase().replaceAll("_", " ") },
  { header: "Paid by", cell: (o) => o.paymentMethod.toLowerCase() },
  { header: "Amount", numeric: true, cell: (o) => formatMoney(o.amountMinor, o.currency) },
  { header: "Placed", cell: (o) => day(o.createdAt) },
];

const ESIM_COLUMNS: Column<Customer["esims"][number]>[] = [
  { header: "ICCID", className: "font-mono", cell: (e) => e.iccid },
  { header: "Plan", cell: (e) => e.planName },
  { header: "Order", className: "font-mono", cell: (e) => e.orderId },
  { header: "State", cell: (e) => (e.cancelledAt ? <Badge tone="warn">cancelled</Badge> : <Badge tone="good">issued</Badge>) },
  { header: "Delivered", cell: (e) => day(e.createdAt) },
];

export default async function CustomerPage({ params }: { params: Promise<{ userId: string }> }) {
  const userId = recordIdFrom((await params).userId);
  if (!userId) notFound();
  const admin = await requireAdmin(`/admin/customers/${userId}`);
  const customer = await customerDetail(userId);
  if (!customer) notFound();
  const [summary, entries] = await Promise.all([walletSummary(customer.id), recentWalletEntries(customer.id, 200)]);
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/customers" className="text-brand-700 underline">
          All customers
        </Link>
      </p>
      <h1 className="text-2xl font-bold">{customer.email}</h1>
      <Card className="space-y-3" aria-labelledby="account-heading">
        <CardTitle id="account-heading">Account</CardTitle>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
          <dt className="text-slate-500">Name</dt>
          <dd>{customer.name ?? "—"}</dd>
          <dt className="text-slate-500">Role</dt>
          <dd>{customer.role.toLowerCase()}</dd>
          <dt className="text-slate-500">Joined</dt>
          <dd>{day(customer.createdAt)} UTC</dd>
          <dt className="text-slate-500">Email confirmed</dt>
          <dd>{customer.emailVerified ? "yes" : "no"}</dd>
          <dt className="text-slate-500">Status</dt>
          <dd>
            {customer.disabledAt ? (
              <Badge tone="bad">disabled since {day(customer.disabledAt)} UTC</Badge>
            ) : (
              <Badge tone="good">active</Badge>
            )}
          </dd>
          <dt className="text-slate-500">Signed in</dt>
          <dd>
            {customer.activeSessions} {customer.activeSessions === 1 ? "session" : "sessions"}
          </dd>
        </dl>
        {customer.disabledReason && <p className="text-sm">Disabled because: {customer.disabledReason}</p>}
        {customer.id !== admin.id && (
          <ActionForm
            action={setAccountDisabledAction}
            label={customer.disabledAt ? "Enable account" : "Disable account"}
            submitLabel={customer.disabledAt ? "Enable account" : "Disable account and sign out everywhere"}
            variant={customer.disabledAt ? "secondary" : "danger"}
            className="flex flex-wrap items-end gap-2"
          >
            <input type="hidden" name="userId" value={customer.id} />
            <input type="hidden" name="disabled" value={String(!customer.disabledAt)} />
            <label className="text-sm" htmlFor="account-reason">
              Reason
            </label>
            <input id="account-reason" name="reason" required maxLength={500} className={`${inputClass} max-w-md`} />
          </ActionForm>
        )}
      </Card>

      <h2 className="text-xl font-semibold">Wallet</h2>
      {summary.heldAt && (
        <Alert tone="warning" title="On hold">
          <p>
            Held since {day(summary.heldAt)}: {summary.heldReason}. Nothing can be spent from it. Once the balance is zero or more, release
            it:
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
          {/* A new key each rendering: after a saved adjustment the page re-renders, so the next one is new too. */}
          <AdjustmentForm userId={customer.id} currency={summary.currency} requestKey={randomUUID()} action={adjustWalletAction} />
        </Card>
      </div>
      <WalletEntriesTable entries={entries} showAuthor />

      <h2 className="text-xl font-semibold">Orders</h2>
      <ListTable
        caption="Orders, newest first"
        empty="No orders yet."
        rows={customer.orders}
        rowKey={(o) => o.otherOrderId}
        columns={ORDER_COLUMNS}
      />

      <h2 className="text-xl font-semibold">eSIMs</h2>
      <ListTable caption="eSIMs, newest first" empty="No eSIMs yet." rows={customer.esims} rowKey={(e) => e.iccid} columns={ESIM_COLUMNS} />
    </div>
  );
}
