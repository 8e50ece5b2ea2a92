import "server-only";
import { z } from "zod";
import type { AdminActor } from "../admin/meisim-tools";
import { recordAudit } from "../audit";
import { db } from "../db/client";
import { DestinationKind } from "../generated/prisma/client";
import { countryName, normaliseAlpha2 } from "../geo/countries";
import { DEALER_PRODUCT_ID, dealerPlanRef } from "../providers/meisim/dealer-products";
import { isUsPrepaidProduct } from "../providers/meisim/wallet-api";
import { textField } from "../validation";
import { invalidateCatalog } from "./cache";
import { DESTINATIONS_TAG, destinationTag, planTag } from "./cache-tags";
import { floorPriceMinor } from "./pricing";
import { paymentFee } from "./settings";
import { destinationSlug } from "./sync";

/**
 * MeiSIM dealer products, sold through POST /dealer/order. The documents list
 * no catalog for them (no name, price, data or validity), so an admin adds
 * each by MeiSIM's productId and types what the store shows. The dealer cost
 * is the admin's expectation too: no MeiSIM answer gives it before an order
 * (only /dealer/order's own answer, unitPriceUsd). It is the plan's
 * wholesale, used for the wallet check before payment and for margins.
 * Dealer products are priced by hand (never by the markup), never withdrawn
 * by a catalog sync, and never swapped for another provider's plan.
 */

/** The catalog's currency: MeiSIM bills in USD and the store sells in it. */
const CURRENCY = "USD";

export const DealerProductInput = z
  .object({
    productId: z.string().trim().regex(DEALER_PRODUCT_ID, "MeiSIM product ids look like p3:att-prepaid-30 (tier, colon, lower-case name)."),
    name: textField({ min: 3, max: 80, label: "The name" }),
    country: z
      .string()
      .trim()
      .transform((code, ctx) => {
        const alpha2 = normaliseAlpha2(code);
        if (!alpha2 || !countryName(alpha2)) {
          ctx.addIssue({ code: "custom", message: "Enter the destination's two-letter country code, e.g. US." });
          return z.NEVER;
        }
        return alpha2;
      }),
    priceMinor: z.number().int().positive(),
    dealerCostMinor: z.number().int().positive(),
    days: z.number().int().min(1).max(365),
    /** Null: the product states no data allowance (shown as unlimited). */
    dataMb: z.number().int().positive().nullable(),
    usPrepaid: z.boolean(),
  })
  .refine((p) => p.usPrepaid || !isUsPrepaidProduct(p.productId), {
    path: ["usPrepaid"],
    message: "This product id names a US prepaid product: MeiSIM requires the IMEI, EID and address for it.",
  });
export type DealerProductInput = z.output<typeof DealerProductInput>;

export class DealerProductPriceError extends RangeError {
  constructor(readonly floorMinor: number) {
    super(`The retail price must be at least ${(floorMinor / 100).toFixed(2)} USD: the dealer cost plus the card fee.`);
    this.name = "DealerProductPriceError";
  }
}

export function listDealerProducts() {
  return db().dealerProduct.findMany({ include: { plan: { include: { destination: true } } }, orderBy: { productId: "asc" } });
}

/** Whether a plan is a dealer product, and a US prepaid one (which needs the activation details at checkout); null for other plans. */
export async function dealerProductOfPlan(planId: string): Promise<{ productId: string; usPrepaid: boolean } | null> {
  return db().dealerProduct.findUnique({ where: { planId }, select: { productId: true, usPrepaid: true } });
}

async function destinationFor(alpha2: string): Promise<string> {
  const existing = await db().destination.findFirst({ where: { kind: DestinationKind.COUNTRY, countryCodes: { equals: [alpha2] } } });
  if (existing) return existing.slug;
  const name = countryName(alpha2)!;
  const slug = destinationSlug({ providerRef: alpha2, name, kind: "country", countryCodes: [alpha2] });
  await db().destination.upsert({
    where: { slug },
    create: { slug, name, kind: DestinationKind.COUNTRY, countryCodes: [alpha2] },
    update: {},
  });
  return slug;
}

/** Adds the product, or changes it and puts it back on sale; audited with the admin's reason. */
export async function saveDealerProduct(input: DealerProductInput, actor: AdminActor): Promise<{ planId: string }> {
  const floorMinor = floorPriceMinor(input.dealerCostMinor, paymentFee());
  if (input.priceMinor < floorMinor) throw new DealerProductPriceError(floorMinor);
  const slug = await destinationFor(input.country);
  const planRef = dealerPlanRef(input.productId);
  const fields = {
    destinationSlug: slug,
    name: input.name,
    dataMb: input.dataMb,
    days: input.days,
    wholesaleMinor: input.dealerCostMinor,
    priceMinor: input.priceMinor,
    currency: CURRENCY,
    priceOverridden: true,
    renewable: false,
    dayPass: false,
    cancellable: false,
    cancellationPolicy: "MeiSIM activates this plan and emails you the activation; it cannot be cancelled once ordered.",
    active: true,
    withdrawnByAdmin: false,
    notChosen: false,
    syncedAt: new Date(),
  };
  const { plan, before } = await db().$transaction(async (tx) => {
    const before = await tx.plan.findUnique({ where: { provider_planRef: { provider: "meisim", planRef } } });
    const plan = await tx.plan.upsert({
      where: { provider_planRef: { provider: "meisim", planRef } },
      create: { provider: "meisim", planRef, ...fields },
      update: fields,
    });
    await tx.dealerProduct.upsert({
      where: { productId: input.productId },
      create: { productId: input.productId, planId: plan.id, usPrepaid: input.usPrepaid, createdById: actor.actorId },
      update: { usPrepaid: input.usPrepaid },
    });
    await recordAudit(
      {
        actorId: actor.actorId,
        action: before ? "dealer_product.updated" : "dealer_product.added",
        entityType: "DealerProduct",
        entityId: input.productId,
        details: { reason: actor.reason, planId: plan.id, ...input },
        origin: actor.origin,
      },
      tx,
    );
    return { plan, before };
  });
  const tags = [planTag(plan.id), destinationTag(slug), DESTINATIONS_TAG];
  if (before && before.destinationSlug !== slug) tags.push(destinationTag(before.destinationSlug));
  await invalidateCatalog(tags);
  return { planId: plan.id };
}

/** Takes the product off sale (orders already placed are untouched); false when there is no such product. */
export async function withdrawDealerProduct(productId: string, actor: AdminActor): Promise<boolean> {
  const plan = await db().$transaction(async (tx) => {
    const product = await tx.dealerProduct.findUnique({ where: { productId }, include: { plan: true } });
    if (!product) return null;
    await tx.plan.update({ where: { id: product.planId }, data: { active: false, withdrawnByAdmin: true } });
    await recordAudit(
      {
        actorId: actor.actorId,
        action: "dealer_product.withdrawn",
        entityType: "DealerProduct",
        entityId: productId,
        details: { reason: actor.reason, planId: product.planId },
        origin: actor.origin,
      },
      tx,
    );
    return product.plan;
  });
  if (!plan) return false;
  await invalidateCatalog([planTag(plan.id), destinationTag(plan.destinationSlug), DESTINATIONS_TAG]);
  return true;
}
