/**
 * The store's pricing rules as an admin keeps them in the database: the
 * store-wide markup and rounding step (StoreSettings, defaulting to the
 * environment's CATALOG_MARKUP_PERCENT until first saved), markups per
 * destination and per plan (PriceOverride), and, where both providers sell
 * the same plan shape for a destination, which one the store sells
 * (PlanShapeChoice, or the cheaper one automatically).
 *
 * Every change reprices the catalog here (plans with a hand-set price keep
 * it), applies the provider choices, and expires the cache tags of what
 * changed, so the storefront shows a saved price on its next view. The
 * catalog sync prices with the same rules, loaded once per run.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { env } from "../config/env";
import { db } from "../db/client";
import { invalidateCatalog } from "./cache";
import { CATALOG_TAG, DESTINATIONS_TAG, destinationTag, planTag } from "./cache-tags";
import { grossMarginMinor, storePriceMinor, type PaymentFee, type PriceQuote, type PricingRules } from "./pricing";

const SETTINGS_ID = 1;

export interface StorePricing {
  markupBasisPoints: number;
  roundingStepMinor: number;
  autoCheapest: boolean;
  /** Never saved by an admin: the environment's markup applies. */
  fromEnvironment: boolean;
}

/** The processor's fee per sale, from PAYMENT_FEE_PERCENT and PAYMENT_FEE_FIXED_MINOR. */
export function paymentFee(): PaymentFee {
  const e = env();
  return { basisPoints: Math.round(e.PAYMENT_FEE_PERCENT * 100), fixedMinor: e.PAYMENT_FEE_FIXED_MINOR };
}

export async function readStorePricing(): Promise<StorePricing> {
  const saved = await db().storeSettings.findUnique({ where: { id: SETTINGS_ID } });
  if (saved) return { ...pick(saved), fromEnvironment: false };
  return {
    markupBasisPoints: Math.round(env().CATALOG_MARKUP_PERCENT * 100),
    roundingStepMinor: 100,
    autoCheapest: false,
    fromEnvironment: true,
  };
}

function pick({ markupBasisPoints, roundingStepMinor, autoCheapest }: StorePricingInput) {
  return { markupBasisPoints, roundingStepMinor, autoCheapest };
}

/** Everything a price is computed from, read once (a sync or a repricing prices hundreds of plans with it). */
export interface PricingContext {
  store: StorePricing;
  rules: PricingRules;
  destinationMarkups: Map<string, number>;
  planMarkups: Map<string, number>;
}

export async function loadPricing(): Promise<PricingContext> {
  const [store, overrides] = await Promise.all([readStorePricing(), db().priceOverride.findMany()]);
  return contextOf(store, overrides);
}

function contextOf(
  store: StorePricing,
  overrides: { destinationSlug: string | null; planId: string | null; markupBasisPoints: number }[],
): PricingContext {
  return {
    store,
    rules: { markupBasisPoints: store.markupBasisPoints, roundingStepMinor: store.roundingStepMinor, fee: paymentFee() },
    destinationMarkups: new Map(overrides.flatMap((o) => (o.destinationSlug ? [[o.destinationSlug, o.markupBasisPoints] as const] : []))),
    planMarkups: new Map(overrides.flatMap((o) => (o.planId ? [[o.planId, o.markupBasisPoints] as const] : []))),
  };
}

export type MarkupSource = "store" | "destination" | "plan";

export interface PlanPrice extends PriceQuote {
  markupBasisPoints: number;
  source: MarkupSource;
  marginMinor: number;
}

/** A plan's price under the rules: its own markup, else its destination's, else the store's; never below the floor. */
export function priceOf(plan: { id?: string; destinationSlug: string; wholesaleMinor: number }, ctx: PricingContext): PlanPrice {
  const own = plan.id === undefined ? undefined : ctx.planMarkups.get(plan.id);
  const destination = ctx.destinationMarkups.get(plan.destinationSlug);
  const [markupBasisPoints, source]: [number, MarkupSource] =
    own !== undefined ? [own, "plan"] : destination !== undefined ? [destination, "destination"] : [ctx.rules.markupBasisPoints, "store"];
  const quote = storePriceMinor(plan.wholesaleMinor, markupBasisPoints, ctx.rules);
  return { ...quote, markupBasisPoints, source, marginMinor: grossMarginMinor(quote.priceMinor, plan.wholesaleMinor, ctx.rules.fee) };
}

// ---------------------------------------------------------------- preview

