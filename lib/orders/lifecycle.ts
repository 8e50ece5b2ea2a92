/**
 * The one home of an order's life: its states, the events that move it, and
 * the allowed transitions as one table. Every status write goes through
 * `applyTransition`, which updates only from an expected state (so a late
 * writer can never overwrite a refund), and records the change in the audit
 * log and in the order's timeline. Pages and actions read the rules from the
 * predicates below, never from lists of their own.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { db, type Prisma } from "../db/client";
import { OrderStatus } from "../generated/prisma/client";

const {
  PENDING_PAYMENT,
  PAID,
  FULFILLING,
  FULFILLED,
  PARTIALLY_FULFILLED,
  NEEDS_REVIEW,
  FULFILMENT_FAILED,
  CANCEL_PENDING,
  CANCELLED,
  EXPIRED,
  REFUND_PENDING,
  PARTIALLY_REFUNDED,
  REFUNDED,
} = OrderStatus;

interface TransitionRule {
  from: readonly OrderStatus[];
  to: OrderStatus;
}

/** event → the states it may start from → the state it leads to. */
export const ORDER_TRANSITIONS = {
  /** Card or wallet payment confirmed. */
  paid: { from: [PENDING_PAYMENT], to: PAID },
  /** Not paid within the payment window (ORDER_PAYMENT_WINDOW_MINUTES). */
  expired: { from: [PENDING_PAYMENT], to: EXPIRED },
  /** The customer or an admin called off an order that was never paid. */
  cancelled: { from: [PENDING_PAYMENT], to: CANCELLED },
  /** A card payment arrived after the order expired, and the plan's price and stock still hold. */
  late_payment_accepted: { from: [EXPIRED], to: PAID },
  /** A card payment arrived for an order that expired (price or stock changed) or was cancelled: it goes back. */
  late_payment_refunded: { from: [EXPIRED, CANCELLED], to: REFUND_PENDING },
  /** A fulfilment run claimed the order and is talking to the provider. */
  placement_started: { from: [PAID], to: FULFILLING },
  /** Every ordered eSIM is installable. */
  delivered: { from: [FULFILLING], to: FULFILLED },
  /** Some eSIMs were delivered; the rest definitely were not placed. */
  partially_delivered: { from: [FULFILLING], to: PARTIALLY_FULFILLED },
  /** The upstream outcome is unknown and cannot be looked up; a person decides. */
  review_needed: { from: [FULFILLING], to: NEEDS_REVIEW },
  /** The provider refused the order: nothing was placed upstream. */
  placement_failed: { from: [FULFILLING], to: FULFILMENT_FAILED },
  /** An admin asks for fulfilment again (from FULFILLING only once the run's lease ran out; see canRetry). */
  retry_requested: { from: [FULFILMENT_FAILED, NEEDS_REVIEW, FULFILLING], to: PAID },
  /** Reconciliation found the order upstream with every eSIM's install data and recorded them; nothing was placed again. */
  upstream_order_recorded: { from: [NEEDS_REVIEW, FULFILMENT_FAILED, PARTIALLY_FULFILLED], to: FULFILLED },
  /** The provider accepted a cancellation that it is still processing. */
  cancel_pending: { from: [FULFILLED, PARTIALLY_FULFILLED], to: CANCEL_PENDING },
  /**
   * A refund is recorded and on its way. Never while a placement is in flight
   * (FULFILLING): the refund waits for the run to settle the order; and no
   * placement starts on an order with a refund.
   */
  refund_requested: {
    from: [PAID, FULFILLED, PARTIALLY_FULFILLED, NEEDS_REVIEW, FULFILMENT_FAILED, CANCEL_PENDING, PARTIALLY_REFUNDED],
    to: REFUND_PENDING,
  },
  /** The wallet ledger or Stripe confirmed the money went back, all of it. */
  refunded: { from: [REFUND_PENDING], to: REFUNDED },
  /** A refund of some cards of a multi-card order was confirmed; the other cards stay live. */
  partially_refunded: { from: [REFUND_PENDING], to: PARTIALLY_REFUNDED },
} as const satisfies Record<string, TransitionRule>;

export type OrderEvent = keyof typeof ORDER_TRANSITIONS;

export function canTransition(status: OrderStatus, event: OrderEvent): boolean {
  return (ORDER_TRANSITIONS[event].from as readonly OrderStatus[]).includes(status);
}

