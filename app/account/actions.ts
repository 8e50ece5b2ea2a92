"use server";

import { headers } from "next/headers";
import type { ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { PasswordSchema } from "@/lib/auth/password";
import { changePassword, setFirstPassword, type PasswordChange } from "@/lib/auth/password-change";
import { currentSessionId, requireUser } from "@/lib/auth/session";

const answers: Record<PasswordChange, NonNullable<ActionState>> = {
  changed: { success: "Your password is saved. Every other session of your account was signed out, and we emailed you a notice." },
  wrong_password: { fieldErrors: { current: "That is not your current password." } },
  rate_limited: { error: "Too many wrong passwords. Wait 15 minutes and try again." },
  has_password: { error: "Your account has a password already: reload the page to change it." },
};

/** Sets a first password, or changes the current one when the form sends it. */
export async function savePassword(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account");
  const password = PasswordSchema.safeParse(form.get("password"));
  if (!password.success) return { fieldErrors: { password: password.error.issues[0]!.message } };
  const origin = originFromHeaders(await headers());
  const keep = await currentSessionId();
  const current = form.get("current");
  const outcome = user.passwordHash
    ? await changePassword(user, { current: typeof current === "string" ? current : "", password: password.data }, origin, keep)
    : await setFirstPassword(user, password.data, origin, keep);
  return answers[outcome];
}
