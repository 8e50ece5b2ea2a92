/**
 * The delivery email of a real order: the QR codes inline (decoded back to
 * the LPA strings they carry), the install details in HTML and text, one PDF
 * attached per eSIM, sent once however often it is asked for and however
 * often its job runs; and the customer's resend, rate limited per order.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import jsQR from "jsqr";
import { PDFDocument } from "pdf-lib";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { readOutbox, type OutboxMessage } from "@/lib/email/outbox";
import { EmailStatus } from "@/lib/generated/prisma/client";
import { handlers } from "@/lib/jobs/handlers";
import { formatDate } from "@/lib/format";
import { fulfilPaidOrder } from "@/lib/orders/fulfilment";
import { isOrderAccessKey, orderAccessUrl } from "@/lib/orders/guest-access";
import { iosInstallLink } from "@/lib/orders/install";
import { DELIVERY_RESEND_LIMIT, emailDelivery, resendDeliveryEmail } from "@/lib/orders/notifications";
import { catalogPlan, createCustomer, orderWithEsims, paidOrder, providersPerFile } from "../support/providers";

// Read once by env() on first use, which comes after this line.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "email-delivery-"));
process.env.DATA_DIR = dataDir;
delete process.env.SMTP_URL;
providersPerFile();
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const MEISIM_JAPAN = { provider: "meisim", planRef: "esim_1gb_7days_jp" } as const;
const MIOESIM_JAPAN = { provider: "mioesim", planRef: "26:261" } as const;

const emailJob = (attempt: number) => ({
  id: "job-test",
  name: "email.send" as const,
  attempt,
  retryLimit: 8,
  signal: new AbortController().signal,
});

/** Works every queued message to `to`, as the email.send job would, `times` times over. */
async function workEmailsTo(to: string, times = 1): Promise<OutboxMessage[]> {
  const queued = await db().emailMessage.findMany({ where: { to }, select: { id: true } });
  for (let attempt = 1; attempt <= times; attempt++) {
    for (const { id } of queued) await handlers["email.send"]({ emailId: id }, emailJob(attempt));
  }
  return (await readOutbox(dataDir, 1000)).filter((m) => m.to === to);
}

function decodeQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

const attachment = (message: OutboxMessage, filename: string) => {
  const found = message.attachments?.find((a) => a.filename === filename);
  if (!found) throw new Error(`No attachment ${filename} in "${message.subject}"`);
  return { ...found, bytes: Buffer.from(found.contentBase64, "base64") };
};

async function deliveredOrder(plan: typeof MEISIM_JAPAN | typeof MIOESIM_JAPAN, quantity: number) {
  const user = await createCustomer("delivery");
  const { otherOrderId } = await paidOrder(user.id, (await catalogPlan(plan)).id, quantity);
  // Fulfilment asks for the delivery email as it settles.
  await fulfilPaidOrder(otherOrderId);
  const order = await orderWithEsims(otherOrderId);
  expect(order.esims).toHaveLength(quantity);
  return { user, order };
}

