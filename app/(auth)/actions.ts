"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { fieldErrors, type ActionState } from "@/components/forms/action-state";
import { originFromHeaders } from "@/lib/audit";
import { signIn, signOut } from "@/lib/auth/auth";
import { safeCallbackPath } from "@/lib/auth/session";
import { EmailSchema, EmailTakenError, registerCustomer, SignUpSchema } from "@/lib/auth/users";


function signInMessage(err: AuthError): string {
  const code = (err as AuthError & { code?: string }).code;
  if (code === "rate_limited") return "Too many sign-in attempts. Wait 15 minutes and try again, or use an email link.";
  return "That email and password don’t match an account.";
}

export async function signInWithPassword(_prev: ActionState, form: FormData): Promise<ActionState> {
  const email = String(form.get("email") ?? "");
  const redirectTo = safeCallbackPath(form.get("callbackUrl"));
  try {
    await signIn("credentials", { email, password: String(form.get("password") ?? ""), redirectTo });
  } catch (err) {
    // A successful sign-in "throws" Next's redirect, which must propagate.
    if (err instanceof AuthError) return { error: signInMessage(err), values: { email } };
    throw err;
  }
  return null;
}

export async function signInWithEmailLink(_prev: ActionState, form: FormData): Promise<ActionState> {
  const parsed = EmailSchema.safeParse(form.get("email"));
  if (!parsed.success) return { fieldErrors: { email: "Enter a valid email address." }, values: { email: String(form.get("email") ?? "") } };
  try {
    await signIn("email", { email: parsed.data, redirectTo: safeCallbackPath(form.get("callbackUrl")) });
  } catch (err) {
    if (err instanceof AuthError) return { error: "We couldn’t send the sign-in link. Try again in a minute.", values: { email: parsed.data } };
    throw err;
  }
  return null;
}

export async function signUp(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? "") };
  const parsed = SignUpSchema.safeParse({ ...values, password: form.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  try {
    await registerCustomer(parsed.data, originFromHeaders(await headers()));
  } catch (err) {
    if (err instanceof EmailTakenError) return { fieldErrors: { email: err.message }, values };
    throw err;
  }
  await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirectTo: safeCallbackPath(form.get("callbackUrl")) });
  return null;
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
