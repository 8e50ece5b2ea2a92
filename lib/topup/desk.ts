/**
 * Mobile top-ups on the admin desk: the list, one top-up with its timeline
 * and the MeiSIM history rows that could be its recharge, and the two ways
 * out of review that read MeiSIM's own records. Every status change goes
 * through the top-up lifecycle (applyTopupTransition), which audits it with
 * the admin and the reason; refunds go through lib/topup/refund.ts.
 */
import "server-only";
import type { RequestOrigin } from "../audit";
import { db } from "../db/client";
import { MobileTopupStatus } from "../generated/prisma/client";
import { applyTopupTransition, canResolveTopupReview } from "../orders/mobile-topup-lifecycle";
import { describeProviderFailure } from "../providers/errors";
import type { MeisimOrderRecord } from "../providers/meisim";
import { meisimClient } from "../providers/registry";
import { unclaimedTopupsSince } from "./recharge";

/** A refusal the admin reads as it is: the top-up is left as it was. */
export class TopupDeskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TopupDeskError";
  }
}

const PAGE_SIZE = 50;

/** The newest top-ups, of one state when asked. */
export async function listTopupsForDesk(status: MobileTopupStatus | null) {
  return db().mobileTopup.findMany({
    where: status ? { status } : {},
    orderBy: [{ createdAt: "desc" }],
    take: PAGE_SIZE,
  });
}

export async function topupForDesk(id: string) {
  const topup = await db().mobileTopup.findUnique({ where: { id }, include: { events: { orderBy: { createdAt: "asc" } } } });
  if (!topup) return null;
  const audit = await db().auditLog.findMany({ where: { entityType: "MobileTopup", entityId: id }, orderBy: { createdAt: "asc" } });
  return { ...topup, audit };
}

export type DeskTopup = NonNullable<Awaited<ReturnType<typeof topupForDesk>>>;

/**
 * What MeiSIM's history (GET /api/v1/orders, its last 100 orders) shows that
 * could be this top-up's recharge: its top-up rows since the top-up was sent
 * (or paid), not claimed by another top-up of ours. A message instead when
 * MeiSIM cannot be read.
 */
export async function rechargeCandidates(topup: {
  id: string;
  rechargeSentAt: Date | null;
  paidAt: Date | null;
  createdAt: Date;
}): Promise<{ ok: true; rows: MeisimOrderRecord[] } | { ok: false; message: string }> {
  try {
    const history = await meisimClient().account.orders();
    return { ok: true, rows: await unclaimedTopupsSince(history, topup.rechargeSentAt ?? topup.paidAt ?? topup.createdAt, topup.id) };
  } catch (err) {
    return { ok: false, message: `MeiSIM's history could not be read: ${describeProviderFailure(err)}` };
  }
}

/**
 * "Recharged at MeiSIM": the admin names the history row that is this
 * top-up's recharge. It is read from MeiSIM again, not taken on trust: it
 * must be a completed top-up since the request, and no other top-up's. Sent
 * again for a top-up already recorded with that row, it changes nothing.
 */
export async function recordUpstreamRecharge(
  id: string,
  historyId: string,
  by: { actorId: string; reason: string; origin?: RequestOrigin | null },
): Promise<"recorded" | "already_recorded"> {
  const topup = await db().mobileTopup.findUnique({ where: { id } });
  if (!topup) throw new TopupDeskError("There is no such top-up.");
  if (topup.status === MobileTopupStatus.RECHARGED && topup.rechargeRef === historyId) return "already_recorded";
  if (!canResolveTopupReview(topup)) throw new TopupDeskError("Only a top-up in review can be recorded as recharged.");
  const candidates = await rechargeCandidates(topup);
  if (!candidates.ok) throw new TopupDeskError(candidates.message);
  const row = candidates.rows.find((r) => r.id === historyId);
  if (!row)
    throw new TopupDeskError(
      `MeiSIM's history shows no top-up ${historyId} since this one was sent that another top-up has not claimed. Check the reference.`,
    );
  if (row.status !== "completed")
    throw new TopupDeskError(
      `MeiSIM's history shows top-up ${historyId} as "${row.status}", not completed: it cannot be recorded as done.`,
    );
  const moved = await applyTopupTransition(id, "upstream_recharge_recorded", {
    actorId: by.actorId,
    origin: by.origin,
    data: { rechargeRef: row.id, rechargedAt: new Date(), reviewReason: null },
    details: { reason: by.reason, historyId: row.id, historyStatus: row.status, historyCreatedAt: row.createdAt },
  });
  if (!moved) throw new TopupDeskError("The top-up changed meanwhile: reload the page.");
  return "recorded";
}
