/**
 * The admin dashboard's figures, over orders paid in the last `days` days (UTC):
 *
 * - a sale is an order with `paidAt` set; its day is the UTC day of `paidAt`;
 * - revenue is what was paid less what was refunded on it (refunds not FAILED);
 * - gross margin is revenue less the wholesale cost of the cards still live
 *   (plan's wholesale today × cards not cancelled; an order the provider
 *   delivered by its own email has no card rows, so its whole quantity once
 *   delivered, as for a MeiSIM dealer product) less the card processor's
 *   fee on card payments (PAYMENT_FEE_*; the fee is not returned on refunds).
 *   Wallet payments carry no fee here: it was paid when the wallet was topped up.
 *
 * Computed in one pass over the window's orders so every chart agrees with
 * every other; tests/db/admin-dashboard.test.ts checks them against SQL.
 */
import "server-only";
import { paymentFee } from "../catalog/settings";
import { paymentFeeMinor } from "../catalog/pricing";
import { env } from "../config/env";
import { db } from "../db/client";
import { OrderStatus, PaymentMethod, RefundStatus } from "../generated/prisma/client";

export interface DayFigures {
  /** YYYY-MM-DD (UTC). */
  date: string;
  orders: number;
  revenueMinor: number;
  marginMinor: number;
}

export interface DashboardFigures {
  currency: string;
  days: DayFigures[];
  totals: { orders: number; revenueMinor: number; costMinor: number; feeMinor: number; marginMinor: number };
  topDestinations: { slug: string; name: string; orders: number; revenueMinor: number }[];
  paymentMix: { method: PaymentMethod; orders: number; revenueMinor: number }[];
  /** Orders a person must look at, whenever they were placed. */
  attention: {
    failed: number;
    needsReview: number;
    latest: { otherOrderId: string; status: OrderStatus; reason: string | null; createdAt: Date }[];
  };
}

const DAY_MS = 86_400_000;

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export async function dashboardFigures({ days = 30, now = new Date() }: { days?: number; now?: Date } = {}): Promise<DashboardFigures> {
  const firstDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS);
  const fee = paymentFee();
  const [orders, attentionOrders, failed, needsReview] = await Promise.all([
    db().order.findMany({
      where: { paidAt: { gte: firstDay, lte: now } },
      select: {
        amountMinor: true,
        paymentMethod: true,
        paidAt: true,
        quantity: true,
        fulfilledAt: true,
        plan: { select: { wholesaleMinor: true, destinationSlug: true, destination: { select: { name: true } } } },
        esims: { select: { cancelledAt: true } },
        refunds: { where: { status: { not: RefundStatus.FAILED } }, select: { amountMinor: true } },
      },
    }),
    db().order.findMany({
      where: { status: { in: [OrderStatus.FULFILMENT_FAILED, OrderStatus.NEEDS_REVIEW] } },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { otherOrderId: true, status: true, failureReason: true, reviewReason: true, createdAt: true },
    }),
    db().order.count({ where: { status: OrderStatus.FULFILMENT_FAILED } }),
    db().order.count({ where: { status: OrderStatus.NEEDS_REVIEW } }),
  ]);

  const byDay = new Map<string, DayFigures>();
  for (let i = 0; i < days; i++) {
    const date = utcDay(new Date(firstDay.getTime() + i * DAY_MS));
    byDay.set(date, { date, orders: 0, revenueMinor: 0, marginMinor: 0 });
  }
  const totals = { orders: 0, revenueMinor: 0, costMinor: 0, feeMinor: 0, marginMinor: 0 };
  const destinations = new Map<string, { slug: string; name: string; orders: number; revenueMinor: number }>();
  const mix = new Map<PaymentMethod, { method: PaymentMethod; orders: number; revenueMinor: number }>();

  for (const order of orders) {
    const revenue = order.amountMinor - order.refunds.reduce((sum, r) => sum + r.amountMinor, 0);
    const liveCards = order.esims.length > 0 ? order.esims.filter((e) => !e.cancelledAt).length : order.fulfilledAt ? order.quantity : 0;
    const cost = order.plan.wholesaleMinor * liveCards;
    const cardFee = order.paymentMethod === PaymentMethod.CARD ? paymentFeeMinor(order.amountMinor, fee) : 0;
    const margin = revenue - cost - cardFee;

    const day = byDay.get(utcDay(order.paidAt!))!;
    day.orders++;
    day.revenueMinor += revenue;
    day.marginMinor += margin;
    totals.orders++;
    totals.revenueMinor += revenue;
    totals.costMinor += cost;
    totals.feeMinor += cardFee;
    totals.marginMinor += margin;

    const slug = order.plan.destinationSlug;
    const destination = destinations.get(slug) ?? { slug, name: order.plan.destination.name, orders: 0, revenueMinor: 0 };
    destination.orders++;
    destination.revenueMinor += revenue;
    destinations.set(slug, destination);

    const method = mix.get(order.paymentMethod) ?? { method: order.paymentMethod, orders: 0, revenueMinor: 0 };
    method.orders++;
    method.revenueMinor += revenue;
    mix.set(order.paymentMethod, method);
  }

  return {
    currency: env().CURRENCY,
    days: [...byDay.values()],
    totals,
    topDestinations: [...destinations.values()]
      .sort((a, b) => b.orders - a.orders || b.revenueMinor - a.revenueMinor || a.slug.localeCompare(b.slug))
      .slice(0, 10),
    paymentMix: [...mix.values()].sort((a, b) => a.method.localeCompare(b.method)),
    attention: {
      failed,
      needsReview,
      latest: attentionOrders.map((o) => ({
        otherOrderId: o.otherOrderId,
        status: o.status,
        reason: o.status === OrderStatus.NEEDS_REVIEW ? o.reviewReason : o.failureReason,
        createdAt: o.createdAt,
      })),
    },
  };
}