export interface TransitionOptions {
  actorId?: string | null;
  /** Apply only while this fulfilment run still holds the order's lease (a run whose lease was taken over changes nothing). */
  leaseToken?: string;
  /** Other columns written with the status, in the same update. */
  data?: Omit<Prisma.OrderUpdateInput, "status">;
  details?: Prisma.InputJsonValue;
  origin?: RequestOrigin | null;
}

type Tx = Prisma.TransactionClient;

/**
 * Moves the order by `event` if, and only if, its current state allows it.
 * Returns false (changing nothing) when it does not. Pass a transaction to
 * commit the change with other writes; without one it runs in its own.
 */
export async function applyTransition(otherOrderId: string, event: OrderEvent, options: TransitionOptions = {}, tx?: Tx): Promise<boolean> {
  if (!tx) return db().$transaction((own) => applyTransition(otherOrderId, event, options, own));
  const rows = await tx.$queryRaw<{ status: OrderStatus; leaseToken: string | null }[]>`
    SELECT status, "leaseToken" FROM "Order" WHERE "otherOrderId" = ${otherOrderId} FOR UPDATE`;
  const current = rows[0]?.status ?? null;
  if (current === null || !canTransition(current, event)) return false;
  if (options.leaseToken !== undefined && rows[0]?.leaseToken !== options.leaseToken) return false;
  const rule = ORDER_TRANSITIONS[event];
  await tx.order.update({ where: { otherOrderId }, data: { ...options.data, status: rule.to } });
  await tx.orderEvent.create({
    data: { orderId: otherOrderId, event, from: current, to: rule.to, actorId: options.actorId ?? null, details: options.details },
  });
  await recordAudit(
    {
      actorId: options.actorId ?? null,
      action: `order.${event}`,
      entityType: "Order",
      entityId: otherOrderId,
      details: {
        from: current,
        to: rule.to,
        ...(isObject(options.details) ? options.details : options.details === undefined ? {} : { details: options.details }),
      },
      origin: options.origin,
    },
    tx,
  );
  return true;
}

function isObject(value: unknown): value is Record<string, Prisma.InputJsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The lease token of an order handed to the order.poll job: still
 * FULFILLING (it may exist upstream), held by no run, and taken up only by
 * that job, one look-up at a time. Its expiry is when the job will have
 * given up at the latest, so until then neither an admin retry nor a
 * takeover by the recovery sweep touches it.
 */
export const AWAITING_PROVIDER = "awaiting-provider";

// ---------------------------------------------------------------- the rules pages read

type StatusOf = { status: OrderStatus };

export function canPay(order: StatusOf): boolean {
  return canTransition(order.status, "paid");
}

/** Unpaid and still open: the customer (or an admin) may call it off. */
export function canCancelUnpaid(order: StatusOf): boolean {
  return canTransition(order.status, "cancelled");
}

/** Paid, settled by fulfilment, and no refund on its way: the rest of the money can go back. */
export function canRefund(order: StatusOf): boolean {
  return canTransition(order.status, "refund_requested");
}

/**
 * One card of a multi-card order may be refunded on its own when the order
 * could be refunded and the card was delivered and not refunded already.
 */
export function canRefundCard(order: StatusOf & { quantity: number }, card: { refunded: boolean; delivered: boolean }): boolean {
  return order.quantity > 1 && canRefund(order) && card.delivered && !card.refunded;
}

/** True while a fulfilment run holds the order: its lease has not run out. */
export function hasLiveLease(order: { leaseExpiresAt: Date | null }, now = Date.now()): boolean {
  return order.leaseExpiresAt !== null && order.leaseExpiresAt.getTime() > now;
}

/** Failed, in review, or claimed by a run whose lease ran out: an admin may ask for fulfilment again. */
export function canRetry(order: StatusOf & { leaseExpiresAt: Date | null }, now = Date.now()): boolean {
  if (order.status === FULFILLING) return !hasLiveLease(order, now);
  return canTransition(order.status, "retry_requested");
}

/**
 * The outcome at the provider is not known yet: the order waits on the
 * provider's records (a lost answer being looked up again, an order still in
 * process), or a person is checking it with the provider. The customer's
 * page says we are confirming the eSIM with the network, never that it failed.
 */
export function isConfirmingWithProvider(order: StatusOf & { leaseToken: string | null }): boolean {
  return order.status === NEEDS_REVIEW || (order.status === FULFILLING && order.leaseToken === AWAITING_PROVIDER);
}

