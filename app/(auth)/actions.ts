"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { PasswordSignInState } from "@/components/auth/auth-forms";
import { fieldErrors, type ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { EmailUnconfirmed, isTooManyEmailLinks, signIn, signOut, TooManyAttempts } from "@/lib/auth/auth";
import { confirmEmail, resendEmailConfirmation } from "@/lib/auth/email-verification";
import { PasswordSchema } from "@/lib/auth/password";
import { requestPasswordReset, resetPassword } from "@/lib/auth/password-reset";
import { RateLimitedError } from "@/lib/auth/rate-limit";
import { currentSessionId, safeCallbackPath } from "@/lib/auth/session";
import { EmailSchema, registerCustomer, SignUpSchema } from "@/lib/auth/users";

function signInMessage(err: AuthError): string {
  if (err instanceof TooManyAttempts) return "Too many sign-in attempts from here. Wait a few minutes and try again, or use an email link.";
  if (err instanceof EmailUnconfirmed) return "Confirm your email address first: follow the link we emailed you when you signed up.";
  return "That email and password don’t match an account.";
}

export async function signInWithPassword(_prev: PasswordSignInState, form: FormData): Promise<PasswordSignInState> {
  const email = String(form.get("email") ?? "");
  const redirectTo = safeCallbackPath(form.get("callbackUrl"));
  try {
    await signIn("credentials", { email, password: String(form.get("password") ?? ""), redirectTo });
  } catch (err) {
    // A successful sign-in "throws" Next's redirect, which must propagate.
    if (!(err instanceof AuthError)) throw err;
    const unconfirmedEmail = err instanceof EmailUnconfirmed ? EmailSchema.parse(email) : undefined;
    return { error: signInMessage(err), values: { email }, unconfirmedEmail };
  }
  return null;
}

export async function signInWithEmailLink(_prev: ActionState, form: FormData): Promise<ActionState> {
  const parsed = EmailSchema.safeParse(form.get("email"));
  if (!parsed.success)
    return { fieldErrors: { email: "Enter a valid email address." }, values: { email: String(form.get("email") ?? "") } };
  try {
    await signIn("email", { email: parsed.data, redirectTo: safeCallbackPath(form.get("callbackUrl")) });
  } catch (err) {
    if (isTooManyEmailLinks(err))
      return { error: "Too many sign-in links asked for. Wait 15 minutes and try again.", values: { email: parsed.data } };
    if (err instanceof AuthError)
      return { error: "We couldn’t send the sign-in link. Try again in a minute.", values: { email: parsed.data } };
    throw err;
  }
  return null;
}

export async function signUp(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? "") };
  const parsed = SignUpSchema.safeParse({ ...values, password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  const callbackUrl = safeCallbackPath(form.get("callbackUrl"));
  try {
    await registerCustomer(parsed.data, originFromHeaders(await headers()), callbackUrl);
  } catch (err) {
    if (err instanceof RateLimitedError) return { error: "Too many sign-ups from here or for this email. Try again in an hour.", values };
    throw err;
  }
  redirect(`/sign-up/check-email?${new URLSearchParams({ email: parsed.data.email, callbackUrl })}`);
}

export async function resendConfirmation(_prev: ActionState, form: FormData): Promise<ActionState> {
  const email = EmailSchema.safeParse(form.get("email"));
  if (!email.success) return { error: "Enter a valid email address." };
  const outcome = await resendEmailConfirmation(email.data, originFromHeaders(await headers()), safeCallbackPath(form.get("callbackUrl")));
  if (outcome === "rate_limited") return { error: "Too many links asked for. Wait 15 minutes and try again." };
  return { success: `If ${email.data} still needs confirming, a new link is on its way.` };
}

/** The confirmation page's button: only this post, never fetching the emailed link, confirms the address. */
export async function confirmEmailAddress(form: FormData): Promise<void> {
  const email = EmailSchema.safeParse(form.get("email"));
  const token = form.get("token");
  const callbackUrl = safeCallbackPath(form.get("callbackUrl"));
  const confirmed =
    email.success &&
    typeof token === "string" &&
    token !== "" &&
    (await confirmEmail(email.data, token, originFromHeaders(await headers())));
  redirect(
    `/sign-in?${new URLSearchParams(confirmed ? { confirmed: email.data, callbackUrl } : { error: "EmailConfirmation", callbackUrl })}`,
  );
}

export async function askForPasswordReset(_prev: ActionState, form: FormData): Promise<ActionState> {
  const email = EmailSchema.safeParse(form.get("email"));
  if (!email.success) return { fieldErrors: { email: "Enter a valid email address." }, values: { email: String(form.get("email") ?? "") } };
  const outcome = await requestPasswordReset(email.data, originFromHeaders(await headers()));
  if (outcome === "rate_limited")
    return { error: "Too many reset links asked for. Wait 15 minutes and try again.", values: { email: email.data } };
  return {
    success: `If ${email.data} has an account, a link to choose a new password is on its way. It works once, for 30 minutes.`,
  };
}

export async function resetPasswordWithLink(_prev: ActionState, form: FormData): Promise<ActionState> {
  const email = EmailSchema.safeParse(form.get("email"));
  const token = form.get("token");
  const password = PasswordSchema.safeParse(form.get("password"));
  if (!password.success) return { fieldErrors: { password: password.error.issues[0]!.message } };
  const reset =
    email.success &&
    typeof token === "string" &&
    token !== "" &&
    (await resetPassword(
      { email: email.data, token, password: password.data },
      originFromHeaders(await headers()),
      await currentSessionId(),
    ));
  if (!reset) return { error: "This link has expired or was already used. Ask for a new one." };
  redirect(`/sign-in?${new URLSearchParams({ passwordReset: email.data })}`);
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
