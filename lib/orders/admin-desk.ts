/**
 * The admin order desk: finding orders (filters, search, pages, CSV export),
 * reading one order whole, and the desk's own actions (a note, a refresh from
 * the provider). Actions that move an order go through the lifecycle module
 * (retry, refund, cancel); every desk action carries the admin's reason into
 * the audit log.
 */
import "server-only";
import { Readable } from "node:stream";
import { z } from "zod";
import { recordAudit, type RequestOrigin } from "../audit";
import { db, type Prisma } from "../db/client";
import { OrderStatus, PaymentMethod } from "../generated/prisma/client";
import { formatMoney } from "../money";
import { describeProviderFailure } from "../providers/errors";
import { allProviders, providerById } from "../providers/registry";
import { exportCsvStream } from "../security/csv-export";
import { isCleanText, SEARCH_MAX_LENGTH } from "../validation";
import { usageForPage, type UsageResult } from "./after-sale";
import { itemIdsOf, recordUpstreamOrder } from "./fulfilment";
import { canTransition, statusLabel } from "./lifecycle";
import { failureBody, recordProviderAnswer } from "./provider-answers";

export const DESK_PAGE_SIZE = 50;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)));

/** A query parameter's first value; list pages get arrays when a parameter repeats. */
const first = (value: unknown) => (Array.isArray(value) ? value[0] : value) || undefined;

/** Each filter that does not parse is dropped (the list shows more, never an error page). */
const loose = <T extends z.ZodType>(schema: T) => z.preprocess(first, schema.optional()).catch(undefined);

const FilterShape = z.object({
  q: loose(
    z
      .string()
      .trim()
      .refine((value) => isCleanText(value))
      .transform((value) => Array.from(value).slice(0, SEARCH_MAX_LENGTH).join("")),
  ),
  status: loose(z.enum(OrderStatus)),
  provider: loose(z.string().regex(/^[a-z0-9-]{1,32}$/)),
  payment: loose(z.enum(PaymentMethod)),
  from: loose(day),
  to: loose(day),
});

export type OrderFilters = z.infer<typeof FilterShape>;

/** The filters of the list's query string (also what the CSV export link carries). */
export function orderFiltersFrom(params: Record<string, string | string[] | undefined>): OrderFilters {
  const parsed = FilterShape.parse(params);
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => value)) as OrderFilters;
}

/** The query string that reproduces the filters, for page links and the export. */
export function filterQuery(filters: OrderFilters, extra: Record<string, string> = {}): string {
  const entries = Object.entries({ ...filters, ...extra }).filter((entry): entry is [string, string] => Boolean(entry[1]));
  return new URLSearchParams(entries).toString();
}

