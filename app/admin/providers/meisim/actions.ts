"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import {
  adminRecharge,
  buySupply,
  dealerJwtLogin,
  dealerTopupPreview,
  MEISIM_TOOLS_PATH,
  MeisimOrderActionError,
  MeisimToolInputError,
  parseLpaList,
  replaceMeisimCard,
  requestSupplyReplacement,
  resendMeisimEmail,
  revokeMeisimCard,
  sendDealerOtp,
  startDealerTopup,
  submitValidatorBatch,
  submitVerificationBatch,
  verifyDealerOtp,
  type AdminActor,
  type LpaRow,
} from "@/lib/admin/meisim-tools";
import { onceForRequest } from "@/lib/admin/request-once";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { requireAdminStepUp } from "@/lib/auth/step-up";
import { formatMoney, parseMoneyInput } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";
import { RecordId, textField } from "@/lib/validation";

const Reason = textField({ max: 300, label: "The reason" }).min(3, { error: "Give a reason (at least 3 characters)." });
/** A pasted list or an uploaded file; the file wins when both are given. */
const MAX_LPA_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The signed-in admin as the actor of a change, with the reason the form
 * gave; or the first problem. Every tool that spends the dealer's money or
 * submits a batch passes `stepUp`, and then needs a recent step-up.
 */
async function actorFor(
  returnTo: string,
  form: FormData,
  { stepUp = false } = {},
): Promise<{ ok: true; actor: AdminActor } | { ok: false; error: string; answer?: ActionState }> {
  let admin;
  if (stepUp) {
    const check = await requireAdminStepUp(returnTo, form);
    if (!check.ok) return { ok: false, error: check.answer.error, answer: check.answer };
    admin = check.admin;
  } else admin = await requireAdmin(returnTo);
  const reason = Reason.safeParse(form.get("reason"));
  if (!reason.success) return { ok: false, error: reason.error.issues[0]!.message };
  return { ok: true, actor: { actorId: admin.id, reason: reason.data, origin: originFromHeaders(await headers()) } };
}

async function lpaText(form: FormData): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  const file = form.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_LPA_FILE_BYTES) return { ok: false, error: "The file is larger than 4 MB; split it into several batches." };
    return { ok: true, text: await file.text() };
  }
  return { ok: true, text: String(form.get("lpas") ?? "") };
}

const moneyError = (err: unknown) => ({ error: describeProviderFailure(err) });

type Read<T> = { ok: true; value: T } | { ok: false; error: string };

function fieldsOf<S extends z.ZodType>(schema: S, form: FormData, names: string[]): Read<z.output<S>> {
  const parsed = schema.safeParse(Object.fromEntries(names.map((k) => [k, form.get(k) ?? undefined])));
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: parsed.error.issues[0]!.message };
}

async function lpaRows(form: FormData): Promise<Read<LpaRow[]>> {
  const text = await lpaText(form);
  return text.ok ? parseLpaList(text.text) : text;
}

/**
 * What every audited tool submit shares: the admin and the reason, the
 * form's own fields, the call, and a failure as a message (never a 5xx).
 * `work` answers with a message, or with a page to go to.
 */
async function toolSubmit<T>(
  path: string,
  form: FormData,
  read: (form: FormData) => Read<T> | Promise<Read<T>>,
  work: (input: T, actor: AdminActor) => Promise<ActionState | { redirectTo: string }>,
  options: { stepUp?: boolean } = {},
): Promise<ActionState> {
  const who = await actorFor(path, form, options);
  if (!who.ok) return who.answer ?? { error: who.error };
  const input = await read(form);
  if (!input.ok) return { error: input.error };
  let outcome: ActionState | { redirectTo: string };
  try {
    outcome = await work(input.value, who.actor);
  } catch (err) {
    if (err instanceof MeisimOrderActionError || err instanceof MeisimToolInputError) return { error: err.message };
    return moneyError(err);
  }
  if (outcome && "redirectTo" in outcome) redirect(outcome.redirectTo);
  return outcome;
}

const batchPage = (batch: { id: string }) => ({ redirectTo: `${MEISIM_TOOLS_PATH}/batches/${batch.id}` });
const SkuId = textField({ min: 1, max: 100, label: "The SKU" });

export async function submitVerificationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return toolSubmit(
    `${MEISIM_TOOLS_PATH}/verification`,
    form,
    async (f): Promise<Read<{ rows: LpaRow[]; notifyEmail?: string }>> => {
      const notify = z.union([z.literal(""), z.email()]).safeParse(String(f.get("notifyEmail") ?? "").trim());
      if (!notify.success) return { ok: false, error: "The notification address is not an email address." };
      const rows = await lpaRows(f);
      return rows.ok ? { ok: true, value: { rows: rows.value, notifyEmail: notify.data || undefined } } : rows;
    },
    async (input, actor) => batchPage(await submitVerificationBatch(input, actor)),
    { stepUp: true },
  );
}

