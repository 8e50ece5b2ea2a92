/**
 * The emails sign-in sends (templates in ./templates/auth.tsx). Their links
 * are built from APP_URL, never from request headers.
 */
import "server-only";
import { renderEmail } from "./render";
import type { Email } from "./send";
import { ConfirmEmailAddressEmail, SignInLinkEmail } from "./templates/auth";

type Message = Omit<Email, "to">;

export async function signInLinkEmail(url: string): Promise<Message> {
  return { subject: "Your sign-in link", ...(await renderEmail(<SignInLinkEmail url={url} />)) };
}

export async function confirmEmailAddressEmail(url: string): Promise<Message> {
  return { subject: "Confirm your email address", ...(await renderEmail(<ConfirmEmailAddressEmail url={url} />)) };
}
