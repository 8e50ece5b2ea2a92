/**
 * A customer's eSIMs for the My eSIMs pages: each card with the order that
 * delivered it and its renewals, and live usage read once per provider for
 * the whole page (the provider batches it: 100 ICCIDs per MIOeSIM call).
 */
import "server-only";
import { db } from "../db/client";
import { OrderStatus, type Prisma } from "../generated/prisma/client";
import { usageForPage } from "../orders/after-sale";
import { hasDeliveredEsims } from "../orders/lifecycle";
import type { EsimUsage } from "../providers/types";

const esimWithOrder = {
  order: { include: { plan: { include: { destination: true } } } },
} satisfies Prisma.EsimInclude;

const renewalFields = {
  otherOrderId: true,
  renewsIccid: true,
  planName: true,
  status: true,
  amountMinor: true,
  currency: true,
  createdAt: true,
} satisfies Prisma.OrderSelect;

type EsimRow = Prisma.EsimGetPayload<{ include: typeof esimWithOrder }>;
export type EsimRenewal = Prisma.OrderGetPayload<{ select: typeof renewalFields }>;

export interface MyEsim {
  esim: EsimRow;
  /** Top-ups of this eSIM, oldest first; each is an order of its own. */
  renewals: EsimRenewal[];
  /** Not cancelled, and its order is delivered: usage is read and renewal offered. */
  live: boolean;
}

async function withRenewals(userId: string, esims: EsimRow[]): Promise<MyEsim[]> {
  if (esims.length === 0) return [];
  const renewals = await db().order.findMany({
    where: { userId, renewsIccid: { in: esims.map((e) => e.iccid) }, status: { not: OrderStatus.PENDING_PAYMENT } },
    select: renewalFields,
    orderBy: { createdAt: "asc" },
  });
  return esims.map((esim) => ({
    esim,
    renewals: renewals.filter((r) => r.renewsIccid === esim.iccid),
    live: !esim.cancelledAt && hasDeliveredEsims(esim.order),
  }));
}

/** Every eSIM the customer was delivered, newest first. */
export async function listEsimsForUser(userId: string): Promise<MyEsim[]> {
  const esims = await db().esim.findMany({ where: { order: { userId } }, include: esimWithOrder, orderBy: { createdAt: "desc" } });
  return withRenewals(userId, esims);
}

/** One of the customer's eSIMs; null when there is no such eSIM or it is someone else's (callers answer 404). */
export async function findEsimForUser(userId: string, iccid: string): Promise<MyEsim | null> {
  const esim = await db().esim.findUnique({ where: { iccid }, include: esimWithOrder });
  if (!esim || esim.order.userId !== userId) return null;
  return (await withRenewals(userId, [esim]))[0]!;
}

export interface UsageReadings {
  byIccid: Map<string, EsimUsage>;
  /** A provider could not be read: the message to show. */
  unavailable: string | null;
}

/** Live usage of the live eSIMs among these: one usageForPage per provider, never one per eSIM. */
export async function readUsage(esims: MyEsim[]): Promise<UsageReadings> {
  const byProvider = new Map<string, string[]>();
  for (const { esim, live } of esims) {
    if (live) byProvider.set(esim.order.provider, [...(byProvider.get(esim.order.provider) ?? []), esim.iccid]);
  }
  const results = await Promise.all([...byProvider].map(([provider, iccids]) => usageForPage(provider, iccids)));
  const byIccid = new Map<string, EsimUsage>();
  let unavailable: string | null = null;
  for (const result of results) {
    if (result.ok) for (const usage of result.usage) byIccid.set(usage.iccid, usage);
    else unavailable = result.message;
  }
  return { byIccid, unavailable };
}
