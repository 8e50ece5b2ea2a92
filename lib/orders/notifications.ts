/**
 * What customers are told by email about their orders. Each message is keyed
 * by order and event, so a run that repeats (a retried job, a takeover after
 * a crash) sends it once. The email links to the order page, which holds the
 * install details behind the customer's sign-in.
 */
import "server-only";
import { env } from "../config/env";
import { db } from "../db/client";
import { sendEmailLater } from "../email/outgoing";

async function orderForEmail(otherOrderId: string) {
  const order = await db().order.findUniqueOrThrow({
    where: { otherOrderId },
    include: { user: { select: { email: true } }, esims: { select: { iccid: true } } },
  });
  return { order, link: new URL(`/orders/${otherOrderId}`, env().APP_URL).toString() };
}

/** The eSIMs are ready to install (all, or some of them), or a renewal's data was added. */
export async function emailDelivery(otherOrderId: string): Promise<void> {
  const { order, link } = await orderForEmail(otherOrderId);
  const lines = order.renewsIccid
    ? [`The data of ${order.planName} was added to your eSIM ${order.renewsIccid}. There is nothing new to install.`]
    : order.esims.length < order.quantity
      ? [
          `${order.esims.length} of the ${order.quantity} eSIMs you ordered (${order.planName}) are ready to install.`,
          "The network could not supply the rest; our team will refund what was not delivered.",
        ]
      : [`Your eSIM${order.quantity > 1 ? "s" : ""} for ${order.planName} ${order.quantity > 1 ? "are" : "is"} ready to install.`];
  await sendEmailLater(
    "order.delivered",
    {
      to: order.user.email,
      subject: order.renewsIccid ? `Data added to your eSIM: ${order.planName}` : `Your eSIM is ready: ${order.planName}`,
      text: [...lines, "", `Scan the QR code or copy the install details from your order page:`, link, "", `Order ${otherOrderId}`].join(
        "\n",
      ),
    },
    { dedupeKey: `order.delivered:${otherOrderId}` },
  );
}

/** The provider confirmed a cancellation the customer asked for; the refund follows. */
export async function emailCancellation(otherOrderId: string): Promise<void> {
  const { order, link } = await orderForEmail(otherOrderId);
  await sendEmailLater(
    "order.cancelled",
    {
      to: order.user.email,
      subject: `Your eSIM was cancelled: ${order.planName}`,
      text: [
        `The network confirmed the cancellation of ${order.planName}.`,
        `Your refund goes back to your ${order.paymentMethod === "WALLET" ? "wallet" : "card"}; your order page shows where it stands:`,
        link,
        "",
        `Order ${otherOrderId}`,
      ].join("\n"),
    },
    { dedupeKey: `order.cancelled:${otherOrderId}` },
  );
}
