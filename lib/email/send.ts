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
  attachments?: EmailAttachment[];
}

/** A file sent with an email. With a `cid`, the HTML shows it inline as `<img src="cid:…">` (mail clients block data: URLs). */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
  cid?: string;
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
  const attachments = email.attachments?.map(({ filename, contentType, content, cid }) => ({
    filename,
    contentType,
    content: Buffer.from(content),
    ...(cid ? { cid, contentDisposition: "inline" as const } : {}),
  }));
  await transport.sendMail({ from: EMAIL_FROM, ...email, attachments, ...(messageId ? { messageId } : {}) });
  log.info("email.smtp", { to: email.to, subject: email.subject, messageId });
}