export async function submitValidatorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return toolSubmit(
    `${MEISIM_TOOLS_PATH}/validator`,
    form,
    async (f): Promise<Read<{ skuId: string; label?: string; rows: LpaRow[] }>> => {
      const fields = fieldsOf(z.object({ skuId: SkuId, label: textField({ max: 100, label: "The label" }) }), f, ["skuId", "label"]);
      if (!fields.ok) return fields;
      const rows = await lpaRows(f);
      return rows.ok ? { ok: true, value: { skuId: fields.value.skuId, label: fields.value.label || undefined, rows: rows.value } } : rows;
    },
    async (input, actor) => batchPage(await submitValidatorBatch(input, actor)),
    { stepUp: true },
  );
}

export async function buySupplyAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const Quantity = z.coerce.number({ error: "Enter a quantity." }).int({ error: "Enter a whole number." }).min(1).max(10_000);
  return toolSubmit(
    `${MEISIM_TOOLS_PATH}/supply`,
    form,
    (f) => fieldsOf(z.object({ skuId: SkuId, quantity: Quantity }), f, ["skuId", "quantity"]),
    async (input, actor) => {
      const p = await buySupply(input, actor);
      revalidatePath(`${MEISIM_TOOLS_PATH}/supply`);
      const cost = formatMoney(p.cost.amountMinor, p.cost.currency);
      return {
        success: p.partial
          ? `Partial fill: ${p.quantityFilled} of ${p.quantityOrdered} eSIMs filled for ${cost}; the shortfall of ${p.quantityOrdered - p.quantityFilled} was credited back to the dealer wallet.`
          : `Filled ${p.quantityFilled} of ${p.quantityOrdered} eSIMs for ${cost}.`,
      };
    },
    { stepUp: true },
  );
}

const Iccid = z
  .string({ error: "An ICCID has 18 to 22 digits." })
  .trim()
  .regex(/^\d{18,22}F?$/, { error: "An ICCID has 18 to 22 digits." });

export async function requestReplacementAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return toolSubmit(
    `${MEISIM_TOOLS_PATH}/supply`,
    form,
    (f) => fieldsOf(z.object({ iccid: Iccid }), f, ["iccid"]),
    async ({ iccid }, actor) => {
      await requestSupplyReplacement(iccid, actor);
      revalidatePath(`${MEISIM_TOOLS_PATH}/supply`);
      return { success: "Replacement requested: MeiSIM is checking the eSIM; its decision appears below." };
    },
  );
}

const TOPUP_RANGE = "MeiSIM top-ups are $50 to $10,000.";
const topupAmount = (form: FormData) => {
  const amount = parseMoneyInput(String(form.get("amount") ?? ""), "USD");
  return amount === null || amount < 50_00 || amount > 10_000_00 ? null : amount;
};

export async function previewDealerTopupAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  await requireAdmin(MEISIM_TOOLS_PATH);
  const amount = topupAmount(form);
  if (amount === null) return { error: TOPUP_RANGE };
  try {
    const fee = await dealerTopupPreview(amount);
    return {
      success: `The wallet gets ${formatMoney(fee.net.amountMinor, "USD")}; Stripe's fee is ${formatMoney(fee.fee.amountMinor, "USD")}, so the card pays ${formatMoney(fee.gross.amountMinor, "USD")}.`,
      values: { amount: String(form.get("amount")) },
    };
  } catch (err) {
    return moneyError(err);
  }
}

export async function dealerTopupAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const who = await actorFor(MEISIM_TOOLS_PATH, form, { stepUp: true });
  if (!who.ok) return who.answer ?? { error: who.error };
  const amount = topupAmount(form);
  if (amount === null) return { error: TOPUP_RANGE };
  let url: string;
  try {
    url = (await startDealerTopup(amount, who.actor)).checkoutUrl;
  } catch (err) {
    return moneyError(err);
  }
  redirect(url);
}

export async function adminRechargeAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const Recharge = z.object({
    networkName: textField({ min: 1, max: 100, label: "The network" }),
    targetKind: z.enum(["phone", "serial"], { error: "Choose a phone number or a SIM serial." }),
    target: textField({ min: 1, max: 40, label: "The number" }),
    faceValue: textField({ min: 1, max: 10, label: "The amount" }),
  });
  return toolSubmit(
    `${MEISIM_TOOLS_PATH}/topups`,
    form,
    (f) => fieldsOf(Recharge, f, Object.keys(Recharge.shape)),
    async (input, actor) => {
      const r = await adminRecharge(input, actor);
      const charged = r.charged ? ` MeiSIM charged ${formatMoney(r.charged.amountMinor, r.charged.currency)}.` : "";
      return { success: `Recharged on ${r.networkName}${r.transactionId ? ` (reference ${r.transactionId})` : ""}.${charged}` };
    },
    { stepUp: true },
  );
}

