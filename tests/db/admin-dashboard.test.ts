/**
 * The dashboard's figures (lib/admin/dashboard.ts) against SQL over the same
 * orders: per day, in total, per destination and per payment method. Orders
 * other files left in the shared database count on both sides alike.
 */
import { afterAll, describe, expect, it } from "vitest";
import { dashboardFigures } from "@/lib/admin/dashboard";
import { db } from "@/lib/db/client";
import { OrderStatus, PaymentMethod, RefundMethod, RefundStatus } from "@/lib/generated/prisma/client";
import { createUser } from "../support/fake-stripe";
import { catalogPlan, DESTINATIONS, unique } from "../support/providers";

afterAll(() => db().$disconnect());

const DAY_MS = 86_400_000;

async function order(spec: {
  userId: string;
  planId: string;
  amountMinor: number;
  paymentMethod: PaymentMethod;
  paidAt: Date | null;
  status: OrderStatus;
  cards?: { cancelled: boolean }[];
  refundMinor?: number;
  refundStatus?: RefundStatus;
  /** Delivered by the provider's own email: no card rows, this many cards. */
  emailedCards?: number;
}) {
  const otherOrderId = `DASH${unique()}`.toUpperCase();
  const plan = await db().plan.findUniqueOrThrow({ where: { id: spec.planId } });
  await db().order.create({
    data: {
      otherOrderId,
      userId: spec.userId,
      planId: plan.id,
      provider: plan.provider,
      planRef: plan.planRef,
      planName: plan.name,
      amountMinor: spec.amountMinor,
      currency: "USD",
      quantity: spec.emailedCards ?? Math.max(1, spec.cards?.length ?? 1),
      fulfilledAt: spec.emailedCards || spec.cards?.length ? spec.paidAt : null,
      paymentMethod: spec.paymentMethod,
      status: spec.status,
      paidAt: spec.paidAt,
      esims: {
        create: (spec.cards ?? []).map((card, i) => ({
          iccid: `89${unique()}${i}`,
          lpa: "LPA:1$example$CODE",
          smdpAddress: "example",
          activationCode: "CODE",
          cancelledAt: card.cancelled ? new Date() : null,
        })),
      },
      ...(spec.refundMinor && {
        refunds: {
          create: {
            method: RefundMethod.CARD,
            amountMinor: spec.refundMinor,
            currency: "USD",
            status: spec.refundStatus ?? RefundStatus.SUCCEEDED,
          },
        },
      }),
    },
  });
  return otherOrderId;
}

interface SqlRow {
  day: string;
  method: PaymentMethod;
  slug: string;
  orders: number;
  revenue: number;
  margin: number;
}

/**
 * The same definitions in SQL: revenue = paid − refunds not failed; margin = revenue − wholesale × live cards − card fee (2.9 % + 30¢),
 * where an order delivered without card rows (the provider emailed it) counts its quantity.
 */
async function sqlFigures(first: Date, now: Date): Promise<SqlRow[]> {
  return db().$queryRaw<SqlRow[]>`
    WITH sale AS (
      SELECT o."amountMinor" AS amount, o."paymentMethod" AS method, to_char(o."paidAt", 'YYYY-MM-DD') AS day, p."destinationSlug" AS slug,
             p."wholesaleMinor" AS wholesale,
             COALESCE((SELECT sum(r."amountMinor") FROM "Refund" r WHERE r."orderId" = o."otherOrderId" AND r.status <> 'FAILED'), 0) AS refunded,
             CASE WHEN EXISTS (SELECT 1 FROM "Esim" e WHERE e."orderId" = o."otherOrderId")
                  THEN (SELECT count(*) FROM "Esim" e WHERE e."orderId" = o."otherOrderId" AND e."cancelledAt" IS NULL)
                  WHEN o."fulfilledAt" IS NOT NULL THEN o.quantity ELSE 0 END AS live
      FROM "Order" o JOIN "Plan" p ON p.id = o."planId"
      WHERE o."paidAt" >= ${first} AND o."paidAt" <= ${now}
    )
    SELECT day, method::text AS method, slug, count(*)::int AS orders, sum(amount - refunded)::int AS revenue,
           sum(amount - refunded - wholesale * live - CASE WHEN method = 'CARD' THEN ceil(amount * 290 / 10000.0) + 30 ELSE 0 END)::int AS margin
    FROM sale GROUP BY day, method, slug`;
}

function sum(rows: SqlRow[], by: (row: SqlRow) => string) {
  const out = new Map<string, { orders: number; revenueMinor: number; marginMinor: number }>();
  for (const row of rows) {
    const into = out.get(by(row)) ?? { orders: 0, revenueMinor: 0, marginMinor: 0 };
    into.orders += row.orders;
    into.revenueMinor += row.revenue;
    into.marginMinor += row.margin;
    out.set(by(row), into);
  }
  return out;
}

