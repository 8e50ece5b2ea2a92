import { randomUUID } from "node:crypto";
import Link from "next/link";
import { notFound } from "next/navigation";
import {
  addNoteAction,
  attachUpstreamOrderAction,
  cancelOrderAction,
  confirmCancellationAction,
  refreshOrderAction,
  refundOrderAction,
  resendDeliveryAction,
  retryOrderAction,
  revokeGuestLinksAction,
} from "@/app/admin/orders/actions";
import { replaceMeisimCardAction, resendMeisimEmailAction, revokeMeisimCardAction } from "@/app/admin/providers/meisim/actions";
import { ActionForm } from "@/components/admin/action-form";
import { LedgerTable } from "@/components/admin/ledger-table";
import { MeisimOrderActions } from "@/components/admin/meisim-order-actions";
import { OrderStatusBadge } from "@/components/orders/order-status";
import { Card, CardTitle, inputClass, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { liveCardStatus, NOTE_MAX_LENGTH, orderForDesk, type DeskOrder } from "@/lib/orders/admin-desk";
import {
  canCancelCard,
  canCancelUnpaid,
  canRefund,
  canRefundCard,
  canRetry,
  canTransition,
  hasDeliveredEsims,
  isCancellationRequested,
  isPhysical,
  statusLabel,
} from "@/lib/orders/lifecycle";
import { distributionStatusText } from "@/lib/orders/physical";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Order" };

const when = (date: Date | null) => (date ? date.toISOString().slice(0, 19).replace("T", " ") : "—");

export default async function AdminOrderPage({ params }: { params: Promise<{ otherOrderId: string }> }) {
  const { otherOrderId: raw } = await params;
  await requireAdmin(`/admin/orders/${encodeURIComponent(raw)}`);
  const otherOrderId = recordIdFrom(raw);
  const order = otherOrderId ? await orderForDesk(otherOrderId) : null;
  if (!order) notFound();
  const live = await liveCardStatus(order);
  const usage = live.ok ? new Map(live.usage.map((u) => [u.iccid, u])) : new Map();
  const refundedCards = new Set(order.refunds.map((r) => r.esimIccid).filter(Boolean));
  const who = (id: string | null) => (id ? (order.actorEmails[id] ?? id) : "system");

  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/orders" className="text-sm underline">
          All orders
        </Link>
        <h1 className="mt-2 text-2xl font-bold">
          Order <span className="font-mono">{order.otherOrderId}</span>
        </h1>
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <OrderStatusBadge status={order.status} />
          {order.planName}
          {order.quantity > 1 && ` × ${order.quantity}`} · {order.plan.destination.name} · {formatMoney(order.amountMinor, order.currency)}{" "}
          by {order.paymentMethod.toLowerCase().replaceAll("_", " ")} · placed {when(order.createdAt)}
        </p>
        {order.reviewReason && <p className="mt-1 text-sm text-amber-800">Needs review: {order.reviewReason}</p>}
        {isCancellationRequested(order) && order.status !== "CANCEL_PENDING" && (
          <p className="mt-1 text-sm text-amber-800">
            Cancellation requested {when(order.cancelRequestedAt)}: the order.cancel job is checking usage and asking the provider.
          </p>
        )}
        {order.cancelNote && !isCancellationRequested(order) && (
          <p className="mt-1 text-sm text-slate-700">Last cancellation request not carried out: {order.cancelNote}</p>
        )}
        {order.failureReason && <p className="mt-1 text-sm text-red-700">{order.failureReason}</p>}
        {order.disputeId && (
          <p className="mt-1 text-sm font-semibold text-red-700">
            Payment disputed ({order.disputeStatus?.replaceAll("_", " ")}): {order.disputeId}
          </p>
        )}
      </div>

      <Card>
        <CardTitle>Actions</CardTitle>
        <p className="mb-3 text-sm text-slate-600">Each action asks for a reason, which goes into the audit log with your name.</p>
        <OrderActions order={order} />
      </Card>

      {order.provider === "meisim" && hasDeliveredEsims(order) && (
        <Card>
          <CardTitle>MeiSIM actions</CardTitle>
          <p className="mb-3 text-sm text-slate-600">
            MeiSIM&apos;s own after-sale actions on one card, each with a reason that is audited.
          </p>
          <MeisimOrderActions
            otherOrderId={order.otherOrderId}
            iccids={order.esims.filter((e) => !e.cancelledAt).map((e) => e.iccid)}
            actions={{ resendEmail: resendMeisimEmailAction, replace: replaceMeisimCardAction, revoke: revokeMeisimCardAction }}
            requestKey={randomUUID()}
          />
        </Card>
      )}

      <section aria-labelledby="customer" className="space-y-1">
        <h2 id="customer" className="text-lg font-semibold">
          Customer
        </h2>
        <p className="text-sm">
          {order.user.name && `${order.user.name} · `}
          {order.user.email} · customer since {when(order.user.createdAt)}
          {order.user.disabledAt && " · account disabled"}
          {order.guestCheckout && " · guest checkout"}
          {order.guestLinksRevokedAt && ` (links sent until ${when(order.guestLinksRevokedAt)} revoked)`} ·{" "}
          <Link href={`/admin/wallets/${order.user.id}`} className="underline">
            Wallet
          </Link>
        </p>
      </section>

      <section aria-labelledby="cards" className="space-y-2">
        <h2 id="cards" className="text-lg font-semibold">
          {isPhysical(order) ? "Physical SIMs" : "eSIMs"} ({order.esims.length} of {order.quantity})
        </h2>
        {isPhysical(order) && (
          <p className="text-sm text-slate-600">
            Plastic cards for distribution partner {order.dpId}: no QR code or LPA; the partner hands them out.
          </p>
        )}
        {!live.ok && <p className="text-sm text-amber-800">{live.message}</p>}
        {order.esims.length > 0 && (
          <Table caption="The order's eSIMs with their live status">
            <thead>
              <tr>
                <Th>ICCID</Th>
                <Th>Line</Th>
                {isPhysical(order) && <Th>Distribution status</Th>}
                <Th>Live status</Th>
                <Th>Data used</Th>
                <Th>Expires</Th>
                <Th>Cancel or refund</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white align-top">
              {order.esims.map((e) => {
                const u = usage.get(e.iccid);
                const refunded = refundedCards.has(e.iccid);
                return (
                  <tr key={e.iccid}>
                    <Td className="font-mono text-xs">{e.iccid}</Td>
                    <Td className="font-mono text-xs">{e.otherItemId ?? "—"}</Td>
                    {isPhysical(order) && <Td>{distributionStatusText(e.dpStatus)}</Td>}
                    <Td>{e.cancelledAt ? `cancelled ${when(e.cancelledAt)}` : (u?.state.replaceAll("_", " ") ?? "—")}</Td>
                    <Td>{u ? `${u.usedMb} MB${u.totalMb === null ? "" : ` of ${u.totalMb} MB`}` : "—"}</Td>
                    <Td className="text-xs">{u?.expiresAt ?? "—"}</Td>
                    <Td className="space-y-2">
                      {refunded && "Refunded"}
                      {canCancelCard(order, { delivered: !e.cancelledAt, refunded, state: u?.state ?? null }) && (
                        <CardActionForm
                          action={cancelOrderAction}
                          verb="cancel"
                          otherOrderId={order.otherOrderId}
                          iccid={e.iccid}
                          submitLabel="Cancel and refund this card"
                        />
                      )}
                      {canRefundCard(order, { delivered: !e.cancelledAt, refunded }) && (
                        <CardActionForm
                          action={refundOrderAction}
                          verb="refund"
                          otherOrderId={order.otherOrderId}
                          iccid={e.iccid}
                          submitLabel="Refund this card"
                        />
                      )}
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </section>

      <Payments order={order} />

      <section aria-labelledby="timeline" className="space-y-2">
        <h2 id="timeline" className="text-lg font-semibold">
          Timeline
        </h2>
        <Table caption="Lifecycle timeline, oldest first">
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Event</Th>
              <Th>State</Th>
              <Th>By</Th>
              <Th>Details</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white align-top">
            {order.events.map((e) => (
              <tr key={e.id}>
                <Td className="text-xs">{when(e.createdAt)}</Td>
                <Td>{e.event}</Td>
                <Td>
                  {e.from ? statusLabel(e.from) : "—"} → {statusLabel(e.to)}
                </Td>
                <Td>{who(e.actorId)}</Td>
                <Td className="max-w-md text-xs break-words">{e.details ? JSON.stringify(e.details) : ""}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </section>

      <section aria-labelledby="audit" className="space-y-2">
        <h2 id="audit" className="text-lg font-semibold">
          Audit log
        </h2>
        <Table caption="Audit log of this order, oldest first">
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Who</Th>
              <Th>Action</Th>
              <Th>Reason</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white align-top">
            {order.audit.map((a) => (
              <tr key={a.id}>
                <Td className="text-xs">{when(a.createdAt)}</Td>
                <Td>{a.actor?.email ?? "system"}</Td>
                <Td>{a.action}</Td>
                <Td className="max-w-md text-xs break-words">{reasonOf(a.details)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </section>

      <section aria-labelledby="answers" className="space-y-2">
        <h2 id="answers" className="text-lg font-semibold">
          Provider answers
        </h2>
        {order.providerAnswers.length === 0 ? (
          <p className="text-sm text-slate-600">No answer kept for this order (orders placed before answers were kept have none).</p>
        ) : (
          <ul className="space-y-1">
            {order.providerAnswers.map((a) => (
              <li key={a.id}>
                <details className="text-sm">
                  <summary className="cursor-pointer">
                    {when(a.createdAt)} · {a.provider} {a.operation}: {a.outcome}
                  </summary>
                  <pre className="mt-1 max-h-80 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(a.body, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="notes" className="space-y-2">
        <h2 id="notes" className="text-lg font-semibold">
          Internal notes
        </h2>
        <ul className="space-y-2">
          {order.notes.map((n) => (
            <li key={n.id} className="rounded border border-slate-200 p-2 text-sm">
              <p className="text-xs text-slate-600">
                {who(n.authorId)} · {when(n.createdAt)}
              </p>
              <p className="whitespace-pre-wrap">{n.body}</p>
            </li>
          ))}
        </ul>
        <ActionForm action={addNoteAction} label="Add a note" submitLabel="Add note" variant="secondary">
          <input type="hidden" name="otherOrderId" value={order.otherOrderId} />
          <label htmlFor="note" className="block text-sm font-medium">
            Note (customers never see it)
          </label>
          <textarea id="note" name="note" required maxLength={NOTE_MAX_LENGTH} rows={3} className={inputClass} />
        </ActionForm>
      </section>
    </div>
  );
}

/** Cancel or refund one card of the order, with the reason the audit log keeps. */
function CardActionForm({
  action,
  verb,
  otherOrderId,
  iccid,
  submitLabel,
}: {
  action: typeof cancelOrderAction | typeof refundOrderAction;
  verb: "cancel" | "refund";
  otherOrderId: string;
  iccid: string;
  submitLabel: string;
}) {
  const Verb = `${verb[0]!.toUpperCase()}${verb.slice(1)}`;
  return (
    <ActionForm action={action} label={`${Verb} card ${iccid}`} submitLabel={submitLabel} variant="danger">
      <input type="hidden" name="otherOrderId" value={otherOrderId} />
      <input type="hidden" name="iccid" value={iccid} />
      <Reason id={`${verb}-${iccid}`} label={`Reason to ${verb} card ${iccid}`} />
    </ActionForm>
  );
}

function Reason({ id, label }: { id: string; label: string }) {
  return (
    <>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input id={id} name="reason" required minLength={3} maxLength={300} placeholder="Reason" className={inputClass} />
    </>
  );
}

function reasonOf(details: unknown): string {
  const reason = (details as { reason?: unknown } | null)?.reason;
  return typeof reason === "string" ? reason : "";
}

/** The actions the order's state allows, as the lifecycle rules say. */
function OrderActions({ order }: { order: DeskOrder }) {
  const id = order.otherOrderId;
  const hidden = <input type="hidden" name="otherOrderId" value={id} />;
  const cancellable =
    canCancelUnpaid(order) || (order.plan.cancellable && canTransition(order.status, "cancel_pending") && !isCancellationRequested(order));
  // A partner-invoiced physical order has no card or wallet payment to give back, and no install email.
  const physical = isPhysical(order);
  const refundable = !physical && (canRefund(order) || order.refunds.some((r) => r.status === "FAILED"));
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      <ActionForm action={refreshOrderAction} label="Refresh from the provider" submitLabel="Refresh from the provider" variant="secondary">
        {hidden}
        <Reason id="reason-refresh" label="Reason to refresh" />
      </ActionForm>
      {canRetry(order) && (
        <ActionForm action={retryOrderAction} label="Retry delivery" submitLabel="Retry delivery" variant="secondary">
          {hidden}
          <Reason id="reason-retry" label="Reason to retry" />
        </ActionForm>
      )}
      {canTransition(order.status, "upstream_order_recorded") && (
        <ActionForm
          action={attachUpstreamOrderAction}
          label="Attach the upstream order"
          submitLabel="Found at provider: attach it"
          variant="secondary"
        >
          {hidden}
          <input type="hidden" name="requestKey" value={randomUUID()} />
          <label htmlFor="attach-provider-ref" className="sr-only">
            The provider&apos;s order id or ICCID
          </label>
          <input
            id="attach-provider-ref"
            name="providerRef"
            required
            minLength={3}
            maxLength={100}
            placeholder="Provider order id or ICCID"
            className={inputClass}
          />
          <Reason id="reason-attach" label="Where you found it" />
        </ActionForm>
      )}
      {order.status === "NEEDS_REVIEW" && (
        <ActionForm action={retryOrderAction} label="Place again" submitLabel="Not at provider: place again" variant="secondary">
          {hidden}
          <input type="hidden" name="confirmedAbsent" value="yes" />
          <Reason id="reason-place-again" label="What you checked at the provider" />
        </ActionForm>
      )}
      {hasDeliveredEsims(order) && !physical && (
        <ActionForm action={resendDeliveryAction} label="Resend the delivery email" submitLabel="Resend delivery email" variant="secondary">
          {hidden}
          <Reason id="reason-resend" label="Reason to resend" />
        </ActionForm>
      )}
      {order.guestCheckout && (
        <ActionForm action={revokeGuestLinksAction} label="Revoke the guest links" submitLabel="Revoke guest links" variant="danger">
          {hidden}
          <Reason id="reason-revoke-links" label="Reason to revoke the guest links" />
        </ActionForm>
      )}
      {cancellable && (
        <ActionForm action={cancelOrderAction} label="Cancel the order" submitLabel="Cancel order" variant="danger">
          {hidden}
          <Reason id="reason-cancel" label="Reason to cancel" />
        </ActionForm>
      )}
      {order.status === "CANCEL_PENDING" && (
        <ActionForm
          action={confirmCancellationAction}
          label="Confirm the cancellation"
          submitLabel="Cancelled at provider: refund"
          variant="danger"
        >
          {hidden}
          <Reason id="reason-confirm-cancellation" label="What the provider's records show" />
        </ActionForm>
      )}
      {refundable && (
        <ActionForm
          action={refundOrderAction}
          label="Refund the order"
          submitLabel={order.refunds.length > 0 && canRefund(order) ? "Refund the rest" : "Refund"}
          variant="danger"
        >
          {hidden}
          <Reason id="reason-refund" label="Reason to refund the order" />
        </ActionForm>
      )}
    </div>
  );
}

function Payments({ order }: { order: DeskOrder }) {
  return (
    <section aria-labelledby="payments" className="space-y-2">
      <h2 id="payments" className="text-lg font-semibold">
        Payments, refunds and wallet ledger
      </h2>
      {order.checkoutSessions.length > 0 && (
        <Table caption="Card payments (Stripe Checkout)">
          <thead>
            <tr>
              <Th>Session</Th>
              <Th>Amount</Th>
              <Th>Status</Th>
              <Th>PaymentIntent</Th>
              <Th>Created</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {order.checkoutSessions.map((s) => (
              <tr key={s.id}>
                <Td className="font-mono text-xs">{s.id}</Td>
                <Td>{formatMoney(s.amountMinor, s.currency)}</Td>
                <Td>{s.status.toLowerCase()}</Td>
                <Td className="font-mono text-xs">{s.paymentIntentId ?? "—"}</Td>
                <Td className="text-xs">{when(s.createdAt)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {order.refunds.length > 0 && (
        <Table caption="Refunds">
          <thead>
            <tr>
              <Th>Refund</Th>
              <Th>Amount</Th>
              <Th>Method</Th>
              <Th>Status</Th>
              <Th>Reason</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {order.refunds.map((r) => (
              <tr key={r.id}>
                <Td>{r.esimIccid ? `Card ${r.esimIccid}` : "Order"}</Td>
                <Td>{formatMoney(r.amountMinor, r.currency)}</Td>
                <Td>{r.method.toLowerCase()}</Td>
                <Td>
                  {r.status.toLowerCase()}
                  {r.status !== "SUCCEEDED" && r.lastError && <span className="block text-xs text-amber-800">{r.lastError}</span>}
                </Td>
                <Td className="text-xs">{r.reason}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {order.walletEntries.length > 0 && (
        <LedgerTable
          caption="Wallet ledger entries for this order"
          rows={order.walletEntries.map((w) => ({
            id: w.id,
            at: w.createdAt,
            kind: w.kind.replaceAll("_", " ").toLowerCase(),
            amountMinor: w.amountMinor,
            balanceAfterMinor: w.balanceAfterMinor,
            currency: w.currency,
            description: w.description,
          }))}
        />
      )}
      {order.checkoutSessions.length === 0 && order.walletEntries.length === 0 && (
        <p className="text-sm text-slate-600">No payment recorded.</p>
      )}
    </section>
  );
}
