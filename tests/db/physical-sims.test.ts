/**
 * Physical SIM orders for the distribution partner, against the strict
 * MIOeSIM simulator (only what the documents say): the admin's order is
 * created once per form, paid by partner invoice, audited with the reason,
 * placed once by the fulfilment run with `dpId` in the signed addEsimOrder
 * request, and its cards carry their distribution status, not install data.
 * A physical package sent without dpId is refused with code -10.
 */
import { randomUUID } from "node:crypto";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PhysicalSimCard } from "@/components/orders/physical-sim";
import { db } from "@/lib/db/client";
import { OrderStatus, PaymentMethod, Role } from "@/lib/generated/prisma/client";
import { fulfilPaidOrder } from "@/lib/orders/fulfilment";
import { isPhysical } from "@/lib/orders/lifecycle";
import { distributionStatusText, PhysicalOrderError, physicalSimPlans, placePhysicalOrder } from "@/lib/orders/physical";
import type { PlaceOrderRequest } from "@/simulators/mioesim";
import { createCustomer, MIOESIM_ORDER_PATH, orderWithEsims, providersPerFile, requestsTo } from "../support/providers";

const world = providersPerFile({ MIOESIM_DP_ID: "DP-TYO-01" }, "strict");
/** The simulator's Japan SIM card, 1 GB / 7 days (skuId 9001, priceId 90011). */
const JAPAN_CARD = "9001:90011";

/** The order requests MIOeSIM accepted (after checking their signature), as it read them. */
function recordOrderRequests(): PlaceOrderRequest[] {
  const seen: PlaceOrderRequest[] = [];
  const { state } = world.mioesim;
  const place = state.placeOrder.bind(state);
  state.placeOrder = (account, request) => {
    seen.push(request);
    return place(account, request);
  };
  return seen;
}

const form = (overrides: Partial<Parameters<typeof placePhysicalOrder>[0]> = {}) => ({
  planRef: JAPAN_CARD,
  quantity: 2,
  customerEmail: "traveller@example.test",
  note: null,
  reason: "Restock for the Tokyo airport counter",
  requestKey: randomUUID(),
  ...overrides,
});

