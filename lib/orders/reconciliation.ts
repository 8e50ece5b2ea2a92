/**
 * Reconciliation: our orders against each provider's own records.
 *
 * A run asks every provider that documents a way to list its orders
 * (`EsimProvider.listOrders`; a provider without one "cannot be asked" and
 * the run says so), matches the list to our orders by the references we send
 * upstream (each eSIM's "<otherOrderId>-<n>", our order id for older orders)
 * and by ICCID, and records each difference as a finding:
 *
 * - PAID_NOT_ORDERED: paid here (stuck, or in review) and the list, which
 *   covers the time it was sent, holds no order for it;
 * - ORDERED_NOT_RECORDED: the provider holds an order (or cards) our order
 *   does not record, or that names no order here at all;
 * - CANCELLED_UPSTREAM_NOT_REFUNDED: cancelled upstream, the money not sent back;
 * - REFUNDED_HERE_ACTIVE_UPSTREAM: refunded here, still live upstream;
 * - DELIVERED_HERE_ABSENT_UPSTREAM: delivered here, not in a list that covers it.
 *
 * Only a proof that leaves no doubt is acted on by the run itself: an order
 * the provider holds with every eSIM's install data is recorded and
 * delivered, with no new upstream order. Everything else waits for an admin,
 * with a one-click fix where one is safe. A fix compares the order again
 * before it acts, so a second click, or a fix after the records changed,
 * does nothing. Every status change goes through the lifecycle
 * (applyTransition), and every fix is audited with its actor.
 */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { refundOrder } from "../billing/refunds";
import { db, type Prisma } from "../db/client";
import {
  OrderStatus,
  ReconciliationFindingKind as Kind,
  ReconciliationFindingStatus as FindingStatus,
  ReconciliationFix as Fix,
  ReconciliationRunStatus as RunStatus,
  type Esim,
  type Order,
  type ReconciliationRun,
} from "../generated/prisma/client";
import { enqueue } from "../jobs";
import { log } from "../log";
import { describeProviderFailure } from "../providers/errors";
import { allProviders, providerById } from "../providers/registry";
import type { EsimProvider, ListedOrder, OrderList, OrderLookup } from "../providers/types";
import { fulfilPaidOrder, itemIdsOf, recordUpstreamOrder, retryFulfilment } from "./fulfilment";
import { statusLabel } from "./lifecycle";

/** Orders created longer ago than this are compared only when the provider's list names them. */
const LOOKBACK_MS = 30 * 24 * 3_600_000;
/** A paid order never sent upstream for this long is stuck: the job and the stranded-order sweep should have placed it. */
const STUCK_AFTER_MS = 15 * 60_000;
/** A queued or running run not touched for this long is dead (its job expires after 15 minutes). */
const RUN_STALE_MS = 15 * 60_000;
/** How often a run writes its progress. */
const PROGRESS_EVERY = 20;

export type RunTrigger = "admin" | "schedule";

/** What a run learnt about one provider, as the admin page shows it. */
export interface ProviderSummary {
  provider: string;
  name: string;
  outcome: "compared" | "cannot_be_asked" | "failed";
  note: string;
}

type ComparedOrder = Order & { esims: Esim[] };

interface Difference {
  kind: Kind;
  detail: string;
  fix: Fix | null;
  /** The provider's records involved. */
  upstream: ListedOrder[];
}

// ---------------------------------------------------------------- comparing one order

/** Upstream orders that hold something (not failed), ordered or cancelled. */
const LIVE: ReadonlySet<string> = new Set(["pending", "active", "partially_cancelled"]);
const isLive = (row: ListedOrder) => LIVE.has(row.status);
const isCancelled = (row: ListedOrder) => row.status === "cancelled";

/** The provider's orders for ours: by the references we sent, or by the ICCIDs we recorded. */
function upstreamOf(order: ComparedOrder, list: readonly ListedOrder[]): ListedOrder[] {
  const references = new Set([order.otherOrderId, ...itemIdsOf(order)]);
  const iccids = new Set(order.esims.map((e) => e.iccid));
  return list.filter(
    (row) =>
      row.status !== "void" && ((row.reference !== null && references.has(row.reference)) || (row.iccid !== null && iccids.has(row.iccid))),
  );
}

