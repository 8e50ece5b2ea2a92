/** The admin's customer desk: finding an account, what it bought and holds, and disabling it. */
import "server-only";
import { recordAudit, type RequestOrigin } from "../audit";
import { endAllSessions } from "../auth/session-store";
import { env } from "../config/env";
import { db } from "../db/client";
import type { OrderStatus, Role } from "../generated/prisma/client";

export interface CustomerRow {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabledAt: Date | null;
  createdAt: Date;
  balanceMinor: number;
  currency: string;
  orders: number;
}

/** Accounts newest first, matching the search in email or name. */
export async function searchCustomers(search: string | undefined, take = 100): Promise<CustomerRow[]> {
  const users = await db().user.findMany({
    where: search
      ? { OR: [{ email: { contains: search, mode: "insensitive" } }, { name: { contains: search, mode: "insensitive" } }] }
      : {},
    include: { wallet: { select: { balanceMinor: true, currency: true } }, _count: { select: { orders: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take,
  });
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabledAt: u.disabledAt,
    createdAt: u.createdAt,
    balanceMinor: u.wallet?.balanceMinor ?? 0,
    currency: u.wallet?.currency ?? env().CURRENCY,
    orders: u._count.orders,
  }));
}

export interface CustomerOrderRow {
  otherOrderId: string;
  planName: string;
  status: OrderStatus;
  amountMinor: number;
  currency: string;
  paymentMethod: string;
  quantity: number;
  createdAt: Date;
}

export interface CustomerEsimRow {
  iccid: string;
  orderId: string;
  planName: string;
  cancelledAt: Date | null;
  createdAt: Date;
}

export interface CustomerDetail {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  emailVerified: Date | null;
  disabledAt: Date | null;
  disabledReason: string | null;
  createdAt: Date;
  activeSessions: number;
  orders: CustomerOrderRow[];
  esims: CustomerEsimRow[];
}

/** One account with its latest orders and eSIMs (the wallet comes from lib/wallet/queries); null when there is none. */
export async function customerDetail(userId: string, take = 100): Promise<CustomerDetail | null> {
  const user = await db().user.findUnique({ where: { id: userId } });
  if (!user) return null;
  const [orders, esims, activeSessions] = await Promise.all([
    db().order.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { otherOrderId: "asc" }],
      take,
      select: {
        otherOrderId: true,
        planName: true,
        status: true,
        amountMinor: true,
        currency: true,
        paymentMethod: true,
        quantity: true,
        createdAt: true,
      },
    }),
    db().esim.findMany({
      where: { order: { userId } },
      orderBy: [{ createdAt: "desc" }, { iccid: "asc" }],
      take,
      select: { iccid: true, orderId: true, cancelledAt: true, createdAt: true, order: { select: { planName: true } } },
    }),
    db().session.count({ where: { userId, expires: { gt: new Date() } } }),
  ]);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    emailVerified: user.emailVerified,
    disabledAt: user.disabledAt,
    disabledReason: user.disabledReason,
    createdAt: user.createdAt,
    activeSessions,
    orders,
    esims: esims.map(({ order, ...esim }) => ({ ...esim, planName: order.planName })),
  };
}

export type AccountChange = "disabled" | "enabled" | "unchanged" | "missing" | "self";

/**
 * Disables an account and signs it out everywhere (its sessions end in the
 * same transaction; sign-in already refuses a disabled account), or enables
 * it again. Audited with the reason. An admin cannot disable their own account.
 */
export async function setAccountDisabled(input: {
  userId: string;
  disabled: boolean;
  reason: string;
  actorId: string;
  origin?: RequestOrigin | null;
}): Promise<{ change: AccountChange; sessionsEnded: number }> {
  if (input.disabled && input.userId === input.actorId) return { change: "self", sessionsEnded: 0 };
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { disabledAt: true } });
    if (!user) return { change: "missing" as const, sessionsEnded: 0 };
    if (!!user.disabledAt === input.disabled) return { change: "unchanged" as const, sessionsEnded: 0 };
    await tx.user.update({
      where: { id: input.userId },
      data: input.disabled ? { disabledAt: new Date(), disabledReason: input.reason } : { disabledAt: null, disabledReason: null },
    });
    const sessionsEnded = input.disabled ? await endAllSessions(input.userId, tx) : 0;
    await recordAudit(
      {
        actorId: input.actorId,
        action: input.disabled ? "user.disabled" : "user.enabled",
        entityType: "User",
        entityId: input.userId,
        details: { reason: input.reason, sessionsEnded },
        origin: input.origin,
      },
      tx,
    );
    return { change: input.disabled ? ("disabled" as const) : ("enabled" as const), sessionsEnded };
  });
}