describe("physical SIM orders for the distribution partner", () => {
  it("lists the partner's packages from getDpSupportSkuInfo and getPackages", async () => {
    const { dpId, plans } = await physicalSimPlans();
    expect(dpId).toBe("DP-TYO-01");
    expect(plans.map((p) => p.planRef)).toContain(JAPAN_CARD);
    expect(plans.every((p) => p.destination.providerRef === "9001" || p.destination.providerRef === "9002")).toBe(true);
  });

  it("creates one order per form, then places it once with dpId and records each card's distribution status", async () => {
    const admin = await createCustomer("physical-admin", Role.ADMIN);
    const requests = recordOrderRequests();
    const ordersBefore = requestsTo(world.mioesim, MIOESIM_ORDER_PATH);
    const input = form();

    const first = await placePhysicalOrder(input, { actorId: admin.id });
    const again = await placePhysicalOrder(input, { actorId: admin.id });
    expect(first.created).toBe(true);
    expect(again).toEqual({ otherOrderId: first.otherOrderId, created: false });
    expect(await db().order.count({ where: { requestKey: input.requestKey } })).toBe(1);

    const paid = await db().order.findUniqueOrThrow({ where: { otherOrderId: first.otherOrderId }, include: { notes: true, plan: true } });
    expect(paid).toMatchObject({
      status: OrderStatus.PAID,
      paymentMethod: PaymentMethod.PARTNER_INVOICE,
      dpId: "DP-TYO-01",
      quantity: 2,
      provider: "mioesim",
      planRef: JAPAN_CARD,
      amountMinor: 2 * 549,
    });
    // Off sale: a physical package never reaches the storefront through its catalog row.
    expect(paid.plan).toMatchObject({ active: false, withdrawnByAdmin: true });
    expect(paid.notes[0]?.body).toContain("traveller@example.test");
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: first.otherOrderId, action: "order.physical_created" } });
    expect(audit.actorId).toBe(admin.id);
    expect(audit.details).toMatchObject({ reason: input.reason, dpId: "DP-TYO-01", quantity: 2 });
    expect(await db().orderEvent.count({ where: { orderId: first.otherOrderId, event: "paid", actorId: admin.id } })).toBe(1);

    await fulfilPaidOrder(first.otherOrderId);
    await fulfilPaidOrder(first.otherOrderId);

    expect(requestsTo(world.mioesim, MIOESIM_ORDER_PATH) - ordersBefore).toBe(1);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ skuId: 9001, priceId: 90011, count: 2, dpId: "DP-TYO-01", otherOrderId: first.otherOrderId });
    const delivered = await orderWithEsims(first.otherOrderId);
    expect(delivered.status).toBe(OrderStatus.FULFILLED);
    expect(delivered.esims).toHaveLength(2);
    for (const card of delivered.esims) expect(card).toMatchObject({ dpStatus: "Enable", lpa: "", activationCode: "", pdfUrl: null });
    expect(isPhysical(delivered)).toBe(true);
    // No install email: there is no QR code or LPA to send.
    expect(await db().emailMessage.count({ where: { dedupeKey: `order.delivered:${first.otherOrderId}` } })).toBe(0);
  });

  it("refuses a package the partner does not carry, or too many cards, and creates nothing", async () => {
    const admin = await createCustomer("physical-admin-refused", Role.ADMIN);
    const eSimPackage = form({ planRef: "26:261" });
    await expect(placePhysicalOrder(eSimPackage, { actorId: admin.id })).rejects.toThrow(/not a product of distribution partner DP-TYO-01/);
    const tooMany = form({ quantity: 11 });
    await expect(placePhysicalOrder(tooMany, { actorId: admin.id })).rejects.toBeInstanceOf(PhysicalOrderError);
    expect(await db().order.count({ where: { requestKey: { in: [eSimPackage.requestKey, tooMany.requestKey] } } })).toBe(0);
  });

  it("a physical package placed without dpId is refused with code -10, as a clear failure", async () => {
    const admin = await createCustomer("physical-admin-no-dp", Role.ADMIN);
    const { otherOrderId } = await placePhysicalOrder(form({ quantity: 1 }), { actorId: admin.id });
    // As if the order had lost its partner: the request goes without dpId.
    await db().order.update({ where: { otherOrderId }, data: { dpId: null } });
    const requests = recordOrderRequests();

    await fulfilPaidOrder(otherOrderId);

    expect(requests[0]?.dpId).toBeUndefined();
    const failed = await orderWithEsims(otherOrderId);
    expect(failed.status).toBe(OrderStatus.FULFILMENT_FAILED);
    expect(failed.failureReason).toMatch(/-10/);
    expect(failed.failureReason).toMatch(/dpId/);
    expect(failed.esims).toHaveLength(0);
  });

  it("shows a physical card's distribution status, never a QR code or LPA", async () => {
    const admin = await createCustomer("physical-admin-page", Role.ADMIN);
    const { otherOrderId } = await placePhysicalOrder(form({ quantity: 1 }), { actorId: admin.id });
    await fulfilPaidOrder(otherOrderId);
    const [card] = (await orderWithEsims(otherOrderId)).esims;

    const html = renderToStaticMarkup(createElement(PhysicalSimCard, { esim: card!, usage: null }));

    expect(html).toContain("Distribution status");
    expect(html).toContain(distributionStatusText("Enable"));
    expect(html).not.toMatch(/<img|LPA:|data:image/);
    expect(distributionStatusText(null)).toMatch(/not reported/i);
    expect(distributionStatusText("ACTIVE")).toMatch(/^Active/);
  });
});
