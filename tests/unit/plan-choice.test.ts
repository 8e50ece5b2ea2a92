import { describe, expect, it } from "vitest";
import {
  MAX_COMPARED,
  NO_FILTER,
  distinguishLookalikes,
  filterPlans,
  pricePerGbMinor,
  sortPlans,
  toggleCompared,
} from "@/lib/catalog/plan-choice";
import type { PlanOffer } from "@/lib/catalog/queries";

function plan(id: string, over: Partial<PlanOffer>): PlanOffer {
  return {
    id,
    provider: "mioesim",
    providerName: "MIOeSIM",
    name: `Plan ${id}`,
    dataMb: 1024,
    days: 7,
    priceMinor: 500,
    currency: "USD",
    renewable: false,
    dayPass: false,
    cancellable: true,
    cancellationPolicy: null,
    maxQuantity: 10,
    destinationSlug: "japan",
    destinationName: "Japan",
    destinationKind: "COUNTRY",
    ...over,
  };
}

const small = plan("small", { dataMb: 1024, days: 7, priceMinor: 449 });
const big = plan("big", { dataMb: 10 * 1024, days: 30, priceMinor: 2470, cancellable: false, renewable: true });
const pass = plan("pass", { dataMb: 1024, days: 5, priceMinor: 1123, dayPass: true });
const unlimited = plan("unlimited", { dataMb: null, days: 15, priceMinor: 3000 });
const PLANS = [big, unlimited, small, pass];
const ids = (plans: PlanOffer[]) => plans.map((p) => p.id);

describe("sorting plans", () => {
  it("by price, data, days and price per GB", () => {
    expect(ids(sortPlans(PLANS, "price"))).toEqual(["small", "pass", "big", "unlimited"]);
    // Unlimited is the most data; a day pass counts its daily allowance every day.
    expect(ids(sortPlans(PLANS, "data"))).toEqual(["unlimited", "big", "pass", "small"]);
    expect(ids(sortPlans(PLANS, "days"))).toEqual(["big", "unlimited", "small", "pass"]);
    // 2.47/GB, 2.25/GB (5 GB over 5 days), 4.49/GB; unlimited has no per-GB price and goes last.
    expect(ids(sortPlans(PLANS, "pricePerGb"))).toEqual(["pass", "big", "small", "unlimited"]);
  });

  it("puts equal plans cheapest first and leaves the input alone", () => {
    const a = plan("a", { days: 7, priceMinor: 900 });
    const b = plan("b", { days: 7, priceMinor: 600 });
    const input = [a, b];
    expect(ids(sortPlans(input, "days"))).toEqual(["b", "a"]);
    expect(ids(input)).toEqual(["a", "b"]);
  });

  it("works out the price per GB from the total data", () => {
    expect(pricePerGbMinor(small)).toBe(449);
    expect(pricePerGbMinor(pass)).toBe(225);
    expect(pricePerGbMinor(plan("half", { dataMb: 512, priceMinor: 200 }))).toBe(400);
    expect(pricePerGbMinor(unlimited)).toBeNull();
  });
});

describe("filtering plans", () => {
  it("by total data (unlimited always qualifies) and by days", () => {
    expect(ids(filterPlans(PLANS, { ...NO_FILTER, minDataMb: 5 * 1024 }))).toEqual(["big", "unlimited", "pass"]);
    expect(ids(filterPlans(PLANS, { ...NO_FILTER, minDays: 15 }))).toEqual(["big", "unlimited"]);
  });

  it("by kind, top-up and refund", () => {
    expect(ids(filterPlans(PLANS, { ...NO_FILTER, kind: "unlimited" }))).toEqual(["unlimited"]);
    expect(ids(filterPlans(PLANS, { ...NO_FILTER, kind: "dayPass" }))).toEqual(["pass"]);
    expect(ids(filterPlans(PLANS, { ...NO_FILTER, renewable: true }))).toEqual(["big"]);
    expect(ids(filterPlans(PLANS, { ...NO_FILTER, refundable: true }))).toEqual(["unlimited", "small", "pass"]);
    expect(ids(filterPlans(PLANS, { ...NO_FILTER, refundable: true, minDays: 15 }))).toEqual(["unlimited"]);
    expect(filterPlans(PLANS, NO_FILTER)).toHaveLength(4);
  });
});

describe("comparing plans", () => {
  it("takes up to three, and a second tick takes one out", () => {
    let compared: string[] = [];
    for (const id of ["a", "b", "c", "d"]) compared = toggleCompared(compared, id);
    expect(compared).toEqual(["a", "b", "c"]);
    expect(MAX_COMPARED).toBe(3);
    compared = toggleCompared(compared, "b");
    expect(compared).toEqual(["a", "c"]);
    expect(toggleCompared(compared, "d")).toEqual(["a", "c", "d"]);
  });
});

describe("telling look-alike plans apart", () => {
  it("names only what differs between plans of the same data, days and destination", () => {
    const mio = plan("mio", { priceMinor: 449, renewable: true, cancellable: true });
    const mei = plan("mei", { provider: "meisim", providerName: "MeiSIM", priceMinor: 520, renewable: false, cancellable: false });
    const other = plan("other", { dataMb: 3 * 1024, days: 15 });
    const notes = distinguishLookalikes([mio, mei, other]);
    expect(notes.get("mio")).toEqual(["Network partner: MIOeSIM", "Top-up available", "Refundable until installed"]);
    expect(notes.get("mei")).toEqual(["Network partner: MeiSIM", "No top-up", "Non-refundable"]);
    expect(notes.has("other")).toBe(false);
  });

  it("leaves out what they share, and falls back on the plan's own name", () => {
    const a = plan("a", { name: "Japan 1GB 7 days", cancellable: true });
    const b = plan("b", { name: "Japan 1GB 7 days (promo)", cancellable: false });
    expect(distinguishLookalikes([a, b]).get("b")).toEqual(["Non-refundable"]);
    const c = plan("c", { name: "Japan 1GB 7 days" });
    const d = plan("d", { name: "Japan 1GB 7 days (weekend)" });
    expect(distinguishLookalikes([c, d]).get("d")).toEqual(["Sold as “Japan 1GB 7 days (weekend)”"]);
  });

  it("keeps the same data and days in different destinations apart", () => {
    const japan = plan("japan", {});
    const asia = plan("asia", { destinationSlug: "asia-30", destinationKind: "REGION" });
    expect(distinguishLookalikes([japan, asia]).size).toBe(0);
  });
});
