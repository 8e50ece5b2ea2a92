/**
 * With SMTP_URL set, mail goes out through nodemailer, not to the outbox. The
 * SMTP server here is a minimal local peer at the network edge: it speaks
 * just enough of RFC 5321 to accept one message and hands back what it got.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Received {
  from: string;
  to: string[];
  data: string;
}

function startSmtpPeer(): Promise<{ port: number; messages: Received[]; close: () => Promise<void> }> {
  const messages: Received[] = [];
  const server = net.createServer((socket) => {
    let current: Received = { from: "", to: [], data: "" };
    let inData = false;
    let buffer = "";
    socket.write("220 test-smtp ready\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let newline: number;
      while ((newline = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push(current);
            current = { from: "", to: [], data: "" };
            socket.write("250 queued\r\n");
          } else current.data += `${line.replace(/^\./, "")}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250 test-smtp\r\n");
        else if (verb === "MAIL") {
          current.from = line.slice(10).replace(/[<>]/g, "").trim();
          socket.write("250 ok\r\n");
        } else if (verb === "RCPT") {
          current.to.push(line.slice(8).replace(/[<>]/g, "").trim());
          socket.write("250 ok\r\n");
        } else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        messages,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

describe("sending email through SMTP", () => {
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  let dataDir: string;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "smtp-test-"));
    Object.assign(process.env, {
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      EMAIL_FROM: "Store <store@example.test>",
      DATA_DIR: dataDir,
      AUTH_SECRET: "smtp-test-secret-smtp-test-secret-0000",
    });
  });
  afterAll(() => smtp.close());

  it("delivers to the SMTP server and leaves the outbox empty", async () => {
    const { sendEmail } = await import("@/lib/email/send");
    await sendEmail({ to: "traveller@example.test", subject: "Your sign-in link", text: "Open https://store.example/x to sign in." });

    expect(smtp.messages).toHaveLength(1);
    const [message] = smtp.messages;
    expect(message?.from).toBe("store@example.test");
    expect(message?.to).toEqual(["traveller@example.test"]);
    expect(message?.data).toMatch(/^Subject: Your sign-in link$/m);
    expect(message?.data).toContain("Open https://store.example/x to sign in.");
    expect(fs.existsSync(path.join(dataDir, "outbox"))).toBe(false);
  });

  it("sends an inline image as a related part named by its Content-ID, and a file as an attachment", async () => {
    const { sendEmail } = await import("@/lib/email/send");
    await sendEmail({
      to: "traveller@example.test",
      subject: "Your eSIM is ready",
      text: "Scan the QR code.",
      html: '<p><img src="cid:qr-1@store" alt="QR"></p>',
      attachments: [
        { filename: "qr.png", contentType: "image/png", cid: "qr-1@store", content: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]) },
        { filename: "esim.pdf", contentType: "application/pdf", content: new TextEncoder().encode("%PDF-1.7") },
      ],
    });

    const data = smtp.messages.at(-1)!.data;
    expect(data).toMatch(/^Content-Type: multipart\/related/im);
    expect(data).toMatch(/^Content-ID: <qr-1@store>$/im);
    expect(data).toMatch(/^Content-Disposition: inline; filename=qr\.png$/im);
    expect(data).toMatch(/^Content-Disposition: attachment; filename=esim\.pdf$/im);
  });

  it("gives a recorded message the same Message-ID on every send, so a receiver can drop a repeat", async () => {
    const { sendEmail } = await import("@/lib/email/send");
    const identity = { id: "cm-recorded-2", createdAt: new Date() };
    const email = { to: "traveller@example.test", subject: "Your eSIM is ready", text: "It is ready." };

    await sendEmail(email, identity);
    await sendEmail(email, identity);

    const ids = smtp.messages.slice(-2).map((m) => /^Message-ID: (.*)$/im.exec(m.data)?.[1]);
    expect(ids).toEqual(["<cm-recorded-2@localhost>", "<cm-recorded-2@localhost>"]);
  });
});