export interface PricingPreviewRow {
  planId: string;
  destinationSlug: string;
  name: string;
  provider: string;
  wholesaleMinor: number;
  currency: string;
  beforeMinor: number;
  afterMinor: number;
  marginBeforeMinor: number;
  marginAfterMinor: number;
  floored: boolean;
}

export interface PricingPreview {
  /** Plans on sale whose price the markup decides (hand-set prices are not touched). */
  priced: number;
  changed: number;
  floored: number;
  marginBeforeMinor: number;
  marginAfterMinor: number;
  /** The largest changes first. */
  rows: PricingPreviewRow[];
}

/** What saving these store-wide settings would do to the plans on sale, before anything is saved. */
export async function previewStorePricing(change: StorePricingInput, take = 50): Promise<PricingPreview> {
  const current = await loadPricing();
  const proposed = contextOf({ ...current.store, ...change, fromEnvironment: false }, [
    ...[...current.destinationMarkups].map(([destinationSlug, markupBasisPoints]) => ({
      destinationSlug,
      planId: null,
      markupBasisPoints,
    })),
    ...[...current.planMarkups].map(([planId, markupBasisPoints]) => ({ destinationSlug: null, planId, markupBasisPoints })),
  ]);
  const plans = await db().plan.findMany({
    where: { active: true, priceOverridden: false },
    select: { id: true, destinationSlug: true, name: true, provider: true, wholesaleMinor: true, currency: true, priceMinor: true },
  });
  const rows = plans.map((plan) => {
    const after = priceOf(plan, proposed);
    return {
      planId: plan.id,
      destinationSlug: plan.destinationSlug,
      name: plan.name,
      provider: plan.provider,
      wholesaleMinor: plan.wholesaleMinor,
      currency: plan.currency,
      beforeMinor: plan.priceMinor,
      afterMinor: after.priceMinor,
      marginBeforeMinor: grossMarginMinor(plan.priceMinor, plan.wholesaleMinor, current.rules.fee),
      marginAfterMinor: after.marginMinor,
      floored: after.floored,
    };
  });
  const changed = rows.filter((r) => r.afterMinor !== r.beforeMinor);
  return {
    priced: rows.length,
    changed: changed.length,
    floored: rows.filter((r) => r.floored).length,
    marginBeforeMinor: rows.reduce((sum, r) => sum + r.marginBeforeMinor, 0),
    marginAfterMinor: rows.reduce((sum, r) => sum + r.marginAfterMinor, 0),
    rows: changed
      .sort((a, b) => Math.abs(b.afterMinor - b.beforeMinor) - Math.abs(a.afterMinor - a.beforeMinor) || a.planId.localeCompare(b.planId))
      .slice(0, take),
  };
}

// ---------------------------------------------------------------- changes

export interface StorePricingInput {
  markupBasisPoints: number;
  roundingStepMinor: number;
  autoCheapest: boolean;
}

export interface RepriceResult {
  repriced: number;
  /** Plans put on or taken off sale by the provider choices. */
  switched: number;
}

/** Saves the store-wide rules and reprices the catalog. A markup change can move any price, so every catalog page expires. */
export async function saveStorePricing(input: StorePricingInput, actorId: string, origin: RequestOrigin | null): Promise<RepriceResult> {
  const before = await readStorePricing();
  await db().$transaction(async (tx) => {
    await tx.storeSettings.upsert({
      where: { id: SETTINGS_ID },
      create: { id: SETTINGS_ID, ...input, updatedById: actorId },
      update: { ...input, updatedById: actorId },
    });
    await recordAudit(
      {
        actorId,
        action: "pricing.store_set",
        entityType: "StoreSettings",
        entityId: String(SETTINGS_ID),
        details: { from: pick(before), to: { ...input } },
        origin,
      },
      tx,
    );
  });
  const { result } = await repriceCatalog();
  await invalidateCatalog([CATALOG_TAG]);
  return result;
}