describe("the admin dashboard", () => {
  it("shows the same orders, revenue, margin, destinations and payment mix as SQL over the orders", async () => {
    const now = new Date();
    const user = await createUser();
    const japan = await catalogPlan({ provider: "mioesim", planRef: "26:261", destination: DESTINATIONS.japan });
    const korea = await catalogPlan({ provider: "mioesim", planRef: "27:271", destination: DESTINATIONS.southKorea });
    const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
    await order({
      userId: user.id,
      planId: japan.id,
      amountMinor: 699,
      paymentMethod: "CARD",
      paidAt: ago(1),
      status: "FULFILLED",
      cards: [{ cancelled: false }],
    });
    await order({
      userId: user.id,
      planId: japan.id,
      amountMinor: 1398,
      paymentMethod: "WALLET",
      paidAt: ago(2),
      status: "PARTIALLY_REFUNDED",
      cards: [{ cancelled: false }, { cancelled: true }],
      refundMinor: 699,
    });
    await order({ userId: user.id, planId: korea.id, amountMinor: 999, paymentMethod: "CARD", paidAt: ago(2), status: "NEEDS_REVIEW" });
    // Two cards MeiSIM emailed itself (a dealer product): their wholesale is a cost, though no card row exists.
    await order({
      userId: user.id,
      planId: korea.id,
      amountMinor: 2 * 999,
      paymentMethod: "WALLET",
      paidAt: ago(4),
      status: "FULFILLED",
      emailedCards: 2,
    });
    await order({
      userId: user.id,
      planId: korea.id,
      amountMinor: 999,
      paymentMethod: "CARD",
      paidAt: ago(3),
      status: "FULFILMENT_FAILED",
      refundMinor: 999,
      refundStatus: RefundStatus.FAILED,
    });
    // Outside the window, and unpaid: counted nowhere.
    await order({
      userId: user.id,
      planId: korea.id,
      amountMinor: 999,
      paymentMethod: "CARD",
      paidAt: ago(40),
      status: "FULFILLED",
      cards: [{ cancelled: false }],
    });
    await order({ userId: user.id, planId: korea.id, amountMinor: 999, paymentMethod: "CARD", paidAt: null, status: "PENDING_PAYMENT" });

    const figures = await dashboardFigures({ days: 30, now });
    const first = new Date(`${figures.days[0]!.date}T00:00:00.000Z`);
    const rows = await sqlFigures(first, now);
    expect(rows.length).toBeGreaterThan(0);

    expect(figures.days).toHaveLength(30);
    expect(figures.days.at(-1)!.date).toBe(now.toISOString().slice(0, 10));
    const perDay = sum(rows, (r) => r.day);
    for (const day of figures.days)
      expect({ date: day.date, orders: day.orders, revenueMinor: day.revenueMinor, marginMinor: day.marginMinor }).toEqual({
        date: day.date,
        ...(perDay.get(day.date) ?? { orders: 0, revenueMinor: 0, marginMinor: 0 }),
      });

    const all = sum(rows, () => "all").get("all")!;
    expect({ orders: figures.totals.orders, revenueMinor: figures.totals.revenueMinor, marginMinor: figures.totals.marginMinor }).toEqual(
      all,
    );
    expect(figures.totals.revenueMinor - figures.totals.costMinor - figures.totals.feeMinor).toBe(figures.totals.marginMinor);

    const perMethod = sum(rows, (r) => r.method);
    expect(figures.paymentMix.map((m) => [m.method, m.orders, m.revenueMinor])).toEqual(
      [...perMethod].sort(([a], [b]) => a.localeCompare(b)).map(([method, f]) => [method, f.orders, f.revenueMinor]),
    );

    const perDestination = sum(rows, (r) => r.slug);
    for (const d of figures.topDestinations)
      expect([d.orders, d.revenueMinor]).toEqual([perDestination.get(d.slug)!.orders, perDestination.get(d.slug)!.revenueMinor]);
    const most = Math.max(...[...perDestination.values()].map((d) => d.orders));
    expect(figures.topDestinations[0]!.orders).toBe(most);

    const [failed, review] = await Promise.all([
      db().order.count({ where: { status: "FULFILMENT_FAILED" } }),
      db().order.count({ where: { status: "NEEDS_REVIEW" } }),
    ]);
    expect([figures.attention.failed, figures.attention.needsReview]).toEqual([failed, review]);
    expect(figures.attention.latest.length).toBeGreaterThanOrEqual(2);
  });
});