export function pageFrom(value: unknown): number {
  const page = Number(first(value));
  return Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

/**
 * The search: our order reference and the provider's order number (any
 * part), an ICCID (exact, or a tail of at least 6 digits as read off a card),
 * the customer's email (any part), and a Stripe Checkout Session or
 * PaymentIntent id (exact).
 */
function searchWhere(q: string): Prisma.OrderWhereInput {
  const iccidTail = /^\d{6,22}$/.test(q);
  return {
    OR: [
      { otherOrderId: { contains: q, mode: "insensitive" } },
      { providerOrderRef: { contains: q, mode: "insensitive" } },
      { esims: { some: iccidTail ? { iccid: { endsWith: q } } : { iccid: q } } },
      { renewsIccid: q },
      { user: { email: { contains: q, mode: "insensitive" } } },
      { checkoutSessions: { some: { OR: [{ id: q }, { paymentIntentId: q }] } } },
    ],
  };
}

export function orderWhere(filters: OrderFilters): Prisma.OrderWhereInput {
  const createdAt: Prisma.DateTimeFilter = {};
  if (filters.from) createdAt.gte = new Date(`${filters.from}T00:00:00.000Z`);
  if (filters.to) createdAt.lt = new Date(Date.parse(`${filters.to}T00:00:00.000Z`) + 86_400_000);
  return {
    ...(filters.status && { status: filters.status }),
    ...(filters.provider && { provider: filters.provider }),
    ...(filters.payment && { paymentMethod: filters.payment }),
    ...((filters.from || filters.to) && { createdAt }),
    ...(filters.q && searchWhere(filters.q)),
  };
}

/** Newest first; the reference breaks ties, so pages neither skip nor repeat an order. */
const NEWEST_FIRST: Prisma.OrderOrderByWithRelationInput[] = [{ createdAt: "desc" }, { otherOrderId: "desc" }];

export async function listOrders(filters: OrderFilters, page: number) {
  const where = orderWhere(filters);
  const [total, orders] = await Promise.all([
    db().order.count({ where }),
    db().order.findMany({
      where,
      include: {
        user: { select: { email: true } },
        esims: { select: { iccid: true }, orderBy: { otherItemId: "asc" } },
        refunds: { select: { amountMinor: true, status: true } },
      },
      orderBy: NEWEST_FIRST,
      skip: (page - 1) * DESK_PAGE_SIZE,
      take: DESK_PAGE_SIZE,
    }),
  ]);
  return { orders, total, page, pages: Math.max(1, Math.ceil(total / DESK_PAGE_SIZE)) };
}

/** The providers an order can name, for the filter. */
export function providerChoices(): { id: string; name: string }[] {
  return allProviders().map((p) => ({ id: p.id, name: p.displayName }));
}

// ---------------------------------------------------------------- CSV export

export const CSV_COLUMNS = [
  "otherOrderId",
  "createdAt",
  "status",
  "customerEmail",
  "customerName",
  "plan",
  "quantity",
  "amount",
  "amountMinor",
  "currency",
  "paymentMethod",
  "provider",
  "providerOrderRef",
  "iccids",
  "refundedMinor",
  "paidAt",
  "fulfilledAt",
] as const;

const EXPORT_BATCH = 500;

/** Every order the filters select, newest first, read a batch at a time (keyset, so a long export holds no big result). */
async function* exportRows(filters: OrderFilters): AsyncGenerator<Record<(typeof CSV_COLUMNS)[number], string | number>> {
  const where = orderWhere(filters);
  let after: { createdAt: Date; otherOrderId: string } | null = null;
  for (;;) {
    const batch: Prisma.OrderGetPayload<{
      include: { user: { select: { email: true; name: true } }; esims: { select: { iccid: true } }; refunds: true };
    }>[] = await db().order.findMany({
      where: after
        ? {
            AND: [
              where,
              {
                OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, otherOrderId: { lt: after.otherOrderId } }],
              },
            ],
          }
        : where,
      include: {
        user: { select: { email: true, name: true } },
        esims: { select: { iccid: true }, orderBy: { otherItemId: "asc" } },
        refunds: true,
      },
      orderBy: NEWEST_FIRST,
      take: EXPORT_BATCH,
    });
    for (const o of batch) {
      yield {
        otherOrderId: o.otherOrderId,
        createdAt: o.createdAt.toISOString(),
        status: o.status,
        customerEmail: o.user.email,
        customerName: o.user.name ?? "",
        plan: o.planName,
        quantity: o.quantity,
        amount: formatMoney(o.amountMinor, o.currency),
        amountMinor: o.amountMinor,
        currency: o.currency,
        paymentMethod: o.paymentMethod,
        provider: o.provider,
        providerOrderRef: o.providerOrderRef ?? "",
        iccids: o.esims.map((e) => e.iccid).join(" "),
        refundedMinor: o.refunds.filter((r) => r.status === "SUCCEEDED").reduce((sum, r) => sum + r.amountMinor, 0),
        paidAt: o.paidAt?.toISOString() ?? "",
        fulfilledAt: o.fulfilledAt?.toISOString() ?? "",
      };
    }
    const last = batch.at(-1);
    if (!last || batch.length < EXPORT_BATCH) return;
    after = { createdAt: last.createdAt, otherOrderId: last.otherOrderId };
  }
}

/**
 * The filtered list as CSV, streamed: rows are read in batches and written as
 * the client takes them. Cells that a spreadsheet would run as a formula
 * (=, +, -, @ …) are escaped, since emails and plan names come from outside.
 */
export function ordersCsv(filters: OrderFilters): ReadableStream<Uint8Array> {
  const csv = Readable.from(exportRows(filters)).pipe(exportCsvStream({ header: true, columns: [...CSV_COLUMNS] }));
  return Readable.toWeb(csv) as ReadableStream<Uint8Array>;
}

// ---------------------------------------------------------------- one order

