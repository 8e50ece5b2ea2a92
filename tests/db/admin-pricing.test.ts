/**
 * Pricing kept in the database (lib/catalog/settings.ts): the store-wide
 * markup and rounding step, destination and plan markups, the floor, the
 * preview, the provider chosen for a plan shape both sell, and the catalog
 * sync pricing with the same rules. Each test works on its own destination,
 * and the file leaves the store-wide settings as it found them (none saved).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PriceBelowFloorError, setPlanPrice } from "@/lib/catalog/admin";
import { floorPriceMinor } from "@/lib/catalog/pricing";
import {
  chooseShapeProvider,
  listShapeConflicts,
  loadPricing,
  paymentFee,
  previewStorePricing,
  priceOf,
  readStorePricing,
  repriceCatalog,
  saveStorePricing,
  setMarkupOverride,
} from "@/lib/catalog/settings";
import { syncCatalog } from "@/lib/catalog/sync";
import { db } from "@/lib/db/client";
import { DestinationKind, Role } from "@/lib/generated/prisma/client";
import { providerById } from "@/lib/providers/registry";
import { createCustomer, providersPerFile, unique } from "../support/providers";

providersPerFile();

let adminId = "";

async function resetPricing() {
  await db().storeSettings.deleteMany();
  await db().priceOverride.deleteMany();
  await db().planShapeChoice.deleteMany();
  await repriceCatalog();
}

beforeAll(async () => {
  await resetPricing();
  adminId = (await createCustomer("pricing-admin", Role.ADMIN)).id;
});
afterAll(resetPricing);

/** A destination of our own with plans as a sync would store them. */
async function destinationWith(
  plans: { provider: "mioesim" | "meisim"; wholesaleMinor: number; priceMinor?: number; dataMb?: number; priceOverridden?: boolean }[],
) {
  const slug = `pricing-${unique()}`;
  await db().destination.create({ data: { slug, name: `Pricing ${slug}`, kind: DestinationKind.COUNTRY, countryCodes: ["JP"] } });
  const created = [];
  for (const [i, plan] of plans.entries())
    created.push(
      await db().plan.create({
        data: {
          provider: plan.provider,
          planRef: `${slug}-${i}`,
          destinationSlug: slug,
          name: `${slug} plan ${i}`,
          dataMb: plan.dataMb ?? 1024,
          days: 7,
          wholesaleMinor: plan.wholesaleMinor,
          priceMinor: plan.priceMinor ?? 999,
          priceOverridden: plan.priceOverridden ?? false,
          currency: "USD",
          renewable: false,
          dayPass: false,
          cancellable: false,
          syncedAt: new Date(),
        },
      }),
    );
  return { slug, plans: created };
}

const priceOfPlan = async (id: string) => (await db().plan.findUniqueOrThrow({ where: { id } })).priceMinor;

