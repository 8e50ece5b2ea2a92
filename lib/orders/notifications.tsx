/**
 * What customers are told by email about their orders and their money. Each
 * message is keyed by order (or refund) and event, so a run that repeats (a
 * retried job, a takeover after a crash, a webhook delivered twice) sends it
 * once. Links go to the order page: for a guest order, the signed link that
 * opens it without signing in.
 */
import "server-only";
import { reserveAttempt } from "../auth/rate-limit";
import { db } from "../db/client";
import { sendEmailLater } from "../email/outgoing";
import { renderEmail } from "../email/render";
import type { Email, EmailAttachment } from "../email/send";
import { CancellationEmail } from "../email/templates/cancellation";
import { DataAddedEmail, DeliveryEmail, type DeliveredEsimDetails } from "../email/templates/delivery";
import { providerById } from "../providers/registry";
import { ProviderActivationEmail } from "../email/templates/provider-activation";
import { ReceiptEmail } from "../email/templates/receipt";
import { formatDate } from "../format";
import { RefundMethod, RefundStatus } from "../generated/prisma/client";
import { log } from "../log";
import { formatMoney } from "../money";
import { orderAccessUrl } from "./guest-access";
import { installPdf, iosInstallLink, qrCodePng } from "./install";
import { hasDeliveredEsims, isPhysical } from "./lifecycle";

async function orderForEmail(otherOrderId: string) {
  const order = await db().order.findUniqueOrThrow({
    where: { otherOrderId },
    include: {
      user: { select: { email: true } },
      esims: { where: { cancelledAt: null }, orderBy: { otherItemId: "asc" } },
      plan: { select: { dataMb: true, days: true, destination: { select: { name: true } } } },
      _count: { select: { esims: true } },
    },
  });
  return { order, link: orderAccessUrl(order) };
}

type OrderForEmail = Awaited<ReturnType<typeof orderForEmail>>;

/**
 * Records the message `build` makes under `dedupeKey`, unless one was
 * recorded already: callers that repeat (a webhook and the success page, a
 * retried job) then skip building it (PDFs, rendering) as well as sending it.
 */
async function sendOnce(kind: string, dedupeKey: string, build: () => Promise<Email>): Promise<void> {
  if (await db().emailMessage.findUnique({ where: { dedupeKey }, select: { id: true } })) return;
  await sendEmailLater(kind, await build(), { dedupeKey });
}

/**
 * The eSIMs are ready to install (all, or some of them), or a renewal's data
 * was added. Sent once per order, whoever calls it and however often.
 */
export async function emailDelivery(otherOrderId: string): Promise<void> {
  const found = await orderForEmail(otherOrderId);
  // Physical SIM cards have no QR code, LPA or PDF to send: the distribution partner hands them out.
  if (isPhysical(found.order)) return;
  await sendOnce("order.delivered", `order.delivered:${otherOrderId}`, async () => deliveryMessage(found));
}

/** Resends to one order: a customer may lose the email, but not use the store to flood an inbox. */
export const DELIVERY_RESEND_LIMIT = { perOrder: 3, windowMs: 60 * 60_000 } as const;

export type ResendOutcome =
  { sent: true } | { sent: false; reason: "not_delivered" } | { sent: false; reason: "rate_limited"; retryAfterMs: number };

/**
 * The delivery email again, as the customer asked from the order page (the
 * caller has checked that the order is theirs). Each ask that passes the
 * limit is a new message; the eSIMs cancelled since are left out.
 */
export async function resendDeliveryEmail(otherOrderId: string, now = Date.now()): Promise<ResendOutcome> {
  const found = await orderForEmail(otherOrderId);
  if (!hasDeliveredEsims(found.order) || isPhysical(found.order) || (found.order.esims.length === 0 && !found.order.renewsIccid)) {
    return { sent: false, reason: "not_delivered" };
  }
  const { windowMs, perOrder } = DELIVERY_RESEND_LIMIT;
  const reservation = await reserveAttempt([{ key: `order.resend_delivery:${otherOrderId}`, limit: perOrder }], windowMs, now);
  if (!reservation.allowed) return { sent: false, reason: "rate_limited", retryAfterMs: reservation.retryAfterMs };
  try {
    await sendEmailLater("order.delivered.resend", await deliveryMessage(found));
  } catch (err) {
    await reservation.release();
    throw err;
  }
  log.info("delivery email resent", { otherOrderId });
  return { sent: true };
}

