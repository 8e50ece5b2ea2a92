/**
 * The emails sign-in sends (templates in ./templates/auth.tsx). Their links
 * are built from APP_URL, never from request headers.
 */
import "server-only";
import { env } from "../config/env";
import { renderEmail } from "./render";
import type { Email } from "./send";
import { ConfirmEmailAddressEmail, PasswordChangedEmail, PasswordResetEmail, SignInLinkEmail, SignUpAttemptEmail } from "./templates/auth";

type Message = Omit<Email, "to">;

const pageUrl = (path: string) => new URL(path, env().APP_URL).href;

export async function signInLinkEmail(url: string): Promise<Message> {
  return { subject: "Your sign-in link", ...(await renderEmail(<SignInLinkEmail url={url} />)) };
}

export async function confirmEmailAddressEmail(url: string): Promise<Message> {
  return { subject: "Confirm your email address", ...(await renderEmail(<ConfirmEmailAddressEmail url={url} />)) };
}

/** The links are plain pages, no token: anyone may have caused this email, as often as the sign-up limit allows. */
export async function signUpAttemptEmail(): Promise<Message> {
  return {
    subject: "Someone tried to register with your address",
    ...(await renderEmail(<SignUpAttemptEmail signInUrl={pageUrl("/sign-in")} resetUrl={pageUrl("/forgot-password")} />)),
  };
}

export async function passwordResetEmail(url: string): Promise<Message> {
  return { subject: "Choose a new password", ...(await renderEmail(<PasswordResetEmail url={url} />)) };
}

export async function passwordChangedEmail(): Promise<Message> {
  return { subject: "Your password was changed", ...(await renderEmail(<PasswordChangedEmail resetUrl={pageUrl("/forgot-password")} />)) };
}
