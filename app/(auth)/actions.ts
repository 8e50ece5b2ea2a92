"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { PasswordSignInState } from "@/components/auth/auth-forms";
import { fieldErrors, type ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { EmailUnconfirmed, isTooManyEmailLinks, signIn, signOut, TooManyAttempts } from "@/lib/auth/auth";
import { resendEmailConfirmation } from "@/lib/auth/email-verification";
import { RateLimitedError } from "@/lib/auth/rate-limit";
import { safeCallbackPath } from "@/lib/auth/session";
import { EmailSchema, EmailTakenError, registerCustomer, SignUpSchema } from "@/lib/auth/users";

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
    if (err instanceof EmailTakenError) return { fieldErrors: { email: err.message }, values };
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

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
