import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";
import { invalidateCatalog } from "./cache";
import { DESTINATIONS_TAG, destinationTag, planTag } from "./cache-tags";
import { floorPriceMinor } from "./pricing";
import { paymentFee } from "./settings";

/** A hand-set price below wholesale plus the payment fee would sell at a loss. */
export class PriceBelowFloorError extends RangeError {
  constructor(readonly floorMinor: number) {
    super(`A price below ${floorMinor} cents would not cover wholesale plus the payment fee.`);
    this.name = "PriceBelowFloorError";
  }
}

/** What a storefront page shows of one plan: its own page, its destination's list, the "from" prices. */
function tagsOfPlan(plan: { id: string; destinationSlug: string }): string[] {
  return [planTag(plan.id), destinationTag(plan.destinationSlug), DESTINATIONS_TAG];
}

/** An admin's price replaces the markup price and survives catalog syncs. False when there is no such plan; PriceBelowFloorError below the floor. */
export async function setPlanPrice(planId: string, priceMinor: number, actorId: string, origin: RequestOrigin | null): Promise<boolean> {
  if (!Number.isInteger(priceMinor) || priceMinor <= 0) throw new RangeError("A price must be a positive number of cents.");
  const saved = await db().$transaction(async (tx) => {
    const before = await tx.plan.findUnique({ where: { id: planId } });
    if (!before) return null;
    const floorMinor = floorPriceMinor(before.wholesaleMinor, paymentFee());
    if (priceMinor < floorMinor) throw new PriceBelowFloorError(floorMinor);
    await tx.plan.update({ where: { id: planId }, data: { priceMinor, priceOverridden: true } });
    await recordAudit(
      {
        actorId,
        action: "plan.price_set",
        entityType: "Plan",
        entityId: planId,
        details: { from: before.priceMinor, to: priceMinor },
        origin,
      },
      tx,
    );
    return before;
  });
  if (!saved) return false;
  await invalidateCatalog(tagsOfPlan(saved));
  return true;
}

/** False when there is no such plan. */
export async function setPlanActive(planId: string, active: boolean, actorId: string, origin: RequestOrigin | null): Promise<boolean> {
  const changed = await db().$transaction(async (tx) => {
    const { count } = await tx.plan.updateMany({ where: { id: planId }, data: { active, withdrawnByAdmin: !active } });
    if (count === 0) return null;
    await recordAudit(
      { actorId, action: active ? "plan.activated" : "plan.deactivated", entityType: "Plan", entityId: planId, origin },
      tx,
    );
    return tx.plan.findUniqueOrThrow({ where: { id: planId }, select: { id: true, destinationSlug: true } });
  });
  if (!changed) return false;
  await invalidateCatalog(tagsOfPlan(changed));
  return true;
}

export function searchPlans(query: string | undefined, take = 100) {
  const q = query?.trim();
  return db().plan.findMany({
    where: q
      ? { OR: [{ name: { contains: q, mode: "insensitive" } }, { destination: { name: { contains: q, mode: "insensitive" } } }] }
      : {},
    include: { destination: { select: { name: true } } },
    orderBy: [{ destinationSlug: "asc" }, { priceMinor: "asc" }],
    take,
  });
}
