/**
 * MeiSIM answers an order with `Status`, `Iccid` and `QrCode` only (the
 * strict dialect). Whatever form the QrCode takes, the eSIM stored and
 * delivered carries the LPA MeiSIM issued; a QrCode that holds none holds
 * the order for review, with the one upstream order kept and no LPA made up.
 */
import { describe, expect, it } from "vitest";
import { OrderStatus, Role } from "@/lib/generated/prisma/client";
import { fulfilPaidOrder, retryFulfilment } from "@/lib/orders/fulfilment";
import { QR_CODE_FORMS } from "@/simulators/meisim/qr-forms";
import { catalogPlan, createCustomer, meisimOrdersTagged, orderWithEsims, paidOrder, providersPerFile } from "../support/providers";

const world = providersPerFile({ PROVIDER_TIMEOUT_MS: "2000" }, "strict");
const MEISIM_JAPAN = { provider: "meisim", planRef: "esim_1gb_7days_jp" } as const;

async function placeWith(form: (typeof QR_CODE_FORMS)[number]) {
  world.meisim.state.qrCodeForm = form;
  const user = await createCustomer(`qr-${form}`);
  const plan = await catalogPlan({ ...MEISIM_JAPAN, priceMinor: 2_000 });
  const { otherOrderId } = await paidOrder(user.id, plan.id);
  await fulfilPaidOrder(otherOrderId);
  return orderWithEsims(otherOrderId);
}

describe("MeiSIM QrCode forms through fulfilment", () => {
  it.each(QR_CODE_FORMS.filter((form) => form !== "garbled"))(
    "delivers the LPA MeiSIM issued when QrCode is %s",
    { timeout: 120_000 },
    async (form) => {
      const order = await placeWith(form);
      expect(order.status).toBe(OrderStatus.FULFILLED);
      const upstream = meisimOrdersTagged(world.meisim, order.otherOrderId);
      expect(upstream).toHaveLength(1);
      const issued = world.meisim.state.esims.get(upstream[0]!.iccid!)!;
      expect(order.esims).toMatchObject([
        { iccid: issued.iccid, lpa: issued.lpa, smdpAddress: issued.smdpAddress, activationCode: issued.matchingId },
      ]);
    },
  );

  it("holds an order whose QrCode holds no LPA: one upstream order, no eSIM with a made-up LPA, an admin's retry places nothing more", async () => {
    const held = await placeWith("garbled");
    expect(held.status).toBe(OrderStatus.NEEDS_REVIEW);
    const upstream = meisimOrdersTagged(world.meisim, held.otherOrderId);
    expect(upstream).toHaveLength(1);
    expect(held.reviewReason).toContain(`placed eSIM ${upstream[0]!.iccid}`);
    expect(held.reviewReason).toMatch(/neither PNG nor JPEG.*do not place it again/);
    expect(held.esims).toEqual([]);

    world.meisim.state.qrCodeForm = "lpa";
    const admin = await createCustomer("qr-admin", Role.ADMIN);
    await retryFulfilment(held.otherOrderId, admin.id);
    const after = await orderWithEsims(held.otherOrderId);
    // The look-up finds the order in the history, but the documented details carry no LPA: still a person's job.
    expect(after.status).toBe(OrderStatus.NEEDS_REVIEW);
    expect(after.esims).toEqual([]);
    expect(meisimOrdersTagged(world.meisim, held.otherOrderId)).toHaveLength(1);
  });
});