function describe(rows: readonly ListedOrder[]): string {
  return rows
    .map((r) => `${r.providerOrderRef}${r.iccid ? ` (ICCID ${r.iccid})` : ""}${r.status === "active" ? "" : `, ${r.status}`}`)
    .join(", ");
}

/** Every card named, so the provider can be asked to cancel exactly those. */
const cancellable = (rows: readonly ListedOrder[]) => rows.length > 0 && rows.every((r) => r.iccid !== null && r.status !== "pending");

/**
 * The differences between one order and the provider's records of it.
 * `completeSince` is the list's reach: absence proves nothing about an
 * order sent before it.
 */
function compare(order: ComparedOrder, rows: readonly ListedOrder[], list: OrderList, providerName: string, now: Date): Difference[] {
  const sentAt = order.placementSentAt ?? order.paidAt ?? order.createdAt;
  const listCovers = list.completeSince === null || sentAt >= list.completeSince;
  // A card of ours is the provider's row with its ICCID, or (a row without one) with its line reference.
  const isOurs = (row: ListedOrder, esim: Esim) => (row.iccid === null ? row.reference === esim.otherItemId : row.iccid === esim.iccid);
  const live = rows.filter(isLive);
  const notRecorded = live.filter((r) => !order.esims.some((e) => isOurs(r, e)));
  const at = `${providerName} holds ${describe(notRecorded)}`;

  switch (order.status) {
    case OrderStatus.PENDING_PAYMENT:
    case OrderStatus.EXPIRED:
    case OrderStatus.CANCELLED:
      return live.length === 0
        ? []
        : [{ kind: Kind.ORDERED_NOT_RECORDED, fix: null, upstream: live, detail: `${at} for this order, which was never paid here.` }];
    case OrderStatus.PAID: {
      // A fulfilment job owns an order it has sent (it looks it up before placing again); only one never sent can be stuck.
      if (order.placementSentAt || now.getTime() - (order.paidAt ?? order.createdAt).getTime() < STUCK_AFTER_MS) return [];
      if (live.length > 0)
        return [{ kind: Kind.ORDERED_NOT_RECORDED, fix: null, upstream: live, detail: `${at}, though we never sent this paid order.` }];
      if (!listCovers) return [];
      return [
        {
          kind: Kind.PAID_NOT_ORDERED,
          fix: Fix.PLACE,
          upstream: [],
          detail: `Paid at ${iso(order.paidAt)} and never sent to ${providerName}, which holds no order for it.`,
        },
      ];
    }
    case OrderStatus.NEEDS_REVIEW:
    case OrderStatus.FULFILMENT_FAILED: {
      if (live.length > 0) {
        return [
          {
            kind: Kind.ORDERED_NOT_RECORDED,
            fix: cancellable(live) ? Fix.CANCEL_UPSTREAM_AND_REFUND : null,
            upstream: live,
            detail: `${at}, but this order (${statusLabel(order.status).toLowerCase()}) records none of it.`,
          },
        ];
      }
      const cancelled = rows.filter(isCancelled);
      if (cancelled.length > 0) {
        return [
          {
            kind: Kind.CANCELLED_UPSTREAM_NOT_REFUNDED,
            fix: Fix.REFUND,
            upstream: cancelled,
            detail: `${providerName} cancelled ${describe(cancelled)}; the customer has nothing and has not been refunded.`,
          },
        ];
      }
      // A failed delivery with nothing upstream agrees with the provider: the order desk refunds or retries it.
      if (order.status === OrderStatus.FULFILMENT_FAILED || !listCovers) return [];
      return [
        {
          kind: Kind.PAID_NOT_ORDERED,
          fix: Fix.PLACE,
          upstream: [],
          detail: `In review since its placement's answer was lost, and ${providerName}'s list, which covers ${iso(sentAt)}, holds no order for it.`,
        },
      ];
    }
    case OrderStatus.FULFILLED:
    case OrderStatus.PARTIALLY_FULFILLED:
    case OrderStatus.CANCEL_PENDING: {
      const found: Difference[] = [];
      if (notRecorded.length > 0) {
        found.push({
          kind: Kind.ORDERED_NOT_RECORDED,
          fix: cancellable(notRecorded) ? Fix.CANCEL_UPSTREAM : null,
          upstream: notRecorded,
          detail: `${at}, which this order did not deliver to the customer.`,
        });
      }
      const ours = order.esims.filter((e) => !e.cancelledAt);
      const cancelledUpstream = rows.filter((r) => isCancelled(r) && r.iccid !== null && ours.some((e) => isOurs(r, e)));
      if (cancelledUpstream.length > 0) {
        const all = cancelledUpstream.length === ours.length;
        found.push({
          kind: Kind.CANCELLED_UPSTREAM_NOT_REFUNDED,
          fix: all ? Fix.REFUND : null,
          upstream: cancelledUpstream,
          detail: `${providerName} cancelled ${describe(cancelledUpstream)}, ${all ? "every live eSIM of this order" : `${cancelledUpstream.length} of its ${ours.length} live eSIMs (refund those cards from the order desk)`}, and no refund was made.`,
        });
      }
      const absent = ours.filter((e) => !rows.some((r) => isOurs(r, e)));
      if (absent.length > 0 && listCovers) {
        found.push({
          kind: Kind.DELIVERED_HERE_ABSENT_UPSTREAM,
          fix: null,
          upstream: [],
          detail: `Delivered here (ICCID ${absent.map((e) => e.iccid).join(", ")}), but ${providerName}'s list, which covers ${iso(sentAt)}, holds no such order.`,
        });
      }
      return found;
    }
    case OrderStatus.REFUND_PENDING:
    case OrderStatus.REFUNDED: {
      const active = rows.filter((r) => r.status === "active" || r.status === "pending");
      if (active.length === 0) return [];
      return [
        {
          kind: Kind.REFUNDED_HERE_ACTIVE_UPSTREAM,
          fix: cancellable(active) ? Fix.CANCEL_UPSTREAM : null,
          upstream: active,
          detail: `${statusLabel(order.status)} here, but ${providerName} still holds ${describe(active)} live.`,
        },
      ];
    }
    default:
      // FULFILLING: a run is placing it. PARTIALLY_REFUNDED: cards refunded one by one are for the order desk.
      return [];
  }
}

