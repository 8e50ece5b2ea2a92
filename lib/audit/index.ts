import "server-only";
import { isIP } from "node:net";
import { env } from "../config/env";
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

/** Where a request came from: the client address (see clientAddress) and its user agent. */
export function originFromHeaders(headers: Headers): RequestOrigin {
  return { ip: clientAddress(headers, env().TRUSTED_PROXY_HOPS), userAgent: headers.get("user-agent") };
}

/**
 * The client's address, counted from the right of X-Forwarded-For. The
 * server (scripts/serve.ts) appends the connecting peer last, and each of the
 * `trustedHops` proxies in front appended the address it saw, so the entry
 * `trustedHops` places left of the end is the client. Anything further left
 * was written by the client and proves nothing. With fewer entries than
 * that, the request skipped a proxy, and the first entry (appended by a proxy
 * or the server) is the furthest address known.
 */
export function clientAddress(headers: Headers, trustedHops: number): string | null {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = chain[Math.max(chain.length - 1 - trustedHops, 0)];
  if (!entry) return null;
  // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d.
  const address = entry.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return isIP(address) ? address : null;
}