async function deliveryMessage({ order, link }: OrderForEmail): Promise<Email> {
  const to = order.user.email;
  if (order.renewsIccid) {
    const rendered = await renderEmail(
      <DataAddedEmail otherOrderId={order.otherOrderId} planName={order.planName} iccid={order.renewsIccid} orderUrl={link} />,
    );
    return { to, subject: `Data added to your eSIM: ${order.planName}`, ...rendered };
  }
  if (order._count.esims === 0) {
    // The provider emails the activation itself (MeiSIM /dealer/order): no QR code or install details to send.
    const rendered = await renderEmail(
      <ProviderActivationEmail
        otherOrderId={order.otherOrderId}
        planName={order.planName}
        providerName={providerById(order.provider).displayName}
        providerShortRef={order.providerShortRef}
        orderUrl={link}
      />,
    );
    return {
      to,
      subject: `Ordered: ${order.planName} (activation by email from ${providerById(order.provider).displayName})`,
      ...rendered,
    };
  }
  const destination = order.plan.destination.name;
  const attachments: EmailAttachment[] = [];
  const esims: DeliveredEsimDetails[] = [];
  // One PDF per eSIM, as the order page offers them: a multi-eSIM order is usually for several travellers, each forwarded their own.
  for (const esim of order.esims) {
    const qrCid = `qr-${esim.iccid}@roamsim`;
    const pdfFilename = `esim-${esim.iccid}.pdf`;
    const pdf = await installPdf(esim, {
      planName: order.planName,
      destination,
      dataMb: order.plan.dataMb,
      days: order.plan.days,
      otherOrderId: order.otherOrderId,
    });
    attachments.push(
      { filename: `qr-${esim.iccid}.png`, contentType: "image/png", cid: qrCid, content: await qrCodePng(esim.lpa) },
      { filename: pdfFilename, contentType: "application/pdf", content: pdf },
    );
    esims.push({
      iccid: esim.iccid,
      lpa: esim.lpa,
      smdpAddress: esim.smdpAddress,
      activationCode: esim.activationCode,
      apn: esim.apn,
      installBefore: esim.activateBefore ? formatDate(esim.activateBefore) : null,
      iosInstallUrl: iosInstallLink(esim.lpa),
      qrCid,
      pdfFilename,
    });
  }
  const rendered = await renderEmail(
    <DeliveryEmail
      otherOrderId={order.otherOrderId}
      planName={order.planName}
      destination={destination}
      orderUrl={link}
      esims={esims}
      undelivered={Math.max(0, order.quantity - order._count.esims)}
    />,
  );
  const subject = esims.length > 1 ? `Your ${esims.length} eSIMs are ready: ${order.planName}` : `Your eSIM is ready: ${order.planName}`;
  return { to, subject, ...rendered, attachments };
}

/** The provider confirmed a cancellation the customer asked for; the refund follows. */
export async function emailCancellation(otherOrderId: string): Promise<void> {
  await sendOnce("order.cancelled", `order.cancelled:${otherOrderId}`, async () => {
    const { order, link } = await orderForEmail(otherOrderId);
    const rendered = await renderEmail(
      <CancellationEmail
        otherOrderId={otherOrderId}
        planName={order.planName}
        refundTo={order.paymentMethod === "WALLET" ? "wallet" : "card"}
        orderUrl={link}
      />,
    );
    return { to: order.user.email, subject: `Your eSIM was cancelled: ${order.planName}`, ...rendered };
  });
}

const itemOf = (order: { planName: string; quantity: number }) => `${order.planName}${order.quantity > 1 ? ` × ${order.quantity}` : ""}`;
const dayOf = (date: Date) => formatDate(date.toISOString());

/**
 * The receipt for an order's payment, by card or from the wallet, once per
 * order. Never throws: the payment stands whatever happens to its receipt.
 */
export async function emailPaymentReceipt(otherOrderId: string): Promise<void> {
  try {
    await sendOnce("receipt.payment", `receipt.payment:${otherOrderId}`, async () => {
      const { order, link } = await orderForEmail(otherOrderId);
      if (!order.paidAt) throw new Error(`Order ${otherOrderId} is not paid`);
      const rendered = await renderEmail(
        <ReceiptEmail
          kind="payment"
          otherOrderId={otherOrderId}
          item={itemOf(order)}
          amount={formatMoney(order.amountMinor, order.currency)}
          method={order.paymentMethod === "WALLET" ? "Wallet" : "Card"}
          date={dayOf(order.paidAt)}
          orderUrl={link}
        />,
      );
      return { to: order.user.email, subject: `Receipt for order ${otherOrderId}`, ...rendered };
    });
  } catch (error) {
    log.error("could not queue the payment receipt", { otherOrderId, error });
  }
}

/**
 * The receipt for a refund that went through, once per refund; nothing for
 * one still on its way. Never throws: the refund stands whatever happens to
 * its receipt.
 */
export async function emailRefundReceipt(refundId: string): Promise<void> {
  try {
    const refund = await db().refund.findUniqueOrThrow({ where: { id: refundId } });
    if (refund.status !== RefundStatus.SUCCEEDED) return;
    await sendOnce("receipt.refund", `receipt.refund:${refundId}`, async () => {
      const { order, link } = await orderForEmail(refund.orderId);
      const rendered = await renderEmail(
        <ReceiptEmail
          kind="refund"
          otherOrderId={order.otherOrderId}
          item={refund.esimIccid ? `${order.planName}, eSIM ${refund.esimIccid}` : itemOf(order)}
          amount={formatMoney(refund.amountMinor, refund.currency)}
          method={refund.method === RefundMethod.WALLET ? "Wallet" : "Card"}
          date={dayOf(refund.updatedAt)}
          orderUrl={link}
        />,
      );
      return { to: order.user.email, subject: `Refund for order ${order.otherOrderId}`, ...rendered };
    });
  } catch (error) {
    log.error("could not queue the refund receipt", { refundId, error });
  }
}
