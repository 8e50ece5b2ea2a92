import "server-only";
import nodemailer from "nodemailer";
import { env } from "../config/env";
import { log } from "../log";
import { writeToOutbox } from "./outbox";

export interface Email {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** A recorded message's identity (EmailMessage id and time), which makes sending it again harmless. */
export interface EmailIdentity {
  id: string;
  createdAt: Date;
}

let transport: nodemailer.Transporter | null = null;

/**
 * Sends now, through SMTP when SMTP_URL is set, otherwise by dropping the
 * message in the local outbox. Most mail goes through `sendEmailLater`
 * (lib/email/outgoing.ts) and the email.send job, which passes the recorded
 * message's identity: the outbox then keeps one copy however often it is
 * sent, and SMTP gets a fixed Message-ID, so a receiver can drop a repeat.
 */
export async function sendEmail(email: Email, identity?: EmailIdentity): Promise<void> {
  const { SMTP_URL, EMAIL_FROM, DATA_DIR, APP_URL } = env();
  if (!SMTP_URL) {
    const stored = await writeToOutbox(DATA_DIR, { from: EMAIL_FROM, ...email }, identity);
    log.info("email.outbox", { to: email.to, subject: email.subject, id: stored.id });
    return;
  }
  transport ??= nodemailer.createTransport(SMTP_URL);
  const messageId = identity ? `<${identity.id}@${new URL(APP_URL).hostname}>` : undefined;
  await transport.sendMail({ from: EMAIL_FROM, ...email, ...(messageId ? { messageId } : {}) });
  log.info("email.smtp", { to: email.to, subject: email.subject, messageId });
}
