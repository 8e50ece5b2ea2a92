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
} from "@/lib/admin/meisim-tools";
import { originFromHeaders } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney, parseMoneyInput } from "@/lib/money";
import { describeProviderFailure } from "@/lib/providers/errors";
import { RecordId, textField } from "@/lib/validation";

const Reason = textField({ max: 300, label: "The reason" }).min(3, { error: "Give a reason (at least 3 characters)." });
/** A pasted list or an uploaded file; the file wins when both are given. */
const MAX_LPA_FILE_BYTES = 4 * 1024 * 1024;

/** The signed-in admin as the actor of a change, with the reason the form gave; or the first problem. */
async function actorFor(returnTo: string, form: FormData): Promise<{ ok: true; actor: AdminActor } | { ok: false; error: string }> {
  const admin = await requireAdmin(returnTo);
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

export async function submitVerificationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const who = await actorFor(`${MEISIM_TOOLS_PATH}/verification`, form);
  if (!who.ok) return { error: who.error };
  const notify = z.union([z.literal(""), z.email()]).safeParse(String(form.get("notifyEmail") ?? "").trim());
  if (!notify.success) return { error: "The notification address is not an email address." };
  const text = await lpaText(form);
  if (!text.ok) return { error: text.error };
  const rows = parseLpaList(text.text);
  if (!rows.ok) return { error: rows.error };
  let batchId: string;
  try {
    batchId = (await submitVerificationBatch({ rows: rows.value, notifyEmail: notify.data || undefined }, who.actor)).id;
  } catch (err) {
    return moneyError(err);
  }
  redirect(`${MEISIM_TOOLS_PATH}/batches/${batchId}`);
}

export async function submitValidatorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const who = await actorFor(`${MEISIM_TOOLS_PATH}/validator`, form);
  if (!who.ok) return { error: who.error };
  const fields = z
    .object({ skuId: textField({ min: 1, max: 100, label: "The SKU" }), label: textField({ max: 100, label: "The label" }) })
    .safeParse({ skuId: form.get("skuId"), label: form.get("label") ?? "" });
  if (!fields.success) return { error: fields.error.issues[0]!.message };
  const text = await lpaText(form);
  if (!text.ok) return { error: text.error };
  const rows = parseLpaList(text.text);
  if (!rows.ok) return { error: rows.error };
  let batchId: string;
  try {
    batchId = (await submitValidatorBatch({ skuId: fields.data.skuId, label: fields.data.label || undefined, rows: rows.value }, who.actor))
      .id;
  } catch (err) {
    return moneyError(err);
  }
  redirect(`${MEISIM_TOOLS_PATH}/batches/${batchId}`);
}

export async function buySupplyAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const who = await actorFor(`${MEISIM_TOOLS_PATH}/supply`, form);
  if (!who.ok) return { error: who.error };
  const fields = z
    .object({
      skuId: textField({ min: 1, max: 100, label: "The SKU" }),
      quantity: z.coerce.number({ error: "Enter a quantity." }).int({ error: "Enter a whole number." }).min(1).max(10_000),
    })
    .safeParse({ skuId: form.get("skuId"), quantity: form.get("quantity") });
  if (!fields.success) return { error: fields.error.issues[0]!.message };
  try {
    const p = await buySupply(fields.data, who.actor);
    revalidatePath(`${MEISIM_TOOLS_PATH}/supply`);
    const cost = formatMoney(p.cost.amountMinor, p.cost.currency);
    return {
      success: p.partial
        ? `Partial fill: ${p.quantityFilled} of ${p.quantityOrdered} eSIMs filled for ${cost}; the shortfall of ${p.quantityOrdered - p.quantityFilled} was credited back to the dealer wallet.`
        : `Filled ${p.quantityFilled} of ${p.quantityOrdered} eSIMs for ${cost}.`,
    };
  } catch (err) {
    return moneyError(err);
  }
}