/** Sets (a number) or removes (null) the markup of one destination or one plan; false when there is no such destination or plan. */
export async function setMarkupOverride(
  target: { destinationSlug: string } | { planId: string },
  markupBasisPoints: number | null,
  actorId: string,
  origin: RequestOrigin | null,
): Promise<RepriceResult | null> {
  const where = "planId" in target ? { planId: target.planId } : { destinationSlug: target.destinationSlug };
  const exists =
    "planId" in target
      ? await db().plan.count({ where: { id: target.planId } })
      : await db().destination.count({ where: { slug: target.destinationSlug } });
  if (!exists) return null;
  await db().$transaction(async (tx) => {
    const before = await tx.priceOverride.findUnique({ where });
    if (markupBasisPoints === null) await tx.priceOverride.deleteMany({ where });
    else
      await tx.priceOverride.upsert({
        where,
        create: { ...where, markupBasisPoints, updatedById: actorId },
        update: { markupBasisPoints, updatedById: actorId },
      });
    await recordAudit(
      {
        actorId,
        action: markupBasisPoints === null ? "pricing.override_removed" : "pricing.override_set",
        entityType: "planId" in target ? "Plan" : "Destination",
        entityId: "planId" in target ? target.planId : target.destinationSlug,
        details: { from: before?.markupBasisPoints ?? null, to: markupBasisPoints },
        origin,
      },
      tx,
    );
  });
  const { result, tags } = await repriceCatalog();
  await invalidateCatalog(tags.size > 0 ? [DESTINATIONS_TAG, ...tags] : []);
  return result;
}

/**
 * Writes the price the rules give to every plan whose price is not hand-set,
 * then applies the provider choices. Returns the cache tags of what changed
 * (the caller expires them).
 */
export async function repriceCatalog(ctx?: PricingContext): Promise<{ result: RepriceResult; tags: Set<string> }> {
  const pricing = ctx ?? (await loadPricing());
  const plans = await db().plan.findMany({
    where: { priceOverridden: false },
    select: { id: true, destinationSlug: true, wholesaleMinor: true, priceMinor: true },
  });
  const changed = plans.flatMap((plan) => {
    const { priceMinor } = priceOf(plan, pricing);
    return priceMinor === plan.priceMinor ? [] : [{ ...plan, priceMinor }];
  });
  if (changed.length > 0) {
    // One statement for the lot: a markup change can reprice the whole catalog.
    await db().$executeRaw`
      UPDATE "Plan" SET "priceMinor" = u.price
      FROM unnest(${changed.map((p) => p.id)}::text[], ${changed.map((p) => p.priceMinor)}::int[]) AS u(id, price)
      WHERE "Plan"."id" = u.id AND "Plan"."priceOverridden" = false`;
  }
  const tags = new Set<string>();
  for (const plan of changed) tags.add(planTag(plan.id)).add(destinationTag(plan.destinationSlug));
  const choices = await applyShapeChoices(pricing.store.autoCheapest);
  for (const tag of choices.tags) tags.add(tag);
  return { result: { repriced: changed.length, switched: choices.switched }, tags };
}

// ---------------------------------------------------------------- which provider sells a plan shape

interface ShapedPlan {
  id: string;
  provider: string;
  destinationSlug: string;
  dataMb: number | null;
  days: number;
  dayPass: boolean;
  priceMinor: number;
  wholesaleMinor: number;
}

/** Plans with the same data, days and kind are the same offer to a customer, whoever provides them. */
export function shapeKey(plan: Pick<ShapedPlan, "dataMb" | "days" | "dayPass">): string {
  return [plan.dataMb ?? "unlimited", plan.days, plan.dayPass ? "daily" : "total"].join("|");
}

/** Sellable plans (on sale, or off sale only because another provider's is chosen), grouped by destination and shape. */
async function shapeGroups() {
  const plans = await db().plan.findMany({
    // A MeiSIM dealer product is the admin's own listing: it is sold as added, never swapped for another provider's plan.
    where: { withdrawnByAdmin: false, dealerProduct: null, OR: [{ active: true }, { notChosen: true }] },
    select: {
      id: true,
      provider: true,
      destinationSlug: true,
      name: true,
      dataMb: true,
      days: true,
      dayPass: true,
      priceMinor: true,
      wholesaleMinor: true,
      currency: true,
      active: true,
      notChosen: true,
    },
    orderBy: [{ priceMinor: "asc" }, { id: "asc" }],
  });
  const groups = new Map<string, typeof plans>();
  for (const plan of plans) {
    const key = `${plan.destinationSlug}\n${shapeKey(plan)}`;
    groups.set(key, [...(groups.get(key) ?? []), plan]);
  }
  return [...groups.values()];
}

/** The provider a group sells: the admin's choice while that provider offers the shape, else the cheapest when automatic, else all. */
function sellingProvider(group: ShapedPlan[], chosen: string | undefined, autoCheapest: boolean): string | null {
  const providers = new Set(group.map((p) => p.provider));
  if (providers.size < 2) return null;
  if (chosen && providers.has(chosen)) return chosen;
  // The group is sorted by price, so its first plan is the cheapest (ties: the stable id order).
  return autoCheapest ? group[0]!.provider : null;
}