const iso = (date: Date | null) => (date ? date.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "an unknown time");

// ---------------------------------------------------------------- runs

/**
 * Records a run to do, unless one is queued or running (then that one is
 * returned). Runs never overlap, so a finding is never recorded twice.
 */
export async function requestReconciliation(
  trigger: RunTrigger,
  actorId: string | null,
): Promise<{ run: ReconciliationRun; created: boolean }> {
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('orders.reconcile'))`;
    const now = new Date();
    await tx.reconciliationRun.updateMany({
      where: { status: { in: [RunStatus.QUEUED, RunStatus.RUNNING] }, updatedAt: { lt: new Date(now.getTime() - RUN_STALE_MS) } },
      data: { status: RunStatus.FAILED, finishedAt: now, error: "Did not finish: no worker picked it up, or its worker stopped." },
    });
    const active = await tx.reconciliationRun.findFirst({
      where: { status: { in: [RunStatus.QUEUED, RunStatus.RUNNING] } },
      orderBy: { createdAt: "desc" },
    });
    if (active) return { run: active, created: false };
    return { run: await tx.reconciliationRun.create({ data: { trigger, requestedById: actorId } }), created: true };
  });
}

/**
 * The admin's button: records a run and hands it to the job queue, without
 * waiting for any provider. The page follows the run's progress.
 */
export async function startReconciliation(
  actorId: string,
  origin: RequestOrigin | null,
): Promise<{ run: ReconciliationRun; created: boolean }> {
  const requested = await requestReconciliation("admin", actorId);
  if (!requested.created) return requested;
  try {
    await enqueue("orders.reconcile", { runId: requested.run.id });
  } catch (err) {
    await finishRun(requested.run.id, RunStatus.FAILED, { error: `Could not queue the run: ${describeProviderFailure(err)}` });
    throw err;
  }
  await recordAudit({ actorId, action: "reconciliation.requested", entityType: "ReconciliationRun", entityId: requested.run.id, origin });
  return requested;
}

/** The job: runs the run an admin asked for, or records and runs a scheduled one (unless another is under way). */
export async function reconcileJob(runId: string | undefined): Promise<void> {
  if (runId) return runReconciliation(runId);
  const { run, created } = await requestReconciliation("schedule", null);
  if (created) await runReconciliation(run.id);
}

/** Compares every provider that can be asked; a run that is not queued (done, or taken as dead) is left alone. */
export async function runReconciliation(runId: string): Promise<void> {
  const claimed = await db().reconciliationRun.updateMany({
    where: { id: runId, status: RunStatus.QUEUED },
    data: { status: RunStatus.RUNNING, startedAt: new Date() },
  });
  if (claimed.count === 0) return;
  const summaries: ProviderSummary[] = [];
  try {
    for (const provider of allProviders()) {
      summaries.push(await reconcileProvider(runId, provider));
      await db().reconciliationRun.update({ where: { id: runId }, data: { providers: summaries as unknown as Prisma.InputJsonValue } });
    }
    await finishRun(runId, RunStatus.SUCCEEDED, {});
  } catch (err) {
    log.error("reconciliation run failed", { runId, error: err });
    await finishRun(runId, RunStatus.FAILED, { error: describeProviderFailure(err).slice(0, 1000) });
  }
}

function finishRun(runId: string, status: RunStatus, data: { error?: string }) {
  return db().reconciliationRun.update({ where: { id: runId }, data: { ...data, status, finishedAt: new Date() } });
}

async function reconcileProvider(runId: string, provider: EsimProvider): Promise<ProviderSummary> {
  const summary = { provider: provider.id, name: provider.displayName };
  if (!provider.listOrders) {
    return {
      ...summary,
      outcome: "cannot_be_asked",
      note: `${provider.displayName} documents no way to list its orders, so it cannot be asked; its orders are not compared.`,
    };
  }
  let list: OrderList;
  try {
    list = await provider.listOrders();
  } catch (err) {
    log.warn("reconciliation: the provider's order list could not be read", { runId, provider: provider.id, error: err });
    return {
      ...summary,
      outcome: "failed",
      note: `${provider.displayName}'s order list could not be read: ${describeProviderFailure(err)}`,
    };
  }

  const now = new Date();
  const named = [...new Set(list.orders.flatMap((r) => (r.reference ? [r.reference, r.reference.replace(/-\d+$/, "")] : [])))];
  const orders = (
    await db().order.findMany({
      where: {
        provider: provider.id,
        renewsIccid: null,
        OR: [{ createdAt: { gte: new Date(now.getTime() - LOOKBACK_MS) } }, { otherOrderId: { in: named } }],
      },
      include: { esims: true },
      orderBy: { createdAt: "asc" },
    })
  ).filter((order) => provider.listsOrdersOf?.(order.planRef) ?? true);
  await db().reconciliationRun.update({ where: { id: runId }, data: { total: { increment: orders.length } } });

  const matched = new Set<ListedOrder>();
  const assessed = new Set<string>();
  let checked = 0;
  for (const order of orders) {
    const rows = upstreamOf(order, list.orders);
    rows.forEach((r) => matched.add(r));
    assessed.add(order.otherOrderId);
    for (const difference of compare(order, rows, list, provider.displayName, now)) {
      const delivery = await deliverFromUpstream(provider, order, difference, runId);
      if (delivery?.done) await recordFinding(runId, provider.id, order.otherOrderId, order.otherOrderId, difference, delivery.resolution);
      else
        await recordFinding(
          runId,
          provider.id,
          order.otherOrderId,
          order.otherOrderId,
          delivery ? { ...difference, detail: `${difference.detail} Not recorded automatically: ${delivery.why}` } : difference,
        );
    }
    if (++checked % PROGRESS_EVERY === 0)
      await db().reconciliationRun.update({ where: { id: runId }, data: { checked: { increment: PROGRESS_EVERY } } });
  }
  await db().reconciliationRun.update({ where: { id: runId }, data: { checked: { increment: checked % PROGRESS_EVERY } } });

  // Upstream orders carrying a reference that names no order of ours.
  const known = new Set(
    (await db().order.findMany({ where: { otherOrderId: { in: named } }, select: { otherOrderId: true } })).map((o) => o.otherOrderId),
  );
  for (const row of list.orders) {
    if (matched.has(row) || !row.reference || !isLive(row)) continue;
    if (known.has(row.reference) || known.has(row.reference.replace(/-\d+$/, ""))) continue;
    assessed.add(row.reference);
    await recordFinding(runId, provider.id, row.reference, null, {
      kind: Kind.ORDERED_NOT_RECORDED,
      fix: null,
      upstream: [row],
      detail: `${provider.displayName} holds ${describe([row])}, placed ${row.createdAt} with our reference ${row.reference}, which names no order here.`,
    });
  }

  // Compared again and no longer different: the records agree now (fixed elsewhere, or settled on their own).
  await db().reconciliationFinding.updateMany({
    where: { provider: provider.id, status: FindingStatus.OPEN, subject: { in: [...assessed] }, lastRunId: { not: runId } },
    data: { status: FindingStatus.FIXED, resolvedAt: now, resolution: "The records agree now." },
  });

  const reach = list.completeSince ? `every order since ${iso(list.completeSince)}` : "every order the account placed";
  return {
    ...summary,
    outcome: "compared",
    note: `${orders.length} of our orders compared with ${list.orders.length} in ${provider.displayName}'s list (${reach}).`,
  };
}