export async function sendDealerOtpAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  await requireAdmin(`${MEISIM_TOOLS_PATH}/account`);
  const email = z.email().safeParse(form.get("email"));
  if (!email.success) return { error: "Enter the dealer email address." };
  try {
    await sendDealerOtp(email.data);
  } catch (err) {
    return { ...moneyError(err), values: { email: email.data } };
  }
  return { success: "Code sent. Enter it below within 5 minutes.", values: { email: email.data } };
}

export async function verifyDealerOtpAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const who = await actorFor(`${MEISIM_TOOLS_PATH}/account`, form);
  if (!who.ok) return { error: who.error };
  const parsed = z
    .object({
      email: z.email({ error: "Enter the dealer email address." }),
      code: z.string().regex(/^\d{6}$/, { error: "The code has 6 digits." }),
    })
    .safeParse({ email: form.get("email"), code: form.get("code") });
  if (!parsed.success) return { error: parsed.error.issues[0]!.message };
  try {
    const { apiKey } = await verifyDealerOtp(parsed.data, who.actor);
    return { success: `New dealer key (shown only this once; it is stored encrypted): ${apiKey}` };
  } catch (err) {
    return { ...moneyError(err), values: { email: parsed.data.email } };
  }
}

export async function dealerJwtLoginAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const who = await actorFor(`${MEISIM_TOOLS_PATH}/account`, form);
  if (!who.ok) return { error: who.error };
  const parsed = z
    .object({
      email: z.email({ error: "Enter the dealer email address." }),
      password: z.string().min(8, { error: "The password has at least 8 characters." }),
    })
    .safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { error: parsed.error.issues[0]!.message };
  try {
    const login = await dealerJwtLogin(parsed.data, who.actor);
    return { success: `Signed in: the JWT is valid until ${new Date(login.expiresAt).toISOString().slice(0, 16).replace("T", " ")} UTC.` };
  } catch (err) {
    return moneyError(err);
  }
}

// ── On a MeiSIM order (rendered by the order desk through MeisimOrderActions) ──

/**
 * One card of a MeiSIM order. Resend-email and replace are paid from the
 * dealer wallet and revoke cannot be undone, so the form's request key makes
 * a second submit of the same rendering do nothing.
 */
async function cardAction<T extends z.ZodRawShape>(
  action: string,
  form: FormData,
  extra: T,
  work: (card: { otherOrderId: string; iccid: string } & z.infer<z.ZodObject<T>>, actor: AdminActor) => Promise<string>,
): Promise<ActionState> {
  const shape = { otherOrderId: RecordId, iccid: Iccid, requestKey: z.uuid({ error: "Reload the page and try again." }), ...extra };
  return toolSubmit(
    "/admin/orders",
    form,
    (f) => fieldsOf(z.object(shape), f, Object.keys(shape)),
    async (input, actor) => {
      const { requestKey, otherOrderId } = input as { requestKey: string; otherOrderId: string };
      const once = await onceForRequest({ key: requestKey, action, actorId: actor.actorId }, () =>
        work(input as Parameters<typeof work>[0], actor),
      );
      revalidatePath(`/admin/orders/${otherOrderId}`);
      return { success: once.first ? once.value : "Already done: this form was sent before." };
    },
  );
}

const OtherEmail = z.union([z.literal(""), z.email({ error: "The other address is not an email address." })]).default("");

export async function resendMeisimEmailAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return cardAction("meisim.order.resend-email", form, { email: OtherEmail }, async ({ email, ...card }, actor) => {
    const r = await resendMeisimEmail({ ...card, email: email || undefined }, actor);
    const fee = r.fee ? ` The fee was ${formatMoney(r.fee.amountMinor, r.fee.currency)}.` : "";
    return `Activation email resent${r.sentTo ? ` to ${r.sentTo}` : ""}.${fee}`;
  });
}

export async function replaceMeisimCardAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return cardAction("meisim.order.replace", form, {}, async (card, actor) => {
    const r = await replaceMeisimCard(card, actor);
    const total = r.total ? ` for ${formatMoney(r.total.amountMinor, r.total.currency)}` : "";
    return `Replacement issued${r.shortId ? ` (${r.shortId})` : ""}${total}, paid from the dealer wallet.`;
  });
}

export async function revokeMeisimCardAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return cardAction("meisim.order.revoke", form, {}, async (card, actor) => {
    await revokeMeisimCard(card, actor);
    return `The eSIM ${card.iccid} was revoked at MeiSIM.`;
  });
}
