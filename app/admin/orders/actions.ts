"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { requireAdminStepUp, type StepUpAnswer } from "@/lib/auth/step-up";
import { refundOrder } from "@/lib/billing/refunds";
import { db } from "@/lib/db/client";
import type { Refund } from "@/lib/generated/prisma/client";
import { onceForRequest } from "@/lib/admin/request-once";
import {
  addOrderNote,
  attachUpstreamOrder,
  auditDeskAction,
  NOTE_MAX_LENGTH,
  refreshFromProvider,
  revokeGuestLinks,
  type DeskActor,
} from "@/lib/orders/admin-desk";
import { AfterSaleError, cancelCard, cancelOrder, confirmCancellation } from "@/lib/orders/after-sale";
import { retryFulfilment } from "@/lib/orders/fulfilment";
import { canCancelUnpaid, canRetry } from "@/lib/orders/lifecycle";
import { resendDeliveryEmail } from "@/lib/orders/notifications";
import { cancelUnpaidOrder } from "@/lib/orders/unpaid";
import { describeProviderFailure } from "@/lib/providers/errors";
import { RecordId, textField } from "@/lib/validation";

const Reason = textField({ max: 300, label: "The reason" }).min(3, { error: "Give a reason (at least 3 characters)." });

/**
 * Every desk action names its order and says why; `extra` adds the action's
 * own fields. `moneyOut` (refunds) needs a recent step-up first.
 */
async function deskRequest<T extends z.ZodRawShape>(
  form: FormData,
  extra: T = {} as T,
  { moneyOut = false } = {},
): Promise<
  | { ok: true; data: { otherOrderId: string; reason: string } & z.infer<z.ZodObject<T>>; actor: DeskActor }
  | { ok: false; error: string; answer?: StepUpAnswer }
> {
  // The role first: nothing of the request is read for anyone else.
  let admin;
  if (moneyOut) {
    const stepUp = await requireAdminStepUp("/admin/orders", form);
    if (!stepUp.ok) return { ok: false, error: stepUp.answer.error, answer: stepUp.answer };
    admin = stepUp.admin;
  } else admin = await requireAdmin("/admin/orders");
  const fields = Object.fromEntries(Object.keys({ otherOrderId: 0, reason: 0, ...extra }).map((k) => [k, form.get(k) ?? undefined]));
  const parsed = z.object({ otherOrderId: RecordId, reason: Reason, ...extra }).safeParse(fields);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid request." };
  const data = parsed.data as { otherOrderId: string; reason: string } & z.infer<z.ZodObject<T>>;
  return { ok: true, data, actor: { actorId: admin.id, reason: data.reason, origin: originFromHeaders(await headers()) } };
}

function refreshPages(otherOrderId: string): void {
  revalidatePath(`/admin/orders/${otherOrderId}`);
  revalidatePath("/admin/orders");
}

const NO_ORDER: ActionState = { error: "There is no such order. Reload the page." };

/** Refunds the whole order (or what earlier card refunds left), or one card of it, to where the money came from. */
export async function refundOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const request = await deskRequest(form, { iccid: RecordId.optional() }, { moneyOut: true });
  if (!request.ok) return request.answer ?? { error: request.error };
  const { otherOrderId, iccid } = request.data;
  let refund: Refund;
  try {
    refund = await refundOrder(otherOrderId, { ...request.actor, iccid });
  } catch (err) {
    return { error: describeProviderFailure(err) };
  }
  await auditDeskAction(otherOrderId, "refund", request.actor, { refundId: refund.id, iccid: iccid ?? null, status: refund.status });
  refreshPages(otherOrderId);
  const what = iccid ? `Card ${iccid} of order ${otherOrderId}` : `Order ${otherOrderId}`;
  return refund.status === "SUCCEEDED"
    ? { success: `${what} refunded.` }
    : { success: `${what}: refund ${refund.status.toLowerCase()}; it is retried until Stripe confirms it.` };
}