/**
 * Stores a difference as a finding, or updates the one already open (or
 * dismissed) for the same provider, kind and subject. `delivered` is the
 * run's own fix, when it made one.
 */
async function recordFinding(
  runId: string,
  provider: string,
  subject: string,
  orderId: string | null,
  difference: Difference,
  delivered?: string,
): Promise<void> {
  const now = new Date();
  const facts = {
    detail: difference.detail,
    fix: delivered ? Fix.DELIVER : difference.fix,
    upstream: difference.upstream as unknown as Prisma.InputJsonValue,
    lastRunId: runId,
    lastSeenAt: now,
  };
  const resolved = delivered ? { status: FindingStatus.FIXED, resolvedAt: now, resolution: delivered } : {};
  const existing = await db().reconciliationFinding.findFirst({
    where: { provider, kind: difference.kind, subject, status: { in: [FindingStatus.OPEN, FindingStatus.DISMISSED] } },
  });
  if (existing?.status === FindingStatus.DISMISSED) {
    await db().reconciliationFinding.update({ where: { id: existing.id }, data: { lastRunId: runId, lastSeenAt: now } });
    return;
  }
  const finding = existing
    ? await db().reconciliationFinding.update({ where: { id: existing.id }, data: { ...facts, ...resolved } })
    : await db().reconciliationFinding.create({
        data: { ...facts, ...resolved, kind: difference.kind, provider, subject, orderId, runId },
      });
  if (delivered) {
    await db().reconciliationRun.update({ where: { id: runId }, data: { autoFixed: { increment: 1 } } });
    await auditFix(finding.id, difference.kind, Fix.DELIVER, orderId, delivered, { actorId: null, runId });
  }
}