describe("store-wide pricing", () => {
  it("starts from the environment's markup, and a saved markup and step reprice every plan but hand-set ones", async () => {
    expect(await readStorePricing()).toEqual({
      markupBasisPoints: 3500,
      roundingStepMinor: 100,
      autoCheapest: false,
      fromEnvironment: true,
    });
    const { plans } = await destinationWith([
      { provider: "mioesim", wholesaleMinor: 1000 },
      { provider: "meisim", wholesaleMinor: 1000, dataMb: 2048, priceMinor: 1234, priceOverridden: true },
    ]);
    const [marked, manual] = plans as [(typeof plans)[0], (typeof plans)[0]];

    const input = { markupBasisPoints: 5000, roundingStepMinor: 50, autoCheapest: false };
    const preview = await previewStorePricing(input, 10_000);
    const row = preview.rows.find((r) => r.planId === marked.id)!;
    // $10.00 + 50 % = $15.00 → $15.49; margin = 15.49 − 10.00 − (2.9 % of 15.49 = 0.45 + 0.30).
    expect(row).toMatchObject({ beforeMinor: 999, afterMinor: 1549, marginAfterMinor: 1549 - 1000 - 45 - 30 });
    expect(preview.rows.some((r) => r.planId === manual.id)).toBe(false);
    // A preview saves nothing.
    expect(await priceOfPlan(marked.id)).toBe(999);
    expect((await readStorePricing()).fromEnvironment).toBe(true);

    const result = await saveStorePricing(input, adminId, null);
    expect(result.repriced).toBeGreaterThanOrEqual(1);
    expect(await readStorePricing()).toEqual({ ...input, fromEnvironment: false });
    expect(await priceOfPlan(marked.id)).toBe(1549);
    expect(await priceOfPlan(manual.id)).toBe(1234);
    const audit = await db().auditLog.findFirstOrThrow({
      where: { action: "pricing.store_set", actorId: adminId },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.details).toMatchObject({ from: { markupBasisPoints: 3500 }, to: input });
  });

  it("prices a cheap plan at the floor, wholesale plus the payment fee, never below", async () => {
    await saveStorePricing({ markupBasisPoints: 0, roundingStepMinor: 1, autoCheapest: false }, adminId, null);
    const { plans } = await destinationWith([{ provider: "mioesim", wholesaleMinor: 100 }]);
    await repriceCatalog();
    expect(await priceOfPlan(plans[0]!.id)).toBe(floorPriceMinor(100, paymentFee()));
    expect(await priceOfPlan(plans[0]!.id)).toBe(134);
  });

  it("refuses a hand-set price below the floor, changing nothing", async () => {
    const { plans } = await destinationWith([{ provider: "mioesim", wholesaleMinor: 1000, priceMinor: 1499 }]);
    await expect(setPlanPrice(plans[0]!.id, 1000, adminId, null)).rejects.toBeInstanceOf(PriceBelowFloorError);
    expect(await db().plan.findUniqueOrThrow({ where: { id: plans[0]!.id } })).toMatchObject({ priceMinor: 1499, priceOverridden: false });
    expect(await setPlanPrice(plans[0]!.id, floorPriceMinor(1000, paymentFee()), adminId, null)).toBe(true);
  });
});

describe("destination and plan markups", () => {
  it("a plan's markup wins over its destination's, which wins over the store's; removing one falls back", async () => {
    await saveStorePricing({ markupBasisPoints: 2000, roundingStepMinor: 100, autoCheapest: false }, adminId, null);
    const { slug, plans } = await destinationWith([
      { provider: "mioesim", wholesaleMinor: 1000 },
      { provider: "mioesim", wholesaleMinor: 1000, dataMb: 3072 },
    ]);
    const [a, b] = plans as [(typeof plans)[0], (typeof plans)[0]];
    await repriceCatalog();
    expect([await priceOfPlan(a.id), await priceOfPlan(b.id)]).toEqual([1299, 1299]);

    expect(await setMarkupOverride({ destinationSlug: slug }, 10_000, adminId, null)).toMatchObject({ repriced: 2 });
    expect([await priceOfPlan(a.id), await priceOfPlan(b.id)]).toEqual([2099, 2099]);

    await setMarkupOverride({ planId: b.id }, 0, adminId, null);
    expect([await priceOfPlan(a.id), await priceOfPlan(b.id)]).toEqual([2099, 1099]);
    const pricing = await loadPricing();
    expect(priceOf(b, pricing)).toMatchObject({ source: "plan", markupBasisPoints: 0 });
    expect(priceOf(a, pricing)).toMatchObject({ source: "destination", markupBasisPoints: 10_000 });

    await setMarkupOverride({ destinationSlug: slug }, null, adminId, null);
    expect([await priceOfPlan(a.id), await priceOfPlan(b.id)]).toEqual([1299, 1099]);
    expect(await setMarkupOverride({ planId: "no-such-plan" }, 100, adminId, null)).toBeNull();
    expect(
      await db().auditLog.count({ where: { action: { in: ["pricing.override_set", "pricing.override_removed"] }, entityId: slug } }),
    ).toBe(2);
  });
});

describe("the same plan shape from both providers", () => {
  it("sells both by default, the cheaper when automatic, or the chosen provider", async () => {
    await saveStorePricing({ markupBasisPoints: 3500, roundingStepMinor: 100, autoCheapest: false }, adminId, null);
    const { slug, plans } = await destinationWith([
      { provider: "mioesim", wholesaleMinor: 1000 },
      { provider: "meisim", wholesaleMinor: 800 },
    ]);
    const [mio, mei] = plans as [(typeof plans)[0], (typeof plans)[0]];
    const onSale = async () =>
      (await db().plan.findMany({ where: { destinationSlug: slug, active: true }, select: { provider: true } }))
        .map((p) => p.provider)
        .sort();

    await repriceCatalog();
    expect(await onSale()).toEqual(["meisim", "mioesim"]);
    const conflict = (await listShapeConflicts()).find((c) => c.destinationSlug === slug)!;
    expect(conflict).toMatchObject({ shapeKey: "1024|7|total", chosen: null, selling: null });

    await saveStorePricing({ markupBasisPoints: 3500, roundingStepMinor: 100, autoCheapest: true }, adminId, null);
    expect(await onSale()).toEqual(["meisim"]);
    expect(await db().plan.findUniqueOrThrow({ where: { id: mio.id } })).toMatchObject({ active: false, notChosen: true });

    expect(await chooseShapeProvider({ destinationSlug: slug, shapeKey: conflict.shapeKey, provider: "mioesim" }, adminId, null)).toEqual({
      repriced: 0,
      switched: 2,
    });
    expect(await onSale()).toEqual(["mioesim"]);

    // The chosen provider stops listing it: the other provider's plan takes its place.
    await db().plan.update({ where: { id: mio.id }, data: { active: false, notChosen: false } });
    await repriceCatalog();
    expect(await onSale()).toEqual(["meisim"]);
    expect(mei.id).toBeTruthy();

    await chooseShapeProvider({ destinationSlug: slug, shapeKey: conflict.shapeKey, provider: null }, adminId, null);
    expect(await db().planShapeChoice.count({ where: { destinationSlug: slug } })).toBe(0);
    await saveStorePricing({ markupBasisPoints: 3500, roundingStepMinor: 100, autoCheapest: false }, adminId, null);
  });
});

describe("catalog sync", () => {
  it("prices new and changed plans with the rules saved in the database", async () => {
    await saveStorePricing({ markupBasisPoints: 6000, roundingStepMinor: 1, autoCheapest: false }, adminId, null);
    await db().destination.upsert({
      where: { slug: "japan" },
      create: { slug: "japan", name: "Japan", kind: DestinationKind.COUNTRY, countryCodes: ["JP"] },
      update: {},
    });
    await setMarkupOverride({ destinationSlug: "japan" }, 1000, adminId, null);
    const report = await syncCatalog(providerById("meisim"));
    expect(report.plans).toBeGreaterThan(0);
    const pricing = await loadPricing();
    const plans = await db().plan.findMany({ where: { provider: "meisim", active: true, priceOverridden: false } });
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(plan.priceMinor).toBe(priceOf(plan, pricing).priceMinor);
    const japan = plans.find((p) => p.destinationSlug === "japan")!;
    expect(priceOf(japan, pricing)).toMatchObject({ source: "destination", markupBasisPoints: 1000 });
    const other = plans.find((p) => p.destinationSlug !== "japan")!;
    expect(priceOf(other, pricing)).toMatchObject({ source: "store", markupBasisPoints: 6000 });
  });
});
