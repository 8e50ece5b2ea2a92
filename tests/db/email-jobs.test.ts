/**
 * Mail through the email.send job: recorded once per dedupe key, sent once
 * however often the job runs, retried while sending fails, and given up
 * after the last attempt. Demo mode writes to the outbox folder, which is
 * what these tests read.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { sendEmailLater, sweepUnsentEmails } from "@/lib/email/outgoing";
import { readOutbox } from "@/lib/email/outbox";
import { EmailStatus } from "@/lib/generated/prisma/client";
import { registerHandlers, startWorker, stopJobs } from "@/lib/jobs";
import { handlers } from "@/lib/jobs/handlers";

// Read once by env() on first use, which comes after this line.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "email-jobs-"));
process.env.DATA_DIR = dataDir;
delete process.env.SMTP_URL;
const outbox = path.join(dataDir, "outbox");

afterAll(async () => {
  await stopJobs({ timeoutMs: 2_000 });
  await db().$disconnect();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let serial = 0;
const uniqueKey = (tag: string) => `test.${tag}:${Date.now().toString(36)}${(serial += 1).toString(36)}`;
const emailJob = (attempt: number, retryLimit = 8) => ({
  id: "job-test",
  name: "email.send" as const,
  attempt,
  retryLimit,
  signal: new AbortController().signal,
});
const jobsFor = (emailId: string) =>
  db().$queryRaw<
    { state: string }[]
  >`SELECT state::text AS state FROM pgboss.job WHERE name = 'email.send' AND singleton_key = ${emailId} ORDER BY created_on`;
const outboxTo = async (to: string) => (await readOutbox(dataDir, 1000)).filter((m) => m.to === to);
const message = (to: string) => ({
  to,
  subject: "Your sign-in link",
  text: "Open https://store.example/x to sign in.",
  html: "<p>Open it</p>",
});

describe("emails sent by the email.send job", () => {
  it("records one message and one job per dedupe key, however often and however concurrently it is asked", async () => {
    const to = `twice-${Date.now()}@mail.test`;
    const key = uniqueKey("twice");

    const ids = await Promise.all(Array.from({ length: 5 }, () => sendEmailLater("test.twice", message(to), { dedupeKey: key })));

    expect(new Set(ids).size).toBe(1);
    expect(await db().emailMessage.count({ where: { dedupeKey: key } })).toBe(1);
    expect(await jobsFor(ids[0]!)).toEqual([{ state: "created" }]);
    // Nothing is sent by asking: the job sends.
    expect(await outboxTo(to)).toEqual([]);
  });

  it("sends once: a retried job finds the message sent, and the body is dropped once it is", async () => {
    const to = `once-${Date.now()}@mail.test`;
    const id = await sendEmailLater("test.once", message(to));

    await handlers["email.send"]({ emailId: id }, emailJob(1));
    await handlers["email.send"]({ emailId: id }, emailJob(2));

    const sent = await outboxTo(to);
    expect(sent).toEqual([
      expect.objectContaining({
        id,
        to,
        subject: "Your sign-in link",
        text: "Open https://store.example/x to sign in.",
        html: "<p>Open it</p>",
      }),
    ]);
    const row = await db().emailMessage.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: EmailStatus.SENT, attempts: 1, text: null, html: null, lastError: null });
    expect(row.sentAt).not.toBeNull();
    expect(sent[0]!.createdAt).toBe(row.createdAt.toISOString());
  });

  it("writes one copy when a worker died after writing but before marking it sent", async () => {
    const to = `crash-${Date.now()}@mail.test`;
    const id = await sendEmailLater("test.crash", message(to));
    await handlers["email.send"]({ emailId: id }, emailJob(1));
    // As if the marking had not committed: the retry sends again.
    await db().emailMessage.update({ where: { id }, data: { status: EmailStatus.QUEUED, ...message(to) } });

    await handlers["email.send"]({ emailId: id }, emailJob(2));

    expect(await outboxTo(to)).toHaveLength(1);
    expect(fs.readdirSync(outbox).filter((name) => name.includes(id))).toHaveLength(1);
  });

  it("records a failed send and lets the job retry it; after the last attempt the message is marked failed and not queued again", async () => {
    const to = `broken-${Date.now()}@mail.test`;
    const retried = await sendEmailLater("test.broken", message(to));
    const givenUp = await sendEmailLater("test.broken", message(to));
    // The outbox cannot be written: a file stands where its folder should be.
    fs.mkdirSync(outbox, { recursive: true });
    fs.renameSync(outbox, `${outbox}.away`);
    fs.writeFileSync(outbox, "not a folder");
    try {
      await expect(handlers["email.send"]({ emailId: retried }, emailJob(1))).rejects.toThrow();
      await expect(handlers["email.send"]({ emailId: givenUp }, emailJob(9))).rejects.toThrow();
    } finally {
      fs.rmSync(outbox);
      fs.renameSync(`${outbox}.away`, outbox);
    }
    expect(await db().emailMessage.findUniqueOrThrow({ where: { id: retried } })).toMatchObject({
      status: EmailStatus.QUEUED,
      attempts: 1,
      lastError: expect.any(String),
    });
    expect(await db().emailMessage.findUniqueOrThrow({ where: { id: givenUp } })).toMatchObject({
      status: EmailStatus.FAILED,
      attempts: 1,
    });

    await handlers["email.send"]({ emailId: retried }, emailJob(2));
    await handlers["email.send"]({ emailId: givenUp }, emailJob(10));

    expect(await db().emailMessage.findUniqueOrThrow({ where: { id: retried } })).toMatchObject({
      status: EmailStatus.SENT,
      attempts: 2,
      lastError: null,
    });
    expect((await outboxTo(to)).map((m) => m.id)).toEqual([retried]);
    await db().$executeRaw`DELETE FROM pgboss.job WHERE name = 'email.send' AND singleton_key IN (${retried}, ${givenUp})`;
    await sweepUnsentEmails(new Date(Date.now() + 120_000));
    expect(await jobsFor(givenUp)).toEqual([]);
  });

  it("queues again a message whose job was lost, once it has waited a minute, and never doubles a waiting job", async () => {
    const id = await sendEmailLater("test.lost", message(`lost-${Date.now()}@mail.test`));
    await db().$executeRaw`DELETE FROM pgboss.job WHERE name = 'email.send' AND singleton_key = ${id}`;

    await sweepUnsentEmails();
    expect(await jobsFor(id)).toEqual([]);
    await sweepUnsentEmails(new Date(Date.now() + 61_000));
    await sweepUnsentEmails(new Date(Date.now() + 62_000));
    expect(await jobsFor(id)).toEqual([{ state: "created" }]);
  });

  it("lands in the outbox through the queue's worker", async () => {
    const to = `queued-${Date.now()}@mail.test`;
    registerHandlers({ "email.send": handlers["email.send"] });
    await startWorker({ instanceName: "email-test" });
    const askedAt = Date.now();
    const id = await sendEmailLater("test.queued", message(to));

    const deadline = Date.now() + 15_000;
    while ((await outboxTo(to)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const latencyMs = Date.now() - askedAt;
    await stopJobs({ timeoutMs: 2_000 });

    expect((await outboxTo(to)).map((m) => m.id)).toEqual([id]);
    expect((await db().emailMessage.findUniqueOrThrow({ where: { id } })).status).toBe(EmailStatus.SENT);
    console.info(JSON.stringify({ check: "email through the queue", latencyMs }));
  });
});
