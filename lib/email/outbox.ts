/**
 * Demo-mode mail: instead of SMTP, each message is written as a JSON file in
 * <DATA_DIR>/outbox, where admins read it in the app (and tests read it too).
 */
import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { EmailAttachment } from "./send";

/** An attachment as the outbox keeps it: the bytes in base64, so a test (or an admin) can open the PDF or decode the inline image. */
export const OutboxAttachmentSchema = z.object({
  filename: z.string(),
  contentType: z.string(),
  /** Set for an image the HTML shows inline as `<img src="cid:…">`. */
  cid: z.string().optional(),
  contentBase64: z.string(),
});
export type OutboxAttachment = z.infer<typeof OutboxAttachmentSchema>;

export const OutboxMessageSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
  attachments: z.array(OutboxAttachmentSchema).optional(),
});
export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;

/** What is written: the message with its attachments' bytes as sent. */
export type OutboxDraft = Omit<OutboxMessage, "id" | "createdAt" | "attachments"> & { attachments?: EmailAttachment[] };

export function outboxDir(dataDir: string): string {
  return path.join(dataDir, "outbox");
}

/**
 * Writes one message. With `identity` (a recorded message's id and time) the
 * file name is fixed, and a message already there is left as it is: writing
 * it again (a retried job) adds no second copy.
 */
export async function writeToOutbox(
  dataDir: string,
  { attachments, ...message }: OutboxDraft,
  identity?: { id: string; createdAt: Date },
): Promise<OutboxMessage> {
  const dir = outboxDir(dataDir);
  await fs.mkdir(dir, { recursive: true });
  const createdAt = (identity?.createdAt ?? new Date()).toISOString();
  const stored: OutboxMessage = {
    id: identity?.id ?? randomUUID(),
    createdAt,
    ...message,
    ...(attachments && attachments.length > 0
      ? {
          attachments: attachments.map(({ filename, contentType, cid, content }) => ({
            filename,
            contentType,
            ...(cid ? { cid } : {}),
            contentBase64: Buffer.from(content).toString("base64"),
          })),
        }
      : {}),
  };
  // The timestamp prefix keeps a directory listing in send order.
  const file = path.join(dir, `${createdAt.replace(/[:.]/g, "-")}_${stored.id}.json`);
  // Written aside, then linked into place: the link appears whole or not at all, and fails if the file exists.
  const draft = path.join(dir, `.${stored.id}.${randomUUID()}.tmp`);
  await fs.writeFile(draft, JSON.stringify(stored, null, 2));
  try {
    await fs.link(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    await fs.rm(draft, { force: true });
  }
  return stored;
}

/** Newest first. Files that do not parse are skipped rather than breaking the page. */
export async function readOutbox(dataDir: string, limit = 100): Promise<OutboxMessage[]> {
  const dir = outboxDir(dataDir);
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  names.sort().reverse();
  const messages: OutboxMessage[] = [];
  for (const name of names.slice(0, limit)) {
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(path.join(dir, name), "utf8"));
    } catch {
      continue; // truncated by a crash mid-write, or being written right now
    }
    const parsed = OutboxMessageSchema.safeParse(raw);
    if (parsed.success) messages.push(parsed.data);
  }
  return messages;
}