/**
 * The run's own fix: an order the provider holds with every eSIM's install
 * data is recorded and delivered, with no new upstream order. Null when the
 * difference is not one it can fix; otherwise what was done, or why not (the
 * finding then stays for a person).
 */
async function deliverFromUpstream(
  provider: EsimProvider,
  order: ComparedOrder,
  difference: Difference,
  runId: string,
): Promise<{ done: true; resolution: string } | { done: false; why: string } | null> {
  const recordable: OrderStatus[] = [OrderStatus.NEEDS_REVIEW, OrderStatus.FULFILMENT_FAILED, OrderStatus.PARTIALLY_FULFILLED];
  if (difference.kind !== Kind.ORDERED_NOT_RECORDED || !recordable.includes(order.status)) return null;
  const itemIds = itemIdsOf(order);
  let lookup: OrderLookup;
  try {
    lookup = await provider.findOrder({
      otherOrderId: order.otherOrderId,
      itemIds,
      providerOrderRef: order.providerOrderRef,
      attemptedAt: order.placementSentAt ?? order.paidAt ?? order.createdAt,
      dpId: order.dpId,
      planRef: order.planRef,
    });
  } catch (err) {
    return { done: false, why: `the look-up failed (${describeProviderFailure(err)}).` };
  }
  if (lookup.outcome === "unknown") return { done: false, why: lookup.reason.slice(0, 1500) };
  if (lookup.outcome === "absent") return { done: false, why: "a look-up by our references finds no such order." };
  const upstream = lookup.order;
  if (upstream.status === "pending") return { done: false, why: `${provider.displayName} still reports it pending.` };
  const filled = new Set([...order.esims.map((e) => e.otherItemId), ...upstream.esims.map((e) => e.otherItemId)]);
  if (!itemIds.every((id) => filled.has(id))) {
    return { done: false, why: `${provider.displayName} has install data for ${upstream.esims.length} of the ${order.quantity} eSIMs.` };
  }
  const iccids = upstream.esims.map((e) => e.iccid);
  if (!(await recordUpstreamOrder(order, upstream, { actorId: null, details: { runId } })))
    return { done: false, why: "the order changed while the run looked it up." };
  log.info("reconciliation recorded an upstream order and delivered it", {
    otherOrderId: order.otherOrderId,
    providerOrderRef: upstream.providerOrderRef,
    iccids,
  });
  return {
    done: true,
    resolution: `Recorded ${provider.displayName} order ${upstream.providerOrderRef} (ICCID ${iccids.join(", ")}) and delivered the order; nothing was placed again.`,
  };
}