export async function requestReplacementAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const who = await actorFor(`${MEISIM_TOOLS_PATH}/supply`, form);
  if (!who.ok) return { error: who.error };
  const iccid = z
    .string()
    .trim()
    .regex(/^\d{18,22}F?$/, { error: "An ICCID has 18 to 22 digits." })
    .safeParse(form.get("iccid"));
  if (!iccid.success) return { error: iccid.error.issues[0]!.message };
  try {
    await requestSupplyReplacement(iccid.data, who.actor);
  } catch (err) {
    return moneyError(err);
  }
  revalidatePath(`${MEISIM_TOOLS_PATH}/supply`);
  return { success: "Replacement requested: MeiSIM is checking the eSIM; its decision appears below." };
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
  const who = await actorFor(MEISIM_TOOLS_PATH, form);
  if (!who.ok) return { error: who.error };
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
  const who = await actorFor(`${MEISIM_TOOLS_PATH}/topups`, form);
  if (!who.ok) return { error: who.error };
  const fields = z
    .object({
      networkName: textField({ min: 1, max: 100, label: "The network" }),
      targetKind: z.enum(["phone", "serial"], { error: "Choose a phone number or a SIM serial." }),
      target: textField({ min: 1, max: 40, label: "The number" }),
      faceValue: textField({ min: 1, max: 10, label: "The amount" }),
    })
    .safeParse(Object.fromEntries(["networkName", "targetKind", "target", "faceValue"].map((k) => [k, form.get(k) ?? undefined])));
  if (!fields.success) return { error: fields.error.issues[0]!.message };
  try {
    const r = await adminRecharge(fields.data, who.actor);
    const charged = r.charged ? ` MeiSIM charged ${formatMoney(r.charged.amountMinor, r.charged.currency)}.` : "";
    return { success: `Recharged on ${r.networkName}${r.transactionId ? ` (reference ${r.transactionId})` : ""}.${charged}` };
  } catch (err) {
    if (err instanceof MeisimToolInputError) return { error: err.message };
    return moneyError(err);
  }
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

async function cardAction(
  form: FormData,
  work: (card: { otherOrderId: string; iccid: string }, actor: AdminActor) => Promise<string>,
): Promise<ActionState> {
  const who = await actorFor("/admin/orders", form);
  if (!who.ok) return { error: who.error };
  const card = z
    .object({ otherOrderId: RecordId, iccid: z.string().regex(/^\d{18,22}F?$/, { error: "Choose a card of this order." }) })
    .safeParse({ otherOrderId: form.get("otherOrderId"), iccid: form.get("iccid") });
  if (!card.success) return { error: card.error.issues[0]!.message };
  try {
    const success = await work(card.data, who.actor);
    revalidatePath(`/admin/orders/${card.data.otherOrderId}`);
    return { success };
  } catch (err) {
    if (err instanceof MeisimOrderActionError) return { error: err.message };
    return moneyError(err);
  }
}

export async function resendMeisimEmailAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  await requireAdmin("/admin/orders");
  const email = String(form.get("email") ?? "").trim();
  if (email !== "" && !z.email().safeParse(email).success) return { error: "The other address is not an email address." };
  return cardAction(form, async (card, actor) => {
    const r = await resendMeisimEmail({ ...card, email: email || undefined }, actor);
    const fee = r.fee ? ` The fee was ${formatMoney(r.fee.amountMinor, r.fee.currency)}.` : "";
    return `Activation email resent${r.sentTo ? ` to ${r.sentTo}` : ""}.${fee}`;
  });
}

export async function replaceMeisimCardAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return cardAction(form, async (card, actor) => {
    const r = await replaceMeisimCard(card, actor);
    const total = r.total ? ` for ${formatMoney(r.total.amountMinor, r.total.currency)}` : "";
    return `Replacement issued${r.shortId ? ` (${r.shortId})` : ""}${total}, paid from the dealer wallet.`;
  });
}

export async function revokeMeisimCardAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return cardAction(form, async (card, actor) => {
    await revokeMeisimCard(card, actor);
    return `The eSIM ${card.iccid} was revoked at MeiSIM.`;
  });
}
