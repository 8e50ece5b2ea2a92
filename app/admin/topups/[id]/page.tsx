import { randomUUID } from "node:crypto";
import Link from "next/link";
import { notFound } from "next/navigation";
import { recordRechargeAction, refundTopupAction } from "@/app/admin/topups/actions";
import { ActionForm } from "@/components/admin/action-form";
import { Card, CardTitle, inputClass, Table, Td, Th } from "@/components/ui";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { canRefundTopup, canResolveTopupReview, topupStatusLabel } from "@/lib/orders/mobile-topup-lifecycle";
import { rechargeCandidates, topupForDesk } from "@/lib/topup/desk";
import { recordIdFrom } from "@/lib/validation";

export const metadata = { title: "Mobile top-up" };

const when = (date: Date | null) => (date ? date.toISOString().slice(0, 19).replace("T", " ") : "—");

export default async function AdminTopupPage({ params }: { params: Promise<{ id: string }> }) {
  const id = recordIdFrom((await params).id);
  await requireAdmin(`/admin/topups/${id ?? ""}`);
  if (!id) notFound();
  const topup = await topupForDesk(id);
  if (!topup) notFound();
  const inReview = canResolveTopupReview(topup);
  const candidates = inReview ? await rechargeCandidates(topup) : null;
  // One key per rendering: the forms below each claim it once (a double click, a resent form do nothing).
  const requestKey = randomUUID();
  const hidden = (
    <>
      <input type="hidden" name="topupId" value={topup.id} />
      <input type="hidden" name="requestKey" value={requestKey} />
    </>
  );
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/topups" className="text-sm underline">
          All top-ups
        </Link>
        <h1 className="mt-2 font-mono text-xl font-bold">Top-up {topup.id}</h1>
        <p className="text-sm text-slate-700">
          {topupStatusLabel(topup.status)} · {topup.networkName} · {topup.contactNumber ?? topup.simSerialNumber} ·{" "}
          {formatMoney(topup.faceValueMinor, topup.faceCurrency)} face value · paid {formatMoney(topup.amountMinor, topup.currency)}
          {topup.paymentMethod && ` by ${topup.paymentMethod.toLowerCase()}`} · {topup.email}
        </p>
        <p className="text-sm text-slate-700">
          Sent to MeiSIM {when(topup.rechargeSentAt)} · MeiSIM reference {topup.rechargeRef ?? "—"}
          {topup.refundStatus && ` · refund ${topup.refundStatus.toLowerCase()}`}
        </p>
        {topup.reviewReason && <p className="mt-1 text-sm text-amber-800">Needs review: {topup.reviewReason}</p>}
        {topup.failureReason && <p className="mt-1 text-sm text-red-700">{topup.failureReason}</p>}
        {topup.refundError && <p className="mt-1 text-sm text-red-700">Refund: {topup.refundError}</p>}
      </div>

      <Card>
        <CardTitle>Actions</CardTitle>
        <p className="mb-3 text-sm text-slate-600">Each action asks for a reason, which goes into the audit log with your name.</p>
        <div className="grid gap-4 sm:grid-cols-2">
          {inReview && (
            <ActionForm
              action={recordRechargeAction}
              label="Recharged at MeiSIM"
              submitLabel="Recharged at MeiSIM: record it"
              variant="secondary"
            >
              {hidden}
              <label htmlFor="history-id" className="block text-sm font-medium">
                MeiSIM&apos;s order id of the recharge
              </label>
              <input id="history-id" name="historyId" required maxLength={100} className={inputClass} />
              <Reason id="reason-record" label="What MeiSIM's records show" />
            </ActionForm>
          )}
          {canRefundTopup(topup) && (
            <ActionForm
              action={refundTopupAction}
              label="Refund the top-up"
              submitLabel={inReview ? "Not recharged: refund" : "Refund"}
              variant="danger"
            >
              {hidden}
              <Reason id="reason-refund" label="Reason to refund the top-up" />
            </ActionForm>
          )}
        </div>
      </Card>

      {candidates && (
        <section aria-labelledby="candidates" className="space-y-2">
          <h2 id="candidates" className="text-lg font-semibold">
            MeiSIM top-ups since it was sent
          </h2>
          {!candidates.ok && <p className="text-sm text-amber-800">{candidates.message}</p>}
          {candidates.ok && candidates.rows.length === 0 && (
            <p className="text-sm text-slate-600">MeiSIM&apos;s recent history shows no top-up that could be this one.</p>
          )}
          {candidates.ok && candidates.rows.length > 0 && (
            <Table caption="Top-ups in MeiSIM's history that no other top-up claims">
              <thead>
                <tr>
                  <Th>MeiSIM order id</Th>
                  <Th>Created</Th>
                  <Th>ICCID</Th>
                  <Th>Amount</Th>
                  <Th>Status</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 bg-white">
                {candidates.rows.map((row) => (
                  <tr key={row.id}>
                    <Td className="font-mono text-xs">{row.id}</Td>
                    <Td className="text-xs">{row.createdAt}</Td>
                    <Td className="font-mono text-xs">{row.iccid ?? "—"}</Td>
                    <Td>{formatMoney(row.amount.amountMinor, row.amount.currency)}</Td>
                    <Td>{row.status}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </section>
      )}

      <section aria-labelledby="timeline" className="space-y-2">
        <h2 id="timeline" className="text-lg font-semibold">
          Timeline
        </h2>
        <Table caption="The top-up's status changes">
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Event</Th>
              <Th>From → to</Th>
              <Th>Reason</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {topup.events.map((e) => (
              <tr key={e.id}>
                <Td className="text-xs">{when(e.createdAt)}</Td>
                <Td>{e.event}</Td>
                <Td className="text-xs">
                  {e.from ?? "—"} → {e.to}
                </Td>
                <Td>{reasonOf(e.details)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </section>
    </div>
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
