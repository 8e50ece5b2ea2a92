"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import { onceForRequest } from "@/lib/admin/request-once";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { describeProviderFailure } from "@/lib/providers/errors";
import { recordUpstreamRecharge, TopupDeskError } from "@/lib/topup/desk";
import { refundTopup } from "@/lib/topup/refund";
import { RecordId, textField } from "@/lib/validation";

const Reason = textField({ max: 300, label: "The reason" }).min(3, { error: "Give a reason (at least 3 characters)." });
const RequestKey = z.uuid({ error: "This form has expired. Reload the page and try again." });

/**
 * Every top-up desk action: the admin first, then the form (its top-up, the
 * reason, the rendering's one-time key and the action's own fields), then
 * the work once per rendering, so a double click or a resent form does it once.
 */
async function deskSubmit<T extends z.ZodRawShape>(
  action: string,
  form: FormData,
  extra: T,
  work: (input: { topupId: string; reason: string } & z.infer<z.ZodObject<T>>, actor: { actorId: string }) => Promise<string>,
): Promise<ActionState> {
  const admin = await requireAdmin("/admin/topups");
  const shape = { topupId: RecordId, reason: Reason, requestKey: RequestKey, ...extra };
  const parsed = z.object(shape).safeParse(Object.fromEntries(Object.keys(shape).map((k) => [k, form.get(k) ?? undefined])));
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid request." };
  const input = parsed.data as { topupId: string; reason: string; requestKey: string } & z.infer<z.ZodObject<T>>;
  let once;
  try {
    once = await onceForRequest({ key: input.requestKey, action, actorId: admin.id }, () => work(input, { actorId: admin.id }));
  } catch (err) {
    return { error: err instanceof TopupDeskError ? err.message : describeProviderFailure(err) };
  }
  revalidatePath(`/admin/topups/${input.topupId}`);
  revalidatePath("/admin/topups");
  return { success: once.first ? once.value : "Already done: this form was sent before." };
}

/** Gives the money back where it came from (wallet credit, or a Stripe refund retried until Stripe confirms it). */
export async function refundTopupAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return deskSubmit("mobile_topup.desk.refund", form, {}, async ({ topupId, reason }, { actorId }) => {
    if (!(await refundTopup(topupId, reason, actorId)))
      throw new TopupDeskError("This top-up cannot be refunded in its current state. Reload the page.");
    return "Refund started: wallet credit is immediate, a card refund follows once Stripe confirms it.";
  });
}

/** Out of review: MeiSIM's history shows this top-up's recharge under `historyId`. */
export async function recordRechargeAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const origin = originFromHeaders(await headers());
  return deskSubmit(
    "mobile_topup.desk.record_recharge",
    form,
    { historyId: textField({ min: 1, max: 100, label: "MeiSIM's order id" }) },
    async ({ topupId, reason, historyId }, { actorId }) => {
      const outcome = await recordUpstreamRecharge(topupId, historyId, { actorId, reason, origin });
      return outcome === "recorded" ? `Recorded as recharged at MeiSIM (${historyId}).` : "Already recorded as recharged.";
    },
  );
}
