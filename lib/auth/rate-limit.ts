import { db } from "../db/client";

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

/**
 * Fixed-window counter in the database, so the limit holds across processes
 * and restarts. Each call counts one attempt against `key`.
 */
export async function hitRateLimit(key: string, limit: number, windowMs: number, now = Date.now()): Promise<RateLimitResult> {
  const windowStart = new Date(now - (now % windowMs));
  const row = await db().rateLimitWindow.upsert({
    where: { key_windowStart: { key, windowStart } },
    create: { key, windowStart, count: 1 },
    update: { count: { increment: 1 } },
  });
  const retryAfterMs = windowStart.getTime() + windowMs - now;
  return { allowed: row.count <= limit, remaining: Math.max(0, limit - row.count), retryAfterMs };
}

/** Whether `key` has used up its attempts in the current window, without counting one. */
export async function isRateLimited(key: string, limit: number, windowMs: number, now = Date.now()): Promise<RateLimitResult> {
  const windowStart = new Date(now - (now % windowMs));
  const row = await db().rateLimitWindow.findUnique({ where: { key_windowStart: { key, windowStart } } });
  const count = row?.count ?? 0;
  return { allowed: count < limit, remaining: Math.max(0, limit - count), retryAfterMs: windowStart.getTime() + windowMs - now };
}

/** Drops windows that ended long ago; called opportunistically. */
export async function pruneRateLimits(olderThanMs = 24 * 3600_000): Promise<void> {
  await db().rateLimitWindow.deleteMany({ where: { windowStart: { lt: new Date(Date.now() - olderThanMs) } } });
}
