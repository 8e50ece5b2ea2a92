/**
 * The emails sign-in sends. Their links are built from APP_URL, never from
 * request headers. They name no account details: the account may have been
 * registered by someone other than the mailbox's owner, and nothing that
 * person typed (a name, say) should reach the owner's inbox.
 */
import "server-only";
import type { Email } from "./send";

type Message = Omit<Email, "to">;

const escapeHtml = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function signInLinkEmail(url: string): Message {
  return {
    subject: "Your sign-in link",
    text: `Sign in to the eSIM store with this link (valid for 15 minutes):\n\n${url}\n\nIf you did not ask for it, ignore this email.`,
    html: `<p>Sign in to the eSIM store with this link (valid for 15 minutes):</p><p><a href="${escapeHtml(url)}">Sign in</a></p><p>If you did not ask for it, ignore this email.</p>`,
  };
}

export function confirmEmailAddressEmail(url: string): Message {
  const ignore =
    "If you did not create this account, ignore this email: nobody can sign in to it with a password until the address is confirmed.";
  return {
    subject: "Confirm your email address",
    text: `An account at the eSIM store was created with this email address. Confirm the address with this link (valid for 24 hours), then sign in:\n\n${url}\n\n${ignore}`,
    html: `<p>An account at the eSIM store was created with this email address. Confirm the address with this link (valid for 24 hours), then sign in:</p><p><a href="${escapeHtml(url)}">Confirm my email address</a></p><p>${ignore}</p>`,
  };
}
