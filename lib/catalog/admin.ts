import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { db } from "../db/client";

/** An admin's price replaces the markup price and survives catalog syncs. False when there is no such plan. */
export async function setPlanPrice(planId: string, priceMinor: number, actorId: string, origin: RequestOrigin | null): Promise<boolean> {
  if (!Number.isInteger(priceMinor) || priceMinor <= 0) throw new RangeError("A price must be a positive number of cents.");
  return db().$transaction(async (tx) => {
    const before = await tx.plan.findUnique({ where: { id: planId } });
    if (!before) return false;
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
    return true;
  });
}

/** False when there is no such plan. */
export async function setPlanActive(planId: string, active: boolean, actorId: string, origin: RequestOrigin | null): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const { count } = await tx.plan.updateMany({ where: { id: planId }, data: { active, withdrawnByAdmin: !active } });
    if (count === 0) return false;
    await recordAudit(
      { actorId, action: active ? "plan.activated" : "plan.deactivated", entityType: "Plan", entityId: planId, origin },
      tx,
    );
    return true;
  });
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
