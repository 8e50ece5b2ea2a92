"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/components/forms/action-state";
import type { TotpConfirmState } from "@/components/admin/totp-confirm-form";
import { originFromHeaders } from "@/lib/audit";
import { ADMIN_SECURITY_PATH, requireAdminSession, totpRequiredForAdmins } from "@/lib/auth/session";
import { requireAdminStepUp } from "@/lib/auth/step-up";
import { confirmTotpEnrolment, removeTotp, setAdminTotpRequired, startTotpEnrolment, totpEnabled } from "@/lib/auth/totp";

/**
 * Starts (or restarts) setting up TOTP. Behind a step-up: someone holding only
 * a stolen session must not tie the account to their own phone.
 */
export async function startTotpEnrolmentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const stepUp = await requireAdminStepUp(ADMIN_SECURITY_PATH, form);
  if (!stepUp.ok) return stepUp.answer;
  const started = await startTotpEnrolment(stepUp.admin);
  if (!started) return { error: "Two-step sign-in is already on." };
  revalidatePath(ADMIN_SECURITY_PATH);
  return { success: "Scan the QR code with your authenticator app, then enter the code it shows." };
}

export async function confirmTotpEnrolmentAction(_prev: TotpConfirmState, form: FormData): Promise<TotpConfirmState> {
  const { user, session } = await requireAdminSession(ADMIN_SECURITY_PATH);
  const code = z
    .string()
    .trim()
    .regex(/^\d{6}$/)
    .safeParse(form.get("code"));
  if (!code.success) return { error: "Enter the 6-digit code the app shows." };
  const result = await confirmTotpEnrolment(user.id, code.data, session.sessionToken, originFromHeaders(await headers()));
  if (!result.ok) return { error: result.error };
  return { recoveryCodes: result.recoveryCodes };
}

export async function removeTotpAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const stepUp = await requireAdminStepUp(ADMIN_SECURITY_PATH, form);
  if (!stepUp.ok) return stepUp.answer;
  if (await totpRequiredForAdmins()) return { error: "The store requires two-step sign-in for admins: it cannot be turned off." };
  await removeTotp(stepUp.admin.id, stepUp.origin);
  revalidatePath(ADMIN_SECURITY_PATH);
  return { success: "Two-step sign-in is off." };
}

/** Makes TOTP required for every admin, or optional again; either way behind a step-up. */
export async function setTotpRequiredAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const stepUp = await requireAdminStepUp(ADMIN_SECURITY_PATH, form);
  if (!stepUp.ok) return stepUp.answer;
  const required = form.get("required") === "true";
  // Whoever requires it has it, so the setting never shuts out the admin who set it.
  if (required && !(await totpEnabled(stepUp.admin.id))) return { error: "Turn on two-step sign-in for yourself first." };
  await setAdminTotpRequired(required, stepUp.admin.id, stepUp.origin);
  revalidatePath(ADMIN_SECURITY_PATH);
  return { success: required ? "Every admin now needs two-step sign-in." : "Two-step sign-in is now optional for admins." };
}
