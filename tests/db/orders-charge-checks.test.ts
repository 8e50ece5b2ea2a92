/**
 * What a provider charged, checked before an order is delivered: a charge in
 * another currency than the plan's and the sale's, above the catalog cost
 * beyond one minor unit per eSIM, or above what the customer paid holds the
 * order for review (audited, on the dashboard's list, logged); an admin's
 * retry accepts it without a second upstream order. And a catalog sync holds
 * off sale the plans a provider prices in another currency than the store's.
 */
import { describe, expect, it } from "vitest";
import { syncCatalog } from "@/lib/catalog/sync";
import { dashboardFigures } from "@/lib/admin/dashboard";
import { db } from "@/lib/db/client";
import { OrderStatus, Role } from "@/lib/generated/prisma/client";
import { CHARGE_HOLD, chargeHoldReason, fulfilPaidOrder, retryFulfilment } from "@/lib/orders/fulfilment";
import type { EsimProvider, ProviderPlan } from "@/lib/providers/types";
import { catalogPlan, createCustomer, meisimDemoDealer, orderWithEsims, paidOrder, providersPerFile } from "../support/providers";

const world = providersPerFile({ PROVIDER_TIMEOUT_MS: "2000" });

/** MIOeSIM Japan 1 GB / 7 days, which the simulator charges 4.49 USD; MeiSIM's Japan 1 GB / 7 days bundle. */
const MIOESIM_JAPAN = { provider: "mioesim", planRef: "26:261" } as const;
const MEISIM_JAPAN = { provider: "meisim", planRef: "esim_1gb_7days_jp" } as const;

const meisimCost = () => {
  const bundle = world.meisim.state.bundle(MEISIM_JAPAN.planRef)!;
  return world.meisim.state.dealerPriceCents(meisimDemoDealer(world.meisim), bundle);
};

/** A paid order for the plan with this catalog cost and currency, taken through fulfilment. */
async function fulfilWith(
  spec: typeof MIOESIM_JAPAN | typeof MEISIM_JAPAN,
  plan: { wholesaleMinor: number; currency?: string; priceMinor?: number },
) {
  const user = await createCustomer(`charge-${spec.provider}`);
  const row = await catalogPlan({ ...spec, priceMinor: plan.priceMinor ?? 2_000 });
  await db().plan.update({ where: { id: row.id }, data: { wholesaleMinor: plan.wholesaleMinor, currency: plan.currency ?? "USD" } });
  const order = await paidOrder(user.id, row.id);
  await fulfilPaidOrder(order.otherOrderId);
  return orderWithEsims(order.otherOrderId);
}