/** Paid, and the eSIM is still being set up: the page shows progress. */
export function isSettingUp(order: StatusOf): boolean {
  return order.status === PAID || order.status === FULFILLING;
}

/**
 * A physical SIM order for a distribution partner (MIOeSIM dpId): plastic
 * cards shipped through the partner. Pages show each card's distribution
 * status instead of a QR code or LPA, and no install email or PDF exists.
 */
export function isPhysical(order: { dpId: string | null }): boolean {
  return order.dpId !== null;
}

/** At least one eSIM was delivered and can be installed. */
export function hasDeliveredEsims(order: StatusOf): boolean {
  return (
    order.status === FULFILLED ||
    order.status === PARTIALLY_FULFILLED ||
    order.status === CANCEL_PENDING ||
    order.status === PARTIALLY_REFUNDED
  );
}

/**
 * Nothing further happens to the order on its own: delivered, cancelled,
 * expired, refunded, failed, or waiting for a person with a stated reason.
 */
export function isSettled(order: StatusOf & { reviewReason: string | null }): boolean {
  // A cancellation the provider never confirmed is held for a person with its reason (followCancellation).
  return order.status === NEEDS_REVIEW || order.status === CANCEL_PENDING ? Boolean(order.reviewReason) : SETTLED.has(order.status);
}

const SETTLED: ReadonlySet<OrderStatus> = new Set([
  FULFILLED,
  PARTIALLY_FULFILLED,
  FULFILMENT_FAILED,
  CANCELLED,
  EXPIRED,
  REFUNDED,
  PARTIALLY_REFUNDED,
]);

/** States of an eSIM that has never been used, so a cancellable plan may still be cancelled. */
const UNUSED_ESIM_STATES = new Set(["not_installed", "installed"]);

function isUnusedEsimState(state: string): boolean {
  return UNUSED_ESIM_STATES.has(state);
}

/** The plan's policy allows cancelling, the order is delivered, and every eSIM is unused. */
export function canCancel(order: StatusOf & { plan: { cancellable: boolean } }, esimStates: readonly string[]): boolean {
  return (
    order.plan.cancellable && canTransition(order.status, "cancel_pending") && esimStates.length > 0 && esimStates.every(isUnusedEsimState)
  );
}

/**
 * The customer (or an admin) asked for a cancellation and it is on its way:
 * the order.cancel job is checking the eSIM is unused and asking the
 * provider, or the provider is processing it (CANCEL_PENDING). The money
 * goes back only once the provider confirms.
 */
export function isCancellationRequested(order: StatusOf & { cancelRequestedAt: Date | null }): boolean {
  return order.status === CANCEL_PENDING || (order.cancelRequestedAt !== null && canTransition(order.status, "cancel_pending"));
}

/** canCancel, and no cancellation already asked for: the page offers the button. */
export function canRequestCancellation(
  order: StatusOf & { plan: { cancellable: boolean }; cancelRequestedAt: Date | null },
  esimStates: readonly string[],
): boolean {
  return canCancel(order, esimStates) && !isCancellationRequested(order);
}

/**
 * One card of a multi-card order may be cancelled upstream on its own, then
 * refunded on its own: the plan's policy allows cancelling, the order holds
 * delivered cards and no whole-order cancellation is requested or under way, the card
 * could be refunded on its own, and the provider reports it unused.
 */
export function canCancelCard(
  order: StatusOf & { quantity: number; plan: { cancellable: boolean }; cancelRequestedAt: Date | null },
  card: { refunded: boolean; delivered: boolean; state: string | null },
): boolean {
  return (
    order.plan.cancellable &&
    hasDeliveredEsims(order) &&
    !isCancellationRequested(order) &&
    canRefundCard(order, card) &&
    card.state !== null &&
    isUnusedEsimState(card.state)
  );
}

export function statusLabel(status: OrderStatus): string {
  return STATUS_LABELS[status];
}

/** What customers and admins read for each state. */
const STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING_PAYMENT: "Awaiting payment",
  PAID: "Paid",
  FULFILLING: "Setting up",
  FULFILLED: "Ready to install",
  PARTIALLY_FULFILLED: "Partly delivered",
  NEEDS_REVIEW: "Being checked",
  FULFILMENT_FAILED: "Delivery failed",
  CANCEL_PENDING: "Cancellation pending",
  CANCELLED: "Cancelled",
  EXPIRED: "Expired",
  REFUND_PENDING: "Refund pending",
  PARTIALLY_REFUNDED: "Partly refunded",
  REFUNDED: "Refunded",
};