/** Everything the order page shows, or null for no such order. Live card status is read separately (liveCardStatus). */
export async function orderForDesk(otherOrderId: string) {
  const order = await db().order.findUnique({
    where: { otherOrderId },
    include: {
      user: { select: { id: true, email: true, name: true, createdAt: true, disabledAt: true } },
      plan: { include: { destination: { select: { name: true } } } },
      esims: { orderBy: { otherItemId: "asc" } },
      refunds: { orderBy: { createdAt: "asc" } },
      events: { orderBy: { createdAt: "asc" } },
      notes: { orderBy: { createdAt: "asc" } },
      providerAnswers: { orderBy: { createdAt: "desc" }, take: 20 },
      checkoutSessions: { orderBy: { createdAt: "asc" } },
      walletEntries: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!order) return null;
  const audit = await db().auditLog.findMany({
    where: { entityType: "Order", entityId: otherOrderId },
    orderBy: { createdAt: "asc" },
    include: { actor: { select: { email: true } } },
  });
  const actorIds = [...new Set([...order.events.map((e) => e.actorId), ...order.notes.map((n) => n.authorId)].filter((id) => id !== null))];
  const actors = await db().user.findMany({ where: { id: { in: actorIds } }, select: { id: true, email: true } });
  return { ...order, audit, actorEmails: Object.fromEntries(actors.map((a) => [a.id, a.email])) as Record<string, string> };
}

export type DeskOrder = NonNullable<Awaited<ReturnType<typeof orderForDesk>>>;

/** The cards' status as the provider reports it now (cards cancelled upstream are not asked about). */
export function liveCardStatus(order: Pick<DeskOrder, "provider" | "esims">): Promise<UsageResult> {
  return usageForPage(
    order.provider,
    order.esims.filter((e) => !e.cancelledAt).map((e) => e.iccid),
  );
}

// ---------------------------------------------------------------- desk actions

export interface DeskActor {
  actorId: string;
  reason: string;
  origin?: RequestOrigin | null;
}

/** The audit line every desk action writes: who, why, and what came of it. */
export function auditDeskAction(
  otherOrderId: string,
  action: string,
  actor: DeskActor,
  details: Record<string, Prisma.InputJsonValue | null> = {},
  client?: Prisma.TransactionClient,
): Promise<void> {
  return recordAudit(
    {
      actorId: actor.actorId,
      action: `order.desk.${action}`,
      entityType: "Order",
      entityId: otherOrderId,
      details: { reason: actor.reason, ...details },
      origin: actor.origin,
    },
    client,
  );
}

export const NOTE_MAX_LENGTH = 2000;

/** An internal note; the note is its own reason. */
export async function addOrderNote(otherOrderId: string, body: string, actor: Omit<DeskActor, "reason">): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const order = await tx.order.findUnique({ where: { otherOrderId }, select: { otherOrderId: true } });
    if (!order) return false;
    const note = await tx.orderNote.create({ data: { orderId: otherOrderId, authorId: actor.actorId, body } });
    await auditDeskAction(otherOrderId, "note_added", { ...actor, reason: body.slice(0, 300) }, { noteId: note.id }, tx);
    return true;
  });
}

/**
 * Voids every guest link of the order issued until now (a link forwarded or
 * leaked): the page, PDFs and actions stop opening with them. A delivery
 * email resent afterwards carries a fresh link that works. False when there
 * is no such guest order.
 */
export async function revokeGuestLinks(otherOrderId: string, actor: DeskActor, now = new Date()): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const { count } = await tx.order.updateMany({ where: { otherOrderId, guestCheckout: true }, data: { guestLinksRevokedAt: now } });
    if (count === 0) return false;
    await auditDeskAction(otherOrderId, "guest_links_revoked", actor, { revokedAt: now.toISOString() }, tx);
    return true;
  });
}

/**
 * Asks the provider about the order and its cards now, keeps both answers,
 * and returns what they say (null for no such order). Reads only: what the answer implies for the order's state is
 * settled by retry, reconciliation or refund, each through the lifecycle.
 */