describe("the delivery email", () => {
  it("shows every eSIM's QR code inline, carries its install details and PDF, and is sent once", async () => {
    const { user, order } = await deliveredOrder(MEISIM_JAPAN, 2);
    // Asked again (reconciliation, a retried fulfilment job) and worked twice: still one email.
    await emailDelivery(order.otherOrderId);
    await emailDelivery(order.otherOrderId);
    const sent = await workEmailsTo(user.email, 2);

    expect(sent).toHaveLength(1);
    const [email] = sent as [OutboxMessage];
    expect(email.subject).toBe(`Your 2 eSIMs are ready: ${order.planName}`);
    expect(email.html).toBeDefined();
    expect(email.html).not.toContain("data:image");
    const orderUrl = new URL(`/orders/${order.otherOrderId}`, process.env.APP_URL ?? "http://localhost:3000").href;
    expect(email.text).toContain(orderUrl);
    expect(email.text).toContain("Install on an iPhone");
    expect(email.text).toContain("Install on Android");

    for (const esim of order.esims) {
      const qr = email.attachments?.find((a) => a.cid === `qr-${esim.iccid}@roamsim`);
      expect(qr?.contentType).toBe("image/png");
      expect(email.html).toContain(`src="cid:qr-${esim.iccid}@roamsim"`);
      expect(decodeQr(Buffer.from(qr!.contentBase64, "base64"))).toBe(esim.lpa);

      const pdf = attachment(email, `esim-${esim.iccid}.pdf`);
      expect(pdf.contentType).toBe("application/pdf");
      const document = await PDFDocument.load(pdf.bytes);
      expect(document.getTitle()).toBe(`eSIM ${esim.iccid}`);
      expect(document.getPageCount()).toBe(1);

      // The text part alone is enough to install: LPA, one-tap link, manual fields, APN, deadline.
      for (const detail of [esim.lpa, iosInstallLink(esim.lpa), esim.smdpAddress, esim.activationCode, esim.apn ?? "Set automatically"]) {
        expect(email.text).toContain(detail);
        expect(email.html).toContain(detail.replaceAll("&", "&amp;"));
      }
      if (esim.activateBefore) expect(email.text).toContain(formatDate(esim.activateBefore));
    }
    // Sent: the database keeps neither the body nor the files.
    const row = await db().emailMessage.findUniqueOrThrow({ where: { dedupeKey: `order.delivered:${order.otherOrderId}` } });
    expect(row).toMatchObject({ status: EmailStatus.SENT, attempts: 1, text: null, html: null });
    expect(await db().emailAttachment.count({ where: { emailId: row.id } })).toBe(0);
  });

  it("links a guest's order through its signed link", async () => {
    const { user, order } = await deliveredOrder(MIOESIM_JAPAN, 1);
    await db().emailMessage.deleteMany({ where: { to: user.email } });
    const guestOrder = await db().order.update({ where: { otherOrderId: order.otherOrderId }, data: { guestCheckout: true } });

    await emailDelivery(order.otherOrderId);
    const [email] = await workEmailsTo(user.email);

    expect(email?.subject).toBe(`Your eSIM is ready: ${order.planName}`);
    // A link issued as the email was recorded, that opens the order.
    const link = new RegExp(`${order.otherOrderId}\\?key=([0-9a-z]+\\.[\\w-]{43})`).exec(email?.text ?? "");
    expect(link, "the email carries the order's signed link").not.toBeNull();
    expect(isOrderAccessKey(guestOrder, link![1])).toBe(true);
    expect(email?.text).toContain(orderAccessUrl(guestOrder, link![1]));
    expect(email?.attachments?.map((a) => a.filename).sort()).toEqual([
      `esim-${order.esims[0]!.iccid}.pdf`,
      `qr-${order.esims[0]!.iccid}.png`,
    ]);
  });
});

describe("resending the delivery email", () => {
  it("sends it again up to the limit per order in an hour, then refuses until the hour has moved on", async () => {
    const { user, order } = await deliveredOrder(MIOESIM_JAPAN, 1);
    const hour = DELIVERY_RESEND_LIMIT.windowMs;
    const start = Math.floor(Date.now() / hour) * hour + 1000;

    const outcomes = [];
    for (let i = 0; i <= DELIVERY_RESEND_LIMIT.perOrder; i++) outcomes.push(await resendDeliveryEmail(order.otherOrderId, start + i));
    const refused = outcomes.at(-1);
    // Past the window's boundary, its resends still count while they are less than an hour old.
    const nextWindow = await resendDeliveryEmail(order.otherOrderId, start + hour);
    const retryAt = start + DELIVERY_RESEND_LIMIT.perOrder + (refused && "retryAfterMs" in refused ? refused.retryAfterMs : 0);
    const later = await resendDeliveryEmail(order.otherOrderId, retryAt);

    expect(outcomes.slice(0, DELIVERY_RESEND_LIMIT.perOrder)).toEqual(Array(DELIVERY_RESEND_LIMIT.perOrder).fill({ sent: true }));
    expect(refused).toMatchObject({ sent: false, reason: "rate_limited", retryAfterMs: expect.any(Number) });
    expect(retryAt).toBeGreaterThan(start + hour);
    expect(nextWindow).toMatchObject({ sent: false, reason: "rate_limited" });
    expect(later).toEqual({ sent: true });
    const sent = await workEmailsTo(user.email);
    // The first delivery, three resends, and one when the customer was told to try again; each whole.
    expect(sent).toHaveLength(DELIVERY_RESEND_LIMIT.perOrder + 2);
    for (const email of sent) expect(email.attachments).toHaveLength(2);
  });

  it("sends nothing for an order that delivered no eSIM", async () => {
    const user = await createCustomer("undelivered");
    const { otherOrderId } = await paidOrder(user.id, (await catalogPlan(MIOESIM_JAPAN)).id);

    expect(await resendDeliveryEmail(otherOrderId)).toEqual({ sent: false, reason: "not_delivered" });
    expect(await db().emailMessage.count({ where: { to: user.email } })).toBe(0);
  });
});
