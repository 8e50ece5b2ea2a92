/**
 * Mail goes out through the email.send job: the message is recorded first
 * (an EmailMessage row), the job sends it, retrying with backoff while SMTP
 * is down, and marks it sent. A request that asks for an email never waits
 * on the mail server.
 *
 *   await sendEmailLater("auth.verify_email", { to, subject, text, html }, { dedupeKey: `auth.verify_email:${userId}:${token}` });
 *
 * Exactly once: the dedupeKey is unique, so asking twice records one
 * message; the row's status is the sent marker a retried job reads first;
 * the outbox keeps one file per message; and SMTP gets a Message-ID fixed
 * per message. The one window left is a crash after the SMTP server took the
 * message and before the row was marked: the retry sends it again with the
 * same Message-ID.
 *
 * Attachments (an order's PDFs, inline QR images) are recorded with the
 * message, so every attempt sends the same files, and are deleted with the
 * body once it is sent.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "../db/client";
import { EmailStatus, Prisma } from "../generated/prisma/client";
import { enqueue } from "../jobs";
import { log } from "../log";
import { sendEmail, type Email } from "./send";

export interface SendLaterOptions {
  /**
   * One message per key: a second call with it sends nothing more (a job
   * that runs twice, a double click). Without one, every call is a message.
   */
  dedupeKey?: string;
}

/**
 * Records the email and queues its sending; returns the EmailMessage id
 * without waiting for the mail server. `kind` says what it is about, for
 * logs and the record (e.g. "order.esim_ready").
 */
export async function sendEmailLater(kind: string, email: Email, options: SendLaterOptions = {}): Promise<string> {
  const dedupeKey = options.dedupeKey ?? `${kind}:${randomUUID()}`;
  const data = emailMessageData(kind, email, dedupeKey);
  let message;
  try {
    message = await db().emailMessage.create({ data });
  } catch (err) {
    if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
    // Asked before: that message stands (queued, sent, or given up).
    message = await db().emailMessage.findUniqueOrThrow({ where: { dedupeKey } });
  }
  if (message.status === EmailStatus.QUEUED) await enqueue("email.send", { emailId: message.id });
  return message.id;
}

/**
 * The EmailMessage row for an email, for a caller that records it in its own
 * transaction (with the record that says it was sent, say) and queues the
 * email.send job after the commit; sweepUnsentEmails queues it if that is lost.
 */
export function emailMessageData(kind: string, email: Email, dedupeKey: string) {
  const attachments = email.attachments?.map(({ filename, contentType, cid, content }, position) => ({
    filename,
    contentType,
    cid: cid ?? null,
    content: Uint8Array.from(content),
    position,
  }));
  return {
    kind,
    dedupeKey,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html ?? null,
    ...(attachments?.length ? { attachments: { create: attachments } } : {}),
  };
}

/**
 * The email.send job: sends a recorded message unless it was sent already.
 * A failure is recorded on the message and thrown for the job's retry; on
 * the last attempt the message is marked FAILED.
 */
export async function sendRecordedEmail(emailId: string, lastAttempt: boolean): Promise<void> {
  const message = await db().emailMessage.findUnique({
    where: { id: emailId },
    include: { attachments: { orderBy: { position: "asc" } } },
  });
  if (!message || message.status !== EmailStatus.QUEUED || message.text === null) return;
  const attachments = message.attachments.map(({ filename, contentType, cid, content }) => ({
    filename,
    contentType,
    content,
    ...(cid ? { cid } : {}),
  }));
  try {
    await sendEmail(
      {
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        ...(attachments.length ? { attachments } : {}),
      },
      message,
    );
  } catch (err) {
    const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    await db().emailMessage.update({
      where: { id: emailId },
      data: { attempts: { increment: 1 }, lastError, ...(lastAttempt ? { status: EmailStatus.FAILED } : {}) },
    });
    if (lastAttempt) log.error("email not sent; giving up", { emailId, kind: message.kind, to: message.to, error: lastError });
    throw err;
  }
  // The body and the files go once it is sent: it may hold a sign-in link, and the database need not keep PDFs.
  await db().$transaction([
    db().emailMessage.updateMany({
      where: { id: emailId, status: EmailStatus.QUEUED },
      data: { status: EmailStatus.SENT, sentAt: new Date(), attempts: { increment: 1 }, lastError: null, text: null, html: null },
    }),
    db().emailAttachment.deleteMany({ where: { emailId } }),
  ]);
}

/**
 * Messages still waiting a minute after they were recorded are queued again:
 * a crash between recording and queueing, or a job lost with its worker. The
 * job is keyed by message, so one already waiting is not doubled.
 */
export async function sweepUnsentEmails(now = new Date()): Promise<number> {
  const waiting = await db().emailMessage.findMany({
    where: { status: EmailStatus.QUEUED, createdAt: { lt: new Date(now.getTime() - 60_000) } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  let queued = 0;
  for (const { id } of waiting) if (await enqueue("email.send", { emailId: id })) queued++;
  if (queued > 0) log.info("unsent emails queued again", { found: waiting.length, queued });
  return queued;
}
