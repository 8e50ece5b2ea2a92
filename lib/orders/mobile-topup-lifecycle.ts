/**
 * The one home of a mobile top-up's life, in the style of the order
 * lifecycle (./lifecycle.ts): states, the events that move them, and the
 * allowed transitions as one table. A top-up is not an Order (no catalog
 * plan, no eSIM, may belong to a guest), so it has its own small table; but
 * every status write goes through `applyTopupTransition`, which updates only
 * from an expected state under a row lock (and, for a recharge run, only
 * while it holds the lease), and records the change in the top-up's timeline
 * and the audit log in the same transaction.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { db, type Prisma } from "../db/client";
import { MobileTopupStatus } from "../generated/prisma/client";

const { AWAITING_PAYMENT, PAID, RECHARGING, RECHARGED, NEEDS_REVIEW, REFUND_PENDING, REFUNDED, EXPIRED } = MobileTopupStatus;

/** event → the states it may start from → the state it leads to. */
export const TOPUP_TRANSITIONS = {
  /** Card or wallet payment confirmed. */
  paid: { from: [AWAITING_PAYMENT], to: PAID },
  /** The card payment page expired unpaid. */
  expired: { from: [AWAITING_PAYMENT], to: EXPIRED },
  /** A recharge run claimed the paid top-up (with a lease) and is talking to MeiSIM. */
  recharge_started: { from: [PAID], to: RECHARGING },
  /** MeiSIM accepted the recharge. */
  recharged: { from: [RECHARGING], to: RECHARGED },
  /** MeiSIM refused the recharge (nothing was charged upstream): the money goes back. */
  recharge_refused: { from: [RECHARGING], to: REFUND_PENDING },
  /** The outcome is unknown and MeiSIM's history cannot tell; a person decides. */
  review_needed: { from: [RECHARGING], to: NEEDS_REVIEW },
  /** Try again: automatically after a failure that may pass (nothing was sent), or an admin after review. */
  retry_requested: { from: [RECHARGING, NEEDS_REVIEW], to: PAID },
  /** An admin found the recharge in MeiSIM's records. */
  upstream_recharge_recorded: { from: [NEEDS_REVIEW], to: RECHARGED },
  /**
   * An admin gives the money back: a paid top-up not recharged (or found not
   * recharged in review), or a recharged one as a goodwill refund with its reason.
   * Never while a run is recharging it.
   */
  refund_requested: { from: [PAID, NEEDS_REVIEW, RECHARGED], to: REFUND_PENDING },
  /** The wallet ledger or Stripe confirmed the money went back. */
  refunded: { from: [REFUND_PENDING], to: REFUNDED },
  /**
   * The whole card payment was refunded outside this app (the Stripe
   * Dashboard), as Stripe's copy of the charge shows. Not while a recharge
   * run holds the top-up: its outcome is recorded first.
   */
  refunded_in_stripe: { from: [PAID, NEEDS_REVIEW, RECHARGED, REFUND_PENDING], to: REFUNDED },
} as const satisfies Record<string, { from: readonly MobileTopupStatus[]; to: MobileTopupStatus }>;

export type TopupEvent = keyof typeof TOPUP_TRANSITIONS;

export function canTopupTransition(status: MobileTopupStatus, event: TopupEvent): boolean {
  return (TOPUP_TRANSITIONS[event].from as readonly MobileTopupStatus[]).includes(status);
}

export interface TopupTransitionOptions {
  actorId?: string | null;
  /** Apply only while this recharge run still holds the lease. */
  leaseToken?: string;
  /** Other columns written with the status, in the same update. */
  data?: Omit<Prisma.MobileTopupUpdateInput, "status">;
  details?: Prisma.InputJsonObject;
  origin?: RequestOrigin | null;
}

type Tx = Prisma.TransactionClient;

/** Locks the top-up row until the transaction ends; taken before any wallet lock, always, so the two never deadlock. */
export async function lockTopup(tx: Tx, id: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "MobileTopup" WHERE id = ${id} FOR UPDATE`;
  return rows.length === 0 ? null : tx.mobileTopup.findUnique({ where: { id } });
}

/**
 * Moves the top-up by `event` if, and only if, its current state allows it;
 * returns false (changing nothing) otherwise. Pass a transaction to commit
 * the change with other writes (a wallet entry); without one it runs in its own.
 */
export async function applyTopupTransition(id: string, event: TopupEvent, options: TopupTransitionOptions = {}, tx?: Tx): Promise<boolean> {
  if (!tx) return db().$transaction((own) => applyTopupTransition(id, event, options, own));
  const rows = await tx.$queryRaw<{ status: MobileTopupStatus; leaseToken: string | null }[]>`
    SELECT status, "leaseToken" FROM "MobileTopup" WHERE id = ${id} FOR UPDATE`;
  const current = rows[0]?.status ?? null;
  if (current === null || !canTopupTransition(current, event)) return false;
  if (options.leaseToken !== undefined && rows[0]?.leaseToken !== options.leaseToken) return false;
  const rule = TOPUP_TRANSITIONS[event];
  await tx.mobileTopup.update({ where: { id }, data: { ...options.data, status: rule.to } });
  await tx.mobileTopupEvent.create({
    data: { topupId: id, event, from: current, to: rule.to, actorId: options.actorId ?? null, details: options.details },
  });
  await recordAudit(
    {
      actorId: options.actorId ?? null,
      action: `mobile_topup.${event}`,
      entityType: "MobileTopup",
      entityId: id,
      details: { from: current, to: rule.to, ...options.details },
      origin: options.origin,
    },
    tx,
  );
  return true;
}

// ---------------------------------------------------------------- the rules pages read

type StatusOf = { status: MobileTopupStatus };

export function canPayTopup(topup: StatusOf & { quoteExpiresAt: Date }, now = Date.now()): boolean {
  return canTopupTransition(topup.status, "paid") && topup.quoteExpiresAt.getTime() > now;
}

/** Paid, and the recharge is still on its way: the page shows progress. */
export function isRecharging(topup: StatusOf): boolean {
  return topup.status === PAID || topup.status === RECHARGING;
}

/** An admin may refund it from the desk: paid and not being recharged right now, and not refunded already. */
export function canRefundTopup(topup: StatusOf): boolean {
  return canTopupTransition(topup.status, "refund_requested");
}

/** In review: an admin resolves it from MeiSIM's records, as recharged (attach its history row) or not (refund). */
export function canResolveTopupReview(topup: StatusOf): boolean {
  return canTopupTransition(topup.status, "upstream_recharge_recorded");
}

export function topupStatusLabel(status: MobileTopupStatus): string {
  return TOPUP_STATUS_LABELS[status];
}

/** What customers and admins read for each state. */
const TOPUP_STATUS_LABELS: Record<MobileTopupStatus, string> = {
  AWAITING_PAYMENT: "Awaiting payment",
  PAID: "Paid, recharging",
  RECHARGING: "Recharging",
  RECHARGED: "Recharged",
  NEEDS_REVIEW: "Being checked",
  REFUND_PENDING: "Refund pending",
  REFUNDED: "Refunded",
  EXPIRED: "Expired",
};
