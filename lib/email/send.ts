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

let transport: nodemailer.Transporter | null = null;

/** Sends through SMTP when SMTP_URL is set, otherwise drops the message in the local outbox. */
export async function sendEmail(email: Email): Promise<void> {
  const { SMTP_URL, EMAIL_FROM, DATA_DIR } = env();
  if (!SMTP_URL) {
    const stored = await writeToOutbox(DATA_DIR, { from: EMAIL_FROM, ...email });
    log.info("email.outbox", { to: email.to, subject: email.subject, id: stored.id });
    return;
  }
  transport ??= nodemailer.createTransport(SMTP_URL);
  await transport.sendMail({ from: EMAIL_FROM, ...email });
  log.info("email.smtp", { to: email.to, subject: email.subject });
}