export async function refreshFromProvider(otherOrderId: string, actor: DeskActor): Promise<string | null> {
  const order = await db().order.findUnique({ where: { otherOrderId }, include: { esims: true } });
  if (!order) return null;
  const provider = providerById(order.provider);
  const keep = (operation: "look-up" | "usage", outcome: string, body: unknown) =>
    recordProviderAnswer({ orderId: otherOrderId, provider: order.provider, operation, outcome, body });
  let summary: string;
  if (!order.placementSentAt && !order.providerOrderRef) {
    summary = "The order was never sent to the provider.";
  } else {
    try {
      const found = await provider.findOrder({
        otherOrderId,
        itemIds: itemIdsOf(order),
        providerOrderRef: order.providerOrderRef,
        attemptedAt: order.placementSentAt ?? order.paidAt ?? order.createdAt,
        dpId: order.dpId,
        planRef: order.planRef,
      });
      await keep("look-up", found.outcome, found.outcome === "found" ? (found.raw ?? found.order) : found);
      summary =
        found.outcome === "found"
          ? `${provider.displayName} reports order ${found.order.providerOrderRef} ${found.order.status} with ${found.order.esims.length} eSIM(s).`
          : found.outcome === "absent"
            ? `${provider.displayName} has no such order.`
            : found.reason;
    } catch (err) {
      await keep("look-up", "failed", failureBody(err));
      summary = `The look-up failed: ${describeProviderFailure(err)}`;
    }
  }
  const live = order.esims.filter((e) => !e.cancelledAt).map((e) => e.iccid);
  if (live.length > 0) {
    try {
      const usage = await provider.getUsage(live);
      await keep("usage", "read", usage);
      summary += ` Cards: ${usage.map((u) => `${u.iccid} ${u.state}`).join(", ")}.`;
    } catch (err) {
      await keep("usage", "failed", failureBody(err));
      summary += ` Card status unavailable: ${describeProviderFailure(err)}`;
    }
  }
  await auditDeskAction(otherOrderId, "refreshed", actor, { summary: summary.slice(0, 1000), status: order.status });
  return summary;
}

/**
 * The admin's one-step resolution of an order whose upstream outcome was
 * unknown: "attach the upstream order" they found in the provider's own
 * records, by its order id or ICCID. Nothing is taken on their word: the
 * provider is asked for that order (a look-up by our references and theirs),
 * and only an order it reports active, with install data for every eSIM
 * owed, is recorded and delivered (`upstream_order_recorded`, no new
 * upstream order; the customer gets the delivery email). Returns what came
 * of it for the admin; `attached` false changes nothing.
 */
export async function attachUpstreamOrder(
  otherOrderId: string,
  providerRef: string,
  actor: DeskActor,
): Promise<{ attached: boolean; message: string }> {
  const order = await db().order.findUnique({ where: { otherOrderId }, include: { esims: true } });
  if (!order) return { attached: false, message: "There is no such order." };
  if (!canTransition(order.status, "upstream_order_recorded"))
    return {
      attached: false,
      message: `The order is ${statusLabel(order.status).toLowerCase()}; only an order in review, failed or partly delivered can have its upstream order attached.`,
    };
  const provider = providerById(order.provider);
  const itemIds = itemIdsOf(order);
  let found;
  try {
    found = await provider.findOrder({
      otherOrderId,
      itemIds,
      providerOrderRef: providerRef,
      attemptedAt: order.placementSentAt ?? order.paidAt ?? order.createdAt,
      dpId: order.dpId,
      planRef: order.planRef,
    });
  } catch (err) {
    return { attached: false, message: `${provider.displayName} could not be asked: ${describeProviderFailure(err)}` };
  }
  await recordProviderAnswer({
    orderId: otherOrderId,
    provider: order.provider,
    operation: "look-up",
    outcome: found.outcome,
    body: found.outcome === "found" ? (found.raw ?? found.order) : found,
  });
  if (found.outcome !== "found") {
    const why = found.outcome === "absent" ? `${provider.displayName} holds no such order.` : found.reason;
    return { attached: false, message: `Not attached: ${why}` };
  }
  const upstream = found.order;
  const named = upstream.providerOrderRef === providerRef || upstream.esims.some((e) => e.iccid === providerRef);
  if (!named)
    return {
      attached: false,
      message: `Not attached: ${provider.displayName} reports order ${upstream.providerOrderRef} for this order, not ${providerRef}.`,
    };
  if (upstream.status !== "active")
    return {
      attached: false,
      message: `Not attached: ${provider.displayName} reports order ${upstream.providerOrderRef} ${upstream.status}, not active.`,
    };
  const filled = new Set([...order.esims.map((e) => e.otherItemId), ...upstream.esims.map((e) => e.otherItemId)]);
  if (!itemIds.every((id) => filled.has(id)))
    return {
      attached: false,
      message: `Not attached: ${provider.displayName} gives install data for ${upstream.esims.length} of the ${order.quantity} eSIMs.`,
    };
  const recorded = await recordUpstreamOrder(order, upstream, {
    actorId: actor.actorId,
    details: { attachedBy: actor.actorId, reason: actor.reason },
  });
  await auditDeskAction(otherOrderId, "attach", actor, { providerRef, attached: recorded, providerOrderRef: upstream.providerOrderRef });
  return recorded
    ? {
        attached: true,
        message: `Attached ${provider.displayName} order ${upstream.providerOrderRef} and delivered the order; nothing was placed again.`,
      }
    : { attached: false, message: "The order changed meanwhile; reload the page." };
}