// ---------------------------------------------------------------- an admin's fix

export type FixOutcome = { done: boolean; message: string };

/**
 * Applies a finding's one-click fix, after comparing the order with the
 * provider's list again: only while the same difference holds, so a second
 * click, or a click after the records changed, does nothing.
 */
export async function fixFinding(findingId: string, actorId: string, origin: RequestOrigin | null): Promise<FixOutcome> {
  const finding = await db().reconciliationFinding.findUnique({ where: { id: findingId } });
  if (!finding) return { done: false, message: "There is no such finding." };
  if (finding.status !== FindingStatus.OPEN)
    return { done: false, message: `This finding is already ${finding.status.toLowerCase()}; nothing was done.` };
  if (!finding.fix || !finding.orderId) return { done: false, message: "This finding has no one-click fix; it needs a person." };

  const provider = providerById(finding.provider);
  const order = await db().order.findUnique({ where: { otherOrderId: finding.orderId }, include: { esims: true } });
  if (!order || !provider.listOrders) return { done: false, message: "The order or its provider's list is not available." };
  let list: OrderList;
  try {
    list = await provider.listOrders();
  } catch (err) {
    return {
      done: false,
      message: `${provider.displayName}'s order list could not be read, so nothing was done: ${describeProviderFailure(err)}`,
    };
  }
  const rows = upstreamOf(order, list.orders);
  const now = compare(order, rows, list, provider.displayName, new Date()).find((d) => d.kind === finding.kind);
  if (!now) {
    await resolve(findingId, FindingStatus.FIXED, actorId, "Nothing to do: the records agree now.");
    return { done: false, message: "The records agree now; nothing was done." };
  }
  if (now.fix !== finding.fix) return { done: false, message: "The difference has changed since the run; run reconciliation again." };

  let result: string;
  try {
    result = await applyFix(finding.fix, order, now.upstream, provider, actorId, origin);
  } catch (err) {
    log.warn("reconciliation fix failed", { findingId, fix: finding.fix, error: err });
    return { done: false, message: `Not fixed: ${describeProviderFailure(err)}` };
  }
  if (!(await resolve(findingId, FindingStatus.FIXED, actorId, result)))
    return { done: false, message: "Someone else settled this finding meanwhile." };
  await auditFix(findingId, finding.kind, finding.fix, order.otherOrderId, result, { actorId, origin });
  return { done: true, message: result };
}

async function applyFix(
  fix: Fix,
  order: ComparedOrder,
  upstream: readonly ListedOrder[],
  provider: EsimProvider,
  actorId: string,
  origin: RequestOrigin | null,
): Promise<string> {
  const { otherOrderId } = order;
  const iccids = upstream.flatMap((r) => (r.iccid ? [r.iccid] : []));
  switch (fix) {
    case Fix.PLACE: {
      if (order.status === OrderStatus.PAID) await fulfilPaidOrder(otherOrderId);
      else
        await retryFulfilment(otherOrderId, actorId, Date.now(), {
          reason: `Reconciliation: ${provider.displayName}'s order list holds no order for it`,
        });
      const after = await db().order.findUniqueOrThrow({ where: { otherOrderId } });
      if (after.status === order.status) throw new Error(`the order is still ${statusLabel(after.status).toLowerCase()}`);
      return `Placed with ${provider.displayName}; the order is now ${statusLabel(after.status).toLowerCase()}.`;
    }
    case Fix.CANCEL_UPSTREAM_AND_REFUND: {
      await cancelUpstream(provider, upstream, iccids);
      await refundOrder(otherOrderId, {
        actorId,
        origin,
        reason: `Reconciliation: ordered at ${provider.displayName} but never delivered here; cancelled there and refunded`,
      });
      return `Cancelled ${describe(upstream)} at ${provider.displayName} and refunded the customer.`;
    }
    case Fix.REFUND: {
      await db().esim.updateMany({
        where: { orderId: otherOrderId, iccid: { in: iccids }, cancelledAt: null },
        data: { cancelledAt: new Date() },
      });
      await refundOrder(otherOrderId, { actorId, origin, reason: `Reconciliation: cancelled at ${provider.displayName}` });
      return `Refunded the customer for the order ${provider.displayName} cancelled.`;
    }
    case Fix.CANCEL_UPSTREAM: {
      await cancelUpstream(provider, upstream, iccids);
      await db().esim.updateMany({
        where: { orderId: otherOrderId, iccid: { in: iccids }, cancelledAt: null },
        data: { cancelledAt: new Date() },
      });
      return `Cancelled ${describe(upstream)} at ${provider.displayName}.`;
    }
    case Fix.DELIVER:
      throw new Error("delivering is the run's own fix");
  }
}

