import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { outboxDir, readOutbox, writeToOutbox } from "@/lib/email/outbox";

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "outbox-test-"));
});
afterEach(async () => {
  vi.useRealTimers();
  await fs.rm(dataDir, { recursive: true, force: true });
});

const message = (n: number) => ({
  from: "Shop <no-reply@shop.test>",
  to: `customer${n}@example.test`,
  subject: `Message ${n}`,
  text: `Body ${n}`,
});

/** Writes messages at known, distinct times: files are ordered by their timestamp. */
async function writeAt(...times: string[]) {
  vi.useFakeTimers({ toFake: ["Date"] });
  const written = [];
  for (const [i, time] of times.entries()) {
    vi.setSystemTime(new Date(time));
    written.push(await writeToOutbox(dataDir, message(i + 1)));
  }
  vi.useRealTimers();
  return written;
}

describe("the demo outbox", () => {
  it("reads back what was written, with an id and the time it was written", async () => {
    const stored = await writeToOutbox(dataDir, { ...message(1), html: "<p>Body 1</p>" });

    expect(stored).toEqual({
      ...message(1),
      html: "<p>Body 1</p>",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: expect.any(String),
    });
    expect(Date.parse(stored.createdAt)).not.toBeNaN();
    expect(await readOutbox(dataDir)).toEqual([stored]);
    expect(await fs.readdir(outboxDir(dataDir))).toEqual([expect.stringMatching(new RegExp(`_${stored.id}\\.json$`))]);
  });

  it("keeps attachments' bytes, and the content id of an inline image, so a reader can open them", async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const pdf = new TextEncoder().encode("%PDF-1.7 test");

    const stored = await writeToOutbox(dataDir, {
      ...message(1),
      attachments: [
        { filename: "qr.png", contentType: "image/png", cid: "qr-1@store", content: png },
        { filename: "esim.pdf", contentType: "application/pdf", content: pdf },
      ],
    });

    const [read] = await readOutbox(dataDir);
    expect(read).toEqual(stored);
    expect(read?.attachments).toEqual([
      { filename: "qr.png", contentType: "image/png", cid: "qr-1@store", contentBase64: expect.any(String) },
      { filename: "esim.pdf", contentType: "application/pdf", contentBase64: expect.any(String) },
    ]);
    expect(Buffer.from(read!.attachments![0]!.contentBase64, "base64")).toEqual(Buffer.from(png));
    expect(Buffer.from(read!.attachments![1]!.contentBase64, "base64").toString()).toBe("%PDF-1.7 test");
  });

  it("lists the newest first, up to the limit", async () => {
    const [first, second, third] = await writeAt("2024-05-01T09:00:00.000Z", "2024-05-01T09:00:00.001Z", "2024-05-02T08:00:00.000Z");

    expect((await readOutbox(dataDir)).map((m) => m.id)).toEqual([third!.id, second!.id, first!.id]);
    expect((await readOutbox(dataDir, 2)).map((m) => m.id)).toEqual([third!.id, second!.id]);
  });

  it("is empty before anything was sent", async () => {
    expect(await readOutbox(dataDir)).toEqual([]);
  });

  it("skips files that are not messages", async () => {
    const [good] = await writeAt("2024-05-01T09:00:00.000Z");
    const dir = outboxDir(dataDir);
    await fs.writeFile(path.join(dir, "2024-05-03T00-00-00-000Z_wrong-shape.json"), JSON.stringify({ to: "someone" }));
    await fs.writeFile(path.join(dir, "notes.txt"), "not a message");

    expect(await readOutbox(dataDir)).toEqual([good]);
  });

  it("skips a message file cut short instead of failing the admin page", async () => {
    const [good] = await writeAt("2024-05-01T09:00:00.000Z");
    // What a crash mid-write leaves, or what the page reads while a message is being written (writeFile is not atomic).
    await fs.writeFile(path.join(outboxDir(dataDir), "2024-05-04T00-00-00-000Z_truncated.json"), '{"id": "x", "subj');

    expect(await readOutbox(dataDir)).toEqual([good]);
  });

  it("keeps one copy of a recorded message however often it is written, and leaves no draft behind", async () => {
    const identity = { id: "cm-recorded-1", createdAt: new Date("2024-05-05T10:00:00.000Z") };

    const first = await writeToOutbox(dataDir, message(1), identity);
    const again = await writeToOutbox(dataDir, { ...message(1), subject: "Written again" }, identity);

    expect(first).toEqual({ ...message(1), id: "cm-recorded-1", createdAt: "2024-05-05T10:00:00.000Z" });
    expect(again.id).toBe(first.id);
    expect(await readOutbox(dataDir)).toEqual([first]);
    expect(await fs.readdir(outboxDir(dataDir))).toEqual(["2024-05-05T10-00-00-000Z_cm-recorded-1.json"]);
  });
});