/**
 * Fulfilment again, through the lifecycle's retry. With `confirmedAbsent`
 * (an order in review) the admin states they checked the provider and it has
 * no such order, so it is placed afresh instead of looked up.
 */
export async function retryOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const request = await deskRequest(form, { confirmedAbsent: z.literal("yes").optional() });
  if (!request.ok) return { error: request.error };
  const { otherOrderId, reason, confirmedAbsent } = request.data;
  const order = await db().order.findUnique({ where: { otherOrderId } });
  if (!order) return NO_ORDER;
  if (!canRetry(order)) return { error: "This order cannot be retried in its current state." };
  await auditDeskAction(otherOrderId, "retry", request.actor, { confirmedAbsent: Boolean(confirmedAbsent), from: order.status });
  await retryFulfilment(otherOrderId, request.actor.actorId, Date.now(), confirmedAbsent ? { reason } : null);
  refreshPages(otherOrderId);
  const after = await db().order.findUniqueOrThrow({ where: { otherOrderId }, select: { status: true } });
  return { success: `Retried: the order is now ${after.status.toLowerCase().replaceAll("_", " ")}.` };
}

/**
 * Attaches the upstream order the admin found in the provider's records (by
 * its order id or ICCID) to an order in review: read back from the provider
 * first, recorded only as it reports it. One effect per rendering of the form.
 */
export async function attachUpstreamOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const request = await deskRequest(form, {
    providerRef: textField({ max: 100, label: "The provider's order id or ICCID" }).min(3, {
      error: "Give the provider's order id or ICCID.",
    }),
    requestKey: z.uuid({ error: "This form has expired. Reload the page and try again." }),
  });
  if (!request.ok) return { error: request.error };
  const { otherOrderId, providerRef, requestKey } = request.data;
  const once = await onceForRequest({ key: requestKey, action: "order.desk.attach", actorId: request.actor.actorId }, () =>
    attachUpstreamOrder(otherOrderId, providerRef, request.actor),
  );
  refreshPages(otherOrderId);
  if (!once.first) return { success: "Already done: this form was sent before." };
  return once.value.attached ? { success: once.value.message } : { error: once.value.message };
}

/**
 * Calls off an unpaid order, or cancels a delivered one at the provider
 * (policy and unused cards permitting) and refunds it; with `iccid`, cancels
 * and refunds that one card of a multi-card order.
 */
export async function cancelOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  // Cancelling a paid order refunds it; calling off an unpaid one moves no money, but the form is the same.
  const request = await deskRequest(form, { iccid: RecordId.optional() }, { moneyOut: true });
  if (!request.ok) return request.answer ?? { error: request.error };
  const { otherOrderId, reason, iccid } = request.data;
  if (iccid) return cancelCardOf(otherOrderId, iccid, request.actor);
  const order = await db().order.findUnique({ where: { otherOrderId }, select: { userId: true, status: true } });
  if (!order) return NO_ORDER;
  const { actorId, origin } = request.actor;
  if (canCancelUnpaid(order)) {
    const cancelled = await cancelUnpaidOrder(otherOrderId, { userId: actorId, isAdmin: true }, origin ?? null);
    await auditDeskAction(otherOrderId, "cancel", request.actor, { outcome: cancelled ? "cancelled" : "not_cancelled", unpaid: true });
    refreshPages(otherOrderId);
    return cancelled ? { success: "The unpaid order is cancelled." } : { error: "The order is no longer awaiting payment." };
  }
  let outcome: "cancelled" | "requested";
  try {
    outcome = await cancelOrder(order.userId, otherOrderId, origin ?? null, { actorId, reason });
  } catch (err) {
    return { error: err instanceof AfterSaleError ? err.message : describeProviderFailure(err) };
  }
  await auditDeskAction(otherOrderId, "cancel", request.actor, { outcome });
  refreshPages(otherOrderId);
  return outcome === "cancelled"
    ? { success: "This order was cancelled and refunded already." }
    : { success: "Cancellation requested: the provider is asked now, and the refund follows only once it confirms the cancellation." };
}

