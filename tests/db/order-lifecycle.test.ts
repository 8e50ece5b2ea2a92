/**
 * The order lifecycle's transition table, checked exhaustively: from every
 * state, every event either applies (moving to its target, with a timeline
 * row and an audit entry) or is refused and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { OrderStatus, PaymentMethod } from "@/lib/generated/prisma/client";
import { applyTransition, canTransition, ORDER_TRANSITIONS, type OrderEvent } from "@/lib/orders/lifecycle";
import { createOrder } from "@/lib/orders/orders";
import { catalogPlan, createCustomer } from "../support/providers";

const STATES = Object.values(OrderStatus);
const EVENTS = Object.keys(ORDER_TRANSITIONS) as OrderEvent[];

async function orderIn(status: OrderStatus) {
  const user = await createCustomer("lifecycle");
  const plan = await catalogPlan({ provider: "mioesim", planRef: "26:261" });
  const order = await createOrder({ userId: user.id, planId: plan.id, paymentMethod: PaymentMethod.CARD });
  await db().order.update({ where: { otherOrderId: order.otherOrderId }, data: { status } });
  return order.otherOrderId;
}

describe("the transition table", () => {
  it("names a target state for every event, and every state is reachable or initial", () => {
    const targets = new Set(EVENTS.map((event) => ORDER_TRANSITIONS[event].to));
    for (const state of STATES.filter((s) => s !== OrderStatus.PENDING_PAYMENT)) expect(targets).toContain(state);
  });

  const cases = STATES.flatMap((from) => EVENTS.map((event) => ({ from, event, allowed: canTransition(from, event) })));

  it.each(cases)("$event from $from: allowed = $allowed", async ({ from, event, allowed }) => {
    const otherOrderId = await orderIn(from);
    const applied = await applyTransition(otherOrderId, event, { details: { test: true } });
    const after = await db().order.findUniqueOrThrow({ where: { otherOrderId } });
    const timeline = await db().orderEvent.findMany({ where: { orderId: otherOrderId } });
    const audits = await db().auditLog.count({ where: { entityId: otherOrderId, action: `order.${event}` } });

    expect(applied).toBe(allowed);
    if (allowed) {
      expect(after.status).toBe(ORDER_TRANSITIONS[event].to);
      expect(timeline).toMatchObject([{ event, from, to: ORDER_TRANSITIONS[event].to }]);
      expect(audits).toBe(1);
    } else {
      expect(after.status).toBe(from);
      expect(timeline).toEqual([]);
      expect(audits).toBe(0);
    }
  });

  it("applies a transition once when two writers race for it", async () => {
    const otherOrderId = await orderIn(OrderStatus.PAID);
    const results = await Promise.all([
      applyTransition(otherOrderId, "placement_started"),
      applyTransition(otherOrderId, "placement_started"),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await db().orderEvent.count({ where: { orderId: otherOrderId } })).toBe(1);
  });

  it("refuses a refund while a placement is in flight, and never lets a late fulfilment overwrite a refund", async () => {
    const otherOrderId = await orderIn(OrderStatus.FULFILLING);
    expect(await applyTransition(otherOrderId, "refund_requested")).toBe(false);
    await db().order.update({ where: { otherOrderId }, data: { status: OrderStatus.PAID } });
    expect(await applyTransition(otherOrderId, "refund_requested")).toBe(true);
    expect(await applyTransition(otherOrderId, "placement_started")).toBe(false);
    expect(await applyTransition(otherOrderId, "refunded")).toBe(true);
    expect(await applyTransition(otherOrderId, "delivered")).toBe(false);
    expect((await db().order.findUniqueOrThrow({ where: { otherOrderId } })).status).toBe(OrderStatus.REFUNDED);
  });

  it("lets reconciliation deliver an upstream order it found only for an order in review, failed or partly delivered", () => {
    const from = STATES.filter((state) => canTransition(state, "upstream_order_recorded"));
    expect(from.sort()).toEqual([OrderStatus.FULFILMENT_FAILED, OrderStatus.NEEDS_REVIEW, OrderStatus.PARTIALLY_FULFILLED].sort());
    expect(ORDER_TRANSITIONS.upstream_order_recorded.to).toBe(OrderStatus.FULFILLED);
  });
});