/** Cancels the cards upstream; only a finished cancellation counts (one still processing leaves the finding open). */
async function cancelUpstream(provider: EsimProvider, upstream: readonly ListedOrder[], iccids: string[]): Promise<void> {
  const { status } = await provider.cancel({ providerOrderRef: upstream[0]!.providerOrderRef, iccids, allIccids: iccids });
  if (status === "cancelling")
    throw new Error(`${provider.displayName} accepted the cancellation and is still processing it; run reconciliation again later`);
}

export async function dismissFinding(findingId: string, actorId: string, origin: RequestOrigin | null): Promise<FixOutcome> {
  if (!(await resolve(findingId, FindingStatus.DISMISSED, actorId, "Dismissed by an admin.")))
    return { done: false, message: "This finding is no longer open." };
  await recordAudit({ actorId, action: "reconciliation.dismissed", entityType: "ReconciliationFinding", entityId: findingId, origin });
  return { done: true, message: "Dismissed." };
}

/** Settles an open finding; false when it was no longer open. */
async function resolve(findingId: string, status: FindingStatus, actorId: string | null, resolution: string): Promise<boolean> {
  const { count } = await db().reconciliationFinding.updateMany({
    where: { id: findingId, status: FindingStatus.OPEN },
    data: { status, resolvedById: actorId, resolvedAt: new Date(), resolution: resolution.slice(0, 1000) },
  });
  return count === 1;
}

function auditFix(
  findingId: string,
  kind: Kind,
  fix: Fix,
  orderId: string | null,
  result: string,
  by: { actorId: string | null; runId?: string; origin?: RequestOrigin | null },
) {
  return recordAudit({
    actorId: by.actorId,
    action: "reconciliation.fixed",
    entityType: "Order",
    entityId: orderId,
    details: { findingId, kind, fix, result, ...(by.runId ? { runId: by.runId } : {}) },
    origin: by.origin,
  });
}

// ---------------------------------------------------------------- what the admin page reads

/** True while a run is queued or running and not yet taken as dead: the page keeps refreshing. */
export function isUnderWay(run: Pick<ReconciliationRun, "status" | "updatedAt">, now = Date.now()): boolean {
  return (run.status === RunStatus.QUEUED || run.status === RunStatus.RUNNING) && now - run.updatedAt.getTime() < RUN_STALE_MS;
}

export async function reconciliationOverview() {
  const [runs, open, settled] = await Promise.all([
    db().reconciliationRun.findMany({ orderBy: { createdAt: "desc" }, take: 10, include: { _count: { select: { findings: true } } } }),
    db().reconciliationFinding.findMany({ where: { status: FindingStatus.OPEN }, orderBy: { createdAt: "desc" }, take: 200 }),
    db().reconciliationFinding.findMany({ where: { status: { not: FindingStatus.OPEN } }, orderBy: { resolvedAt: "desc" }, take: 50 }),
  ]);
  const people = [
    ...new Set([...runs.map((r) => r.requestedById), ...settled.map((f) => f.resolvedById)].filter((id): id is string => id !== null)),
  ];
  const users = await db().user.findMany({ where: { id: { in: people } }, select: { id: true, email: true } });
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  return {
    runs: runs.map((run) => ({
      ...run,
      providers: (run.providers ?? []) as unknown as ProviderSummary[],
      requestedBy: run.requestedById ? (emailOf.get(run.requestedById) ?? null) : null,
    })),
    open,
    settled: settled.map((f) => ({ ...f, resolvedBy: f.resolvedById ? (emailOf.get(f.resolvedById) ?? null) : null })),
  };
}
