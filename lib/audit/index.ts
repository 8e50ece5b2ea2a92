import type { Db, Prisma } from "../db/client";
import { db } from "../db/client";

/** Where a change came from; server actions and routes read it from the request headers. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEvent {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  details?: Prisma.InputJsonValue;
  origin?: RequestOrigin | null;
}

type AuditWriter = Pick<Db, "auditLog">;

/** Appends to the audit log; pass a transaction client to commit it with the change it describes. */
export async function recordAudit(event: AuditEvent, client: AuditWriter = db()): Promise<void> {
  await client.auditLog.create({
    data: {
      actorId: event.actorId,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId ?? null,
      details: event.details,
      ip: event.origin?.ip ?? null,
      userAgent: event.origin?.userAgent?.slice(0, 300) ?? null,
    },
  });
}

/** The client's address as the nearest proxy reports it. */
export function originFromHeaders(headers: Headers): RequestOrigin {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return { ip: forwarded || headers.get("x-real-ip") || null, userAgent: headers.get("user-agent") };
}