/**
 * The provider's own records show a pending cancellation done: it is
 * recorded as confirmed and refunded, once (a second send refunds nothing).
 */
export async function confirmCancellationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const request = await deskRequest(form);
  if (!request.ok) return { error: request.error };
  const { otherOrderId } = request.data;
  let outcome: "confirmed" | "already_refunded";
  try {
    outcome = await confirmCancellation(otherOrderId, request.actor);
  } catch (err) {
    return { error: err instanceof AfterSaleError ? err.message : describeProviderFailure(err) };
  }
  await auditDeskAction(otherOrderId, "confirm_cancellation", request.actor, { outcome });
  refreshPages(otherOrderId);
  return outcome === "confirmed"
    ? { success: "Cancellation confirmed; the refund is on its way." }
    : { success: "Already refunded: nothing more was done." };
}

async function cancelCardOf(otherOrderId: string, iccid: string, actor: DeskActor): Promise<ActionState> {
  let outcome: "cancelled" | "pending";
  try {
    outcome = await cancelCard(otherOrderId, iccid, actor);
  } catch (err) {
    return { error: err instanceof AfterSaleError ? err.message : describeProviderFailure(err) };
  }
  await auditDeskAction(otherOrderId, "cancel", actor, { outcome, iccid });
  refreshPages(otherOrderId);
  return outcome === "cancelled"
    ? { success: `Card ${iccid} cancelled at the provider and refunded.` }
    : {
        success: `The provider is processing the cancellation of card ${iccid}; send this form again later to refund the card.`,
      };
}

export async function resendDeliveryAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const request = await deskRequest(form);
  if (!request.ok) return { error: request.error };
  const { otherOrderId } = request.data;
  if (!(await db().order.findUnique({ where: { otherOrderId }, select: { otherOrderId: true } }))) return NO_ORDER;
  const outcome = await resendDeliveryEmail(otherOrderId);
  await auditDeskAction(otherOrderId, "resend_delivery_email", request.actor, { outcome: outcome.sent ? "sent" : outcome.reason });
  if (outcome.sent) return { success: "The delivery email is on its way." };
  if (outcome.reason === "not_delivered") return { error: "Nothing was delivered on this order yet." };
  return { error: `Sent too often; try again in ${Math.ceil(outcome.retryAfterMs / 60_000)} min.` };
}

/** Voids the guest order's links issued so far (audited with the reason); a resent delivery email gives the customer a fresh one. */
export async function revokeGuestLinksAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const request = await deskRequest(form);
  if (!request.ok) return { error: request.error };
  const { otherOrderId } = request.data;
  if (!(await revokeGuestLinks(otherOrderId, request.actor))) return NO_ORDER;
  refreshPages(otherOrderId);
  return { success: "Every link sent so far is void. Resend the delivery email to give the customer a fresh one." };
}

export async function refreshOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const request = await deskRequest(form);
  if (!request.ok) return { error: request.error };
  const summary = await refreshFromProvider(request.data.otherOrderId, request.actor);
  if (summary === null) return NO_ORDER;
  refreshPages(request.data.otherOrderId);
  return { success: summary };
}

export async function addNoteAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const admin = await requireAdmin("/admin/orders");
  const orderId = RecordId.safeParse(form.get("otherOrderId"));
  const note = textField({ min: 1, max: NOTE_MAX_LENGTH, multiline: true, label: "The note" }).safeParse(form.get("note") ?? undefined);
  if (!orderId.success) return { error: orderId.error.issues[0]?.message ?? "Invalid request." };
  if (!note.success) return { error: note.error.issues[0]?.message ?? "Write a note." };
  if (!(await addOrderNote(orderId.data, note.data, { actorId: admin.id, origin: originFromHeaders(await headers()) }))) return NO_ORDER;
  revalidatePath(`/admin/orders/${orderId.data}`);
  return { success: "Note added." };
}