describe.each([MIOESIM_JAPAN, MEISIM_JAPAN])("the charge check at placement, $provider", (spec) => {
  const cost = () => (spec.provider === "mioesim" ? 449 : meisimCost());

  // The first order of the file also waits for the providers' first login and the job queue.
  it("delivers an order charged at the catalog cost, or one minor unit above it", { timeout: 120_000 }, async () => {
    const exact = await fulfilWith(spec, { wholesaleMinor: cost() });
    expect(exact).toMatchObject({ status: OrderStatus.FULFILLED, reviewReason: null });
    const rounding = await fulfilWith(spec, { wholesaleMinor: cost() - 1 });
    expect(rounding).toMatchObject({ status: OrderStatus.FULFILLED, reviewReason: null });
  });

  it("holds an order charged above the catalog cost, alerts the admin, and delivers it once an admin's retry accepts the charge", async () => {
    const held = await fulfilWith(spec, { wholesaleMinor: cost() - 2 });
    expect(held.status).toBe(OrderStatus.NEEDS_REVIEW);
    expect(held.reviewReason).toMatch(new RegExp(`^${CHARGE_HOLD} the provider charged ${(cost() / 100).toFixed(2)} USD for 1 eSIM`));
    // The eSIM exists upstream and is kept for the admin, but the order is not delivered.
    expect(held.esims).toHaveLength(1);
    expect(held.fulfilledAt).toBeNull();
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "order.review_needed", entityId: held.otherOrderId } });
    expect(JSON.stringify(audit.details)).toContain(CHARGE_HOLD);
    const dashboard = await dashboardFigures();
    expect(dashboard.attention.needsReview).toBeGreaterThanOrEqual(1);

    const admin = await createCustomer("charge-admin", Role.ADMIN);
    await retryFulfilment(held.otherOrderId, admin.id);
    const accepted = await orderWithEsims(held.otherOrderId);
    expect(accepted).toMatchObject({ status: OrderStatus.FULFILLED, reviewReason: null });
    expect(accepted.esims.map((e) => e.iccid)).toEqual(held.esims.map((e) => e.iccid));
    // Looked up, never placed a second time.
    expect(await db().providerAnswer.count({ where: { orderId: held.otherOrderId, operation: "place" } })).toBe(1);
    expect(await db().providerAnswer.count({ where: { orderId: held.otherOrderId, operation: "look-up" } })).toBe(1);
  });

  it("holds an order whose plan is priced in another currency than the provider charges in", async () => {
    const held = await fulfilWith(spec, { wholesaleMinor: cost(), currency: "EUR" });
    expect(held).toMatchObject({ status: OrderStatus.NEEDS_REVIEW, currency: "EUR" });
    expect(held.reviewReason).toMatch(/charged [\d.]+ USD, but the plan costs EUR and was sold in EUR/);
  });

  it("holds an order charged more than the customer paid", async () => {
    const held = await fulfilWith(spec, { wholesaleMinor: cost(), priceMinor: cost() - 100 });
    expect(held.status).toBe(OrderStatus.NEEDS_REVIEW);
    expect(held.reviewReason).toMatch(/more than the customer paid/);
  });

  it("an automatic retry does not accept the charge: only an admin's does", async () => {
    const held = await fulfilWith(spec, { wholesaleMinor: cost() - 50 });
    expect(held.status).toBe(OrderStatus.NEEDS_REVIEW);
    await retryFulfilment(held.otherOrderId, null);
    expect((await orderWithEsims(held.otherOrderId)).status).toBe(OrderStatus.NEEDS_REVIEW);
  });
});

describe("chargeHoldReason", () => {
  const expected = { unitCostMinor: 449, costCurrency: "USD", soldMinor: 1_398, soldCurrency: "USD", cards: 2 };
  const answer = (amountMinor: number, currency = "USD") => ({ charged: { amountMinor, currency }, esims: [], status: "active" as const });
  it("allows one minor unit per eSIM and nothing more", () => {
    expect(chargeHoldReason(answer(900), expected)).toBeNull();
    expect(chargeHoldReason(answer(901), expected)).toMatch(/above the catalog cost of 8\.98 USD/);
    expect(chargeHoldReason({ ...answer(0), charged: null }, expected)).toBeNull();
    expect(chargeHoldReason(answer(898, "usd".toUpperCase()), { ...expected, soldCurrency: "EUR" })).toMatch(/sold in EUR/);
  });
});

describe("a catalog sync and currencies", () => {
  const plan = (planRef: string, currency: string): ProviderPlan => ({
    provider: "mioesim",
    planRef,
    name: `Currency test ${planRef}`,
    destination: { providerRef: "26", name: "Japan", kind: "country", countryCodes: ["JP"] },
    dataMb: 1024,
    days: 7,
    wholesale: { amountMinor: 449, currency },
    renewable: false,
    dayPass: false,
    cancellable: false,
    cancellationPolicy: null,
  });
  const providerListing = (plans: ProviderPlan[]) => ({ id: "mioesim", listPlans: async () => plans }) as unknown as EsimProvider;
  const stored = (planRef: string) => db().plan.findUniqueOrThrow({ where: { provider_planRef: { provider: "mioesim", planRef } } });

  it("holds off sale a plan priced in another currency than the store's, and puts it back once it is priced in the store's", async () => {
    const report = await syncCatalog(providerListing([plan("cur:usd", "USD"), plan("cur:eur", "EUR")]));
    expect(await stored("cur:usd")).toMatchObject({ active: true, currency: "USD" });
    expect(await stored("cur:eur")).toMatchObject({ active: false, notChosen: false, currency: "EUR" });
    expect(report.changes.withdrawn).toContain("japan: Currency test cur:eur (priced in EUR, not USD)");

    await syncCatalog(providerListing([plan("cur:usd", "USD"), plan("cur:eur", "USD")]));
    expect(await stored("cur:eur")).toMatchObject({ active: true, currency: "USD" });
  });
});