/** Puts on sale the chosen provider's plans of each shape and takes the others off; returns how many moved and their tags. */
export async function applyShapeChoices(autoCheapest?: boolean): Promise<{ switched: number; tags: Set<string> }> {
  const auto = autoCheapest ?? (await readStorePricing()).autoCheapest;
  const [groups, choices] = await Promise.all([shapeGroups(), db().planShapeChoice.findMany()]);
  const chosen = new Map(choices.map((c) => [`${c.destinationSlug}\n${c.shapeKey}`, c.provider]));
  const sell: string[] = [];
  const drop: string[] = [];
  const tags = new Set<string>();
  for (const group of groups) {
    const provider = sellingProvider(group, chosen.get(`${group[0]!.destinationSlug}\n${shapeKey(group[0]!)}`), auto);
    for (const plan of group) {
      const onSale = provider === null || plan.provider === provider;
      // Only plans whose flags differ from what they should be are written.
      if (onSale && (!plan.active || plan.notChosen)) sell.push(plan.id);
      else if (!onSale && (plan.active || !plan.notChosen)) drop.push(plan.id);
      else continue;
      tags.add(planTag(plan.id)).add(destinationTag(plan.destinationSlug));
    }
  }
  if (sell.length > 0) await db().plan.updateMany({ where: { id: { in: sell } }, data: { active: true, notChosen: false } });
  if (drop.length > 0) await db().plan.updateMany({ where: { id: { in: drop } }, data: { active: false, notChosen: true } });
  return { switched: sell.length + drop.length, tags };
}

export interface ShapeConflict {
  destinationSlug: string;
  shapeKey: string;
  chosen: string | null;
  /** The provider on sale now (null: both). */
  selling: string | null;
  plans: { id: string; provider: string; name: string; priceMinor: number; wholesaleMinor: number; currency: string; active: boolean }[];
}

/** Every destination and shape that more than one provider offers, for the admin to choose. */
export async function listShapeConflicts(): Promise<ShapeConflict[]> {
  const [groups, choices, store] = await Promise.all([shapeGroups(), db().planShapeChoice.findMany(), readStorePricing()]);
  const chosen = new Map(choices.map((c) => [`${c.destinationSlug}\n${c.shapeKey}`, c.provider]));
  return groups
    .filter((group) => new Set(group.map((p) => p.provider)).size > 1)
    .map((group) => {
      const key = `${group[0]!.destinationSlug}\n${shapeKey(group[0]!)}`;
      return {
        destinationSlug: group[0]!.destinationSlug,
        shapeKey: shapeKey(group[0]!),
        chosen: chosen.get(key) ?? null,
        selling: sellingProvider(group, chosen.get(key), store.autoCheapest),
        plans: group.map(({ id, provider, name, priceMinor, wholesaleMinor, currency, active }) => ({
          id,
          provider,
          name,
          priceMinor,
          wholesaleMinor,
          currency,
          active,
        })),
      };
    })
    .sort((a, b) => a.destinationSlug.localeCompare(b.destinationSlug) || a.shapeKey.localeCompare(b.shapeKey));
}

/** The admin picks the provider a destination's plan shape is sold from, or (null) goes back to the store-wide rule. */
export async function chooseShapeProvider(
  choice: { destinationSlug: string; shapeKey: string; provider: string | null },
  actorId: string,
  origin: RequestOrigin | null,
): Promise<RepriceResult> {
  const id = { destinationSlug: choice.destinationSlug, shapeKey: choice.shapeKey };
  await db().$transaction(async (tx) => {
    if (choice.provider === null) await tx.planShapeChoice.deleteMany({ where: id });
    else
      await tx.planShapeChoice.upsert({
        where: { destinationSlug_shapeKey: id },
        create: { ...id, provider: choice.provider, updatedById: actorId },
        update: { provider: choice.provider, updatedById: actorId },
      });
    await recordAudit(
      {
        actorId,
        action: "pricing.provider_chosen",
        entityType: "Destination",
        entityId: choice.destinationSlug,
        details: { ...choice },
        origin,
      },
      tx,
    );
  });
  const { switched, tags } = await applyShapeChoices();
  await invalidateCatalog(tags.size > 0 ? [DESTINATIONS_TAG, ...tags] : []);
  return { repriced: 0, switched };
}
