/**
 * Catalog sync from both real simulators into the database, and what the
 * store and the admin do with the result: search, admin prices that survive
 * syncs, plans withdrawn when the provider stops listing them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { setPlanActive, setPlanPrice } from "@/lib/catalog/admin";
import { retailPriceMinor } from "@/lib/catalog/pricing";
import { buildSearchIndex, readDestinationPage, readDestinations, readPlanPage } from "@/lib/catalog/queries";
import { syncCatalog, type SyncProgress, type SyncReport } from "@/lib/catalog/sync";
import { db } from "@/lib/db/client";
import { searchDestinations } from "@/lib/geo/search";
import { Role } from "@/lib/generated/prisma/client";
import { providerById } from "@/lib/providers/registry";
import type { ProviderId } from "@/lib/providers/types";
import { BUNDLES } from "@/simulators/meisim/catalog";
import { CATALOG } from "@/simulators/mioesim";
import { catalogPlan, createCustomer, providersPerFile, unique } from "../support/providers";

providersPerFile();

const MARKUP = 35;
const sync = (provider: ProviderId, onProgress?: (p: SyncProgress) => void) => syncCatalog(providerById(provider), { onProgress });

/** What each simulator sells: MIOeSIM's eSIM SKUs × packages (physical SIMs are not listed), MeiSIM's bundles. */
const LISTED = {
  mioesim: CATALOG.filter((sku) => !sku.physical).reduce((n, sku) => n + sku.packages.length, 0),
  meisim: BUNDLES.length,
};

const planByRef = (provider: ProviderId, planRef: string) =>
  db().plan.findUniqueOrThrow({ where: { provider_planRef: { provider, planRef } } });
/** Plans on sale from the provider's catalog; dealer products, which no sync touches, may come from other files. */
const activePlans = (provider: ProviderId) => db().plan.count({ where: { provider, active: true, dealerProduct: null } });

const firstRuns = {} as Record<ProviderId, SyncReport>;
const progress = {} as Record<ProviderId, SyncProgress[]>;

// One first sync per provider for the file; each test below then checks what a further sync does.
beforeAll(async () => {
  for (const provider of ["mioesim", "meisim"] as const) {
    progress[provider] = [];
    firstRuns[provider] = await sync(provider, (p) => progress[provider].push(p));
  }
});

