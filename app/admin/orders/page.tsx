import { placeAgainAction, refundOrderAction, retryFulfilmentAction } from "@/app/admin/actions";
import { SearchForm } from "@/components/admin/search-form";
import { ActionForm } from "@/components/admin/action-form";
import { OrderStatusBadge } from "@/components/orders/order-status";
import { Button, inputClass, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatMoney } from "@/lib/money";
import { canRefund, canRefundCard, canRetry, statusLabel } from "@/lib/orders/lifecycle";
import { searchFrom } from "@/lib/validation";

export const metadata = { title: "Orders" };

export default async function AdminOrdersPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await requireAdmin("/admin/orders");
  // A search with control characters (PostgreSQL refuses NUL) lists everything instead.
  const { query: q } = searchFrom((await searchParams).q);
  const orders = await db().order.findMany({
    where: q
      ? {
          OR: [
            { otherOrderId: { contains: q } },
            { user: { email: { contains: q, mode: "insensitive" } } },
            { providerOrderRef: { contains: q } },
          ],
        }
      : {},
    include: {
      user: { select: { email: true } },
      refunds: { orderBy: { createdAt: "asc" } },
      esims: { select: { iccid: true, cancelledAt: true } },
      events: { orderBy: { createdAt: "asc" }, select: { id: true, event: true, to: true, createdAt: true } },
    },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Orders</h1>
      <SearchForm id="order-search" label="Order reference, email or provider reference" defaultValue={q} />
      <Table caption="Orders, newest first">
        <thead>
          <tr>
            <Th>Order (otherOrderId)</Th>
            <Th>Customer</Th>
            <Th>Plan</Th>
            <Th>Amount</Th>
            <Th>Status</Th>
            <Th>Upstream</Th>
            <Th>Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white align-top">
          {orders.map((o) => (
            <tr key={o.otherOrderId}>
              <Td className="font-mono text-xs">{o.otherOrderId}</Td>
              <Td>{o.user.email}</Td>
              <Td>{o.planName}</Td>
              <Td>
                {formatMoney(o.amountMinor, o.currency)} · {o.paymentMethod.toLowerCase()}
              </Td>
              <Td>
                <OrderStatusBadge status={o.status} />
                {o.quantity > 1 && (
                  <p className="mt-1 text-xs">
                    {o.esims.length} of {o.quantity} eSIMs delivered
                  </p>
                )}
                {o.reviewReason && <p className="mt-1 max-w-xs text-xs text-amber-800">Needs review: {o.reviewReason}</p>}
                {o.disputeId && (
                  <p className="mt-1 max-w-xs text-xs font-semibold text-red-700">
                    Payment disputed ({o.disputeStatus?.replaceAll("_", " ")}): {o.disputeId}
                  </p>
                )}
                {o.failureReason && <p className="mt-1 max-w-xs text-xs text-red-700">{o.failureReason}</p>}
                {o.events.length > 0 && (
                  <details className="mt-1 text-xs">
                    <summary className="cursor-pointer text-slate-600">Timeline ({o.events.length})</summary>
                    <ol className="mt-1 space-y-0.5">
                      {o.events.map((e) => (
                        <li key={e.id}>
                          <time dateTime={e.createdAt.toISOString()}>{e.createdAt.toISOString().slice(0, 19).replace("T", " ")}</time>{" "}
                          {e.event} → {statusLabel(e.to)}
                        </li>
                      ))}
                    </ol>
                  </details>
                )}
              </Td>
              <Td className="text-xs">
                {o.provider}
                {o.providerOrderRef && <span className="block font-mono">{o.providerOrderRef}</span>}
                {o.esims.map((e) => {
                  const refunded = o.refunds.some((r) => r.esimIccid === e.iccid);
                  return (
                    <div key={e.iccid}>
                      <span className="block font-mono">
                        {e.iccid}
                        {refunded && " · refunded"}
                      </span>
                      {canRefundCard(o, { delivered: !e.cancelledAt, refunded }) && (
                        <ActionForm
                          action={refundOrderAction}
                          label={`Refund card ${e.iccid}`}
                          submitLabel="Refund this card"
                          variant="secondary"
                        >
                          <input type="hidden" name="otherOrderId" value={o.otherOrderId} />
                          <input type="hidden" name="iccid" value={e.iccid} />
                          <label className="sr-only" htmlFor={`reason-${e.iccid}`}>
                            Refund reason for card {e.iccid}
                          </label>
                          <input id={`reason-${e.iccid}`} name="reason" required placeholder="Reason" className={inputClass} />
                        </ActionForm>
                      )}
                    </div>
                  );
                })}
              </Td>
              <Td className="space-y-2">
                {canRetry(o) && (
                  <form action={retryFulfilmentAction}>
                    <input type="hidden" name="otherOrderId" value={o.otherOrderId} />
                    <Button type="submit" variant="secondary">
                      Retry delivery
                    </Button>
                  </form>
                )}
                {o.status === "NEEDS_REVIEW" && (
                  <ActionForm
                    action={placeAgainAction}
                    label={`Place ${o.otherOrderId} again`}
                    submitLabel="Not at provider: place again"
                    variant="secondary"
                  >
                    <input type="hidden" name="otherOrderId" value={o.otherOrderId} />
                    <label className="sr-only" htmlFor={`checked-${o.otherOrderId}`}>
                      What you checked at the provider
                    </label>
                    <input id={`checked-${o.otherOrderId}`} name="reason" required placeholder="What you checked" className={inputClass} />
                  </ActionForm>
                )}
                {o.refunds.map((r) => (
                  <p key={r.id} className={r.status === "SUCCEEDED" ? "text-xs text-slate-600" : "text-xs text-amber-800"}>
                    Refund{r.esimIccid && ` of ${r.esimIccid}`} {formatMoney(r.amountMinor, r.currency)} {r.status.toLowerCase()}
                    {r.status !== "SUCCEEDED" && ` after ${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`}
                    {r.status !== "SUCCEEDED" && r.lastError && `: ${r.lastError}`}
                  </p>
                ))}
                {(canRefund(o) || o.refunds.some((r) => r.status === "FAILED")) && (
                  <ActionForm
                    action={refundOrderAction}
                    label={`Refund ${o.otherOrderId}`}
                    submitLabel={o.refunds.length > 0 && canRefund(o) ? "Refund the rest" : "Refund"}
                    variant="danger"
                  >
                    <input type="hidden" name="otherOrderId" value={o.otherOrderId} />
                    <label className="sr-only" htmlFor={`reason-${o.otherOrderId}`}>
                      Refund reason
                    </label>
                    <input id={`reason-${o.otherOrderId}`} name="reason" required placeholder="Reason" className={inputClass} />
                  </ActionForm>
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
