/**
 * What an admin may read of a customer's mail: every link with its secrets
 * taken out. Sign-in, confirmation and reset links carry a token in their
 * query, guest order links a key, and some links a random id in their path
 * (a guest's mobile top-up); any of them would let the admin act as the
 * customer. So every query value, fragment and long random-looking path
 * segment of every link is replaced, in the text and the HTML alike. The
 * stored mail is left whole (tests and the customer's own copy need it).
 */
import "server-only";
import type { OutboxMessage } from "./outbox";

export const REDACTED = "REDACTED";

const LINK = /\bhttps?:\/\/[^\s<>"'`)\]]+/gi;
/** Tokens, keys and cuid-style ids: long runs of URL-safe characters. Words and order references are shorter. */
const SECRET_SEGMENT = /^[A-Za-z0-9_~.%-]{20,}$/;

function redactLink(link: string): string {
  if (!URL.canParse(link)) return REDACTED;
  const url = new URL(link);
  url.pathname = url.pathname
    .split("/")
    .map((segment) => (SECRET_SEGMENT.test(segment) ? REDACTED : segment))
    .join("/");
  // HTML writes & as &amp;, which URL reads as part of the next name: each piece still loses its value.
  for (const name of new Set(url.searchParams.keys())) url.searchParams.set(name, REDACTED);
  if (url.hash) url.hash = REDACTED;
  return url.href;
}

/** `text` (plain or HTML) with every link's secrets replaced. */
export function redactLinks(text: string): string {
  // A sentence's closing punctuation is not part of the link.
  return text.replace(LINK, (found) => {
    const link = found.replace(/[.,;:!?]+$/, "");
    return redactLink(link) + found.slice(link.length);
  });
}

/** The message as the admin Outbox shows it: subject, text and HTML with links redacted. */
export function redactedForAdmin(message: OutboxMessage): OutboxMessage {
  return {
    ...message,
    subject: redactLinks(message.subject),
    text: redactLinks(message.text),
    ...(message.html !== undefined && { html: redactLinks(message.html) }),
  };
}