describe("syncing the catalog", () => {
  it("stores every plan each provider lists, at the markup price, under merged destinations", async () => {
    expect(firstRuns.mioesim).toMatchObject({ provider: "mioesim", plans: LISTED.mioesim });
    expect(firstRuns.meisim).toMatchObject({ provider: "meisim", plans: LISTED.meisim });
    expect(await activePlans("mioesim")).toBe(LISTED.mioesim);
    expect(await activePlans("meisim")).toBe(LISTED.meisim);
    expect(await db().destination.count()).toBeGreaterThanOrEqual(40);

    // MIOeSIM Japan 1 GB / 7 days wholesales at $4.49: 35% on top is $6.07, sold at $6.99.
    expect(await planByRef("mioesim", "26:261")).toMatchObject({
      destinationSlug: "japan",
      name: "Japan 1GB 7 days",
      dataMb: 1024,
      days: 7,
      wholesaleMinor: 449,
      priceMinor: 699,
      currency: "USD",
      renewable: true,
      cancellable: true,
      active: true,
    });
    const meisimJapan = await planByRef("meisim", "esim_1gb_7days_jp");
    expect(meisimJapan).toMatchObject({ destinationSlug: "japan", priceMinor: retailPriceMinor(meisimJapan.wholesaleMinor, MARKUP) });
    // Both providers' Japan plans are on one destination page.
    expect(await db().destination.findUniqueOrThrow({ where: { slug: "japan" } })).toMatchObject({
      name: "Japan",
      kind: "COUNTRY",
      countryCodes: ["JP"],
    });
    expect(await db().destination.findUniqueOrThrow({ where: { slug: "europe" } })).toMatchObject({ kind: "REGION" });
    // Only plans the provider lists: other files' hand-made plans are withdrawn, not repriced.
    for (const plan of await db().plan.findMany({ where: { provider: "mioesim", priceOverridden: false, active: true } })) {
      expect(plan.priceMinor).toBe(retailPriceMinor(plan.wholesaleMinor, MARKUP));
    }
  });

  it("reports progress: reading, one step per MIOeSIM SKU and one per MeiSIM page, then storing, ending complete", () => {
    const reading = (provider: ProviderId) =>
      progress[provider].filter((p) => p.phase === "fetch").map(({ done, total }) => ({ done, total }));
    const skus = CATALOG.filter((sku) => !sku.physical).length;
    expect(reading("mioesim")).toEqual(Array.from({ length: skus }, (_, i) => ({ done: i + 1, total: skus })));
    const pages = Math.ceil(BUNDLES.length / 100);
    expect(reading("meisim")).toEqual(Array.from({ length: pages }, (_, i) => ({ done: i + 1, total: pages })));
    for (const provider of ["mioesim", "meisim"] as const) {
      // Storing comes after reading, counts up, and ends with every listed plan.
      const phases = progress[provider].map((p) => p.phase);
      expect(phases.indexOf("store")).toBe(phases.lastIndexOf("fetch") + 1);
      const storing = progress[provider].filter((p) => p.phase === "store");
      expect(storing.map((p) => p.done)).toEqual([...storing.map((p) => p.done)].sort((a, b) => a - b));
      expect(storing.at(-1)).toEqual({ phase: "store", done: LISTED[provider], total: LISTED[provider] });
    }
  });

  it("changes nothing when run again: same plans, same ids, no duplicates, nothing withdrawn", async () => {
    const snapshot = async () => ({
      destinations: await db().destination.count(),
      plans: await db().plan.findMany({
        where: { provider: "mioesim" },
        select: { id: true, planRef: true, priceMinor: true, active: true },
        orderBy: { planRef: "asc" },
      }),
    });
    const before = await snapshot();

    expect(await sync("mioesim")).toMatchObject({ provider: "mioesim", plans: LISTED.mioesim, created: 0, updated: 0, deactivated: 0 });

    expect(await snapshot()).toEqual(before);
  });

  it("keeps a price an admin set, and re-prices the rest from the markup", async () => {
    const admin = await createCustomer("catalog-admin", Role.ADMIN);
    const japan = await planByRef("mioesim", "26:261");
    const korea = await planByRef("mioesim", "27:271");
    await setPlanPrice(japan.id, 1234, admin.id, null);
    // A stale price on a plan nobody overrode is corrected by the sync.
    await db().plan.update({ where: { id: korea.id }, data: { priceMinor: 1 } });

    // Only the stale plan is rewritten; the overridden one is otherwise as listed.
    expect(await sync("mioesim")).toMatchObject({ created: 0, updated: 1 });

    expect(await planByRef("mioesim", "26:261")).toMatchObject({ priceMinor: 1234, priceOverridden: true, active: true });
    expect((await planByRef("mioesim", "27:271")).priceMinor).toBe(retailPriceMinor(korea.wholesaleMinor, MARKUP));
  });

  it("withdraws (never deletes) a plan its provider no longer lists, and leaves other providers' plans alone", async () => {
    const gone = await catalogPlan({ provider: "mioesim", planRef: `26:${unique()}`, syncedAt: new Date(Date.now() - 86_400_000) });
    const otherProvider = await catalogPlan({ provider: "meisim", planRef: `esim_gone_${unique()}` });

    const report = await sync("mioesim");

    expect(report.deactivated).toBe(1);
    expect(await db().plan.findUniqueOrThrow({ where: { id: gone.id } })).toMatchObject({ active: false });
    expect(await db().plan.findUniqueOrThrow({ where: { id: otherProvider.id } })).toMatchObject({ active: true });
    expect(await activePlans("mioesim")).toBe(LISTED.mioesim);

    expect((await sync("meisim")).deactivated).toBe(1);
    expect(await db().plan.findUniqueOrThrow({ where: { id: otherProvider.id } })).toMatchObject({ active: false });
  });

  it("keeps a plan an admin withdrew off sale", async () => {
    const admin = await createCustomer("catalog-admin", Role.ADMIN);
    const plan = await planByRef("mioesim", "27:272");
    await setPlanActive(plan.id, false, admin.id, null);

    await sync("mioesim");

    // The admin's "Withdraw" must survive the next "Sync catalog", as an admin price does.
    expect((await db().plan.findUniqueOrThrow({ where: { id: plan.id } })).active).toBe(false);
  });
});

describe("the store's catalog queries", () => {
  it("finds destinations by name, case-insensitively, by ISO code or alias, and by the regions covering them", async () => {
    const index = buildSearchIndex(await readDestinations());
    const slugs = (query: string) => searchDestinations(index, query).map((d) => d.slug);
    for (const query of ["jap", "JAPAN", "  japan  ", "jp", "JP", "JPN"]) expect(slugs(query)[0], query).toBe("japan");
    expect(slugs("usa")[0]).toBe("united-states");
    expect(slugs("uk")[0]).toBe("united-kingdom");
    expect(slugs("uae")[0]).toBe("united-arab-emirates");
    expect(slugs("korea")).toContain("south-korea");
    expect(slugs("türkiye")).toContain("turkey");
    // A region first, then the countries it covers.
    expect(slugs("europe")[0]).toBe("europe");
    expect(slugs("europe")).toContain("france");
    expect(slugs("jap").every((slug) => slug === "japan")).toBe(true);
    expect(slugs("no-such-place-xyz")).toEqual([]);
  });

  it("lists countries before regions, each from its cheapest active plan", async () => {
    const all = await readDestinations();
    const kinds = all.map((d) => d.kind);
    expect(kinds.indexOf("REGION")).toBeGreaterThan(kinds.lastIndexOf("COUNTRY"));
    const japan = all.find((d) => d.slug === "japan")!;
    const japanPlans = await db().plan.findMany({ where: { destinationSlug: "japan", active: true } });
    expect(japan).toMatchObject({
      planCount: japanPlans.length,
      fromPriceMinor: Math.min(...japanPlans.map((p) => p.priceMinor)),
      currency: "USD",
      countryCodes: ["JP"],
    });

    const page = await readDestinationPage("japan");
    expect(page!.plans.map((p) => p.id).sort()).toEqual(japanPlans.map((p) => p.id).sort());
    const prices = page!.plans.map((p) => p.priceMinor);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    // What customers see never carries what the store pays.
    expect(page!.plans[0]).not.toHaveProperty("wholesaleMinor");
  });

  it("shows a country's page the regional and global plans covering it, and a region's page its countries", async () => {
    const japan = await readDestinationPage("japan");
    const covering = new Set(japan!.coveringPlans.map((p) => p.destinationSlug));
    expect(covering).toContain("asia-30");
    expect(covering).toContain("global");
    expect(covering).not.toContain("europe");
    expect(japan!.coveringPlans.every((p) => p.destinationKind === "REGION")).toBe(true);

    const europe = await readDestinationPage("europe");
    expect(europe!.coveringPlans).toEqual([]);
    expect(europe!.countries.map((c) => c.code)).toEqual(expect.arrayContaining(["FR", "DE", "GB"]));
    expect(europe!.countries.find((c) => c.code === "FR")).toMatchObject({ name: "France", slug: "france" });
  });

  it("gives a plan's page its coverage and the look-alike plans of its destination, and nothing for a withdrawn plan", async () => {
    const plan = await db().plan.findFirstOrThrow({ where: { destinationSlug: "japan", active: true }, orderBy: { priceMinor: "asc" } });
    const page = await readPlanPage(plan.id);
    expect(page!.plan).toMatchObject({ id: plan.id, destinationName: "Japan", maxQuantity: expect.any(Number) });
    expect(page!.countries).toEqual([{ code: "JP", name: "Japan", slug: "japan" }]);
    for (const other of page!.lookalikes) expect(other).toMatchObject({ dataMb: plan.dataMb, days: plan.days, dayPass: plan.dayPass });

    await db().plan.update({ where: { id: plan.id }, data: { active: false } });
    try {
      expect(await readPlanPage(plan.id)).toBeNull();
    } finally {
      await db().plan.update({ where: { id: plan.id }, data: { active: true } });
    }
  });
});

describe("admin prices", () => {
  it("records who changed a price, from what to what, and refuses non-prices", async () => {
    const admin = await createCustomer("price-admin", Role.ADMIN);
    const plan = await catalogPlan({ provider: "mioesim", planRef: "31:311", priceMinor: 599 });

    await setPlanPrice(plan.id, 899, admin.id, { ip: "203.0.113.7", userAgent: "test" });

    expect(await db().plan.findUniqueOrThrow({ where: { id: plan.id } })).toMatchObject({ priceMinor: 899, priceOverridden: true });
    const entries = await db().auditLog.findMany({ where: { action: "plan.price_set", entityId: plan.id } });
    expect(entries).toEqual([
      expect.objectContaining({ actorId: admin.id, entityType: "Plan", details: { from: 599, to: 899 }, ip: "203.0.113.7" }),
    ]);

    for (const bad of [0, -100, 12.5]) await expect(setPlanPrice(plan.id, bad, admin.id, null)).rejects.toBeInstanceOf(RangeError);
    expect((await db().plan.findUniqueOrThrow({ where: { id: plan.id } })).priceMinor).toBe(899);
  });
});
