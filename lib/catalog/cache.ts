/**
 * Invalidation of the prerendered catalog pages (tags in cache-tags.ts).
 *
 * Next.js keeps the tag state inside the server process, and revalidateTag
 * works only while that process handles a request or an action. A price
 * edit (a server action) invalidates directly. A catalog sync or any other
 * job may run outside a request (in the web process's worker or in
 * `npm run worker`), so it asks the running server over HTTP, on the
 * internal endpoint app/api/internal/catalog-cache, with a token derived from
 * AUTH_SECRET.
 *
 * Tags expire at once (expire: 0), not stale-while-revalidate: the next view
 * after a change renders the new state, as a shop owner expects after saving
 * a price.
 *
 * The build never reads the database (there may be none where it runs):
 * catalog reads answer empty while `next build` prerenders, and the server
 * invalidates CATALOG_TAG once when it boots (scripts/serve.ts), before it
 * answers anyone, so the first view of each page renders from the database.
 */
import "server-only";
import type { EventEmitter } from "node:events";
import { revalidateTag } from "next/cache";
import { env } from "../config/env";
import { createLogger } from "../log";
import { internalToken } from "../security/internal-token";
import { CATALOG_INVALIDATED_EVENT } from "./cache-tags";

const log = createLogger({ component: "catalog-cache" });

/** Whether `next build` is prerendering: catalog reads then answer empty instead of reaching for a database. */
export function isBuildPrerender(): boolean {
  return process.env.NEXT_PHASE === "phase-production-build";
}

/** Expires these tags now, in this server or, outside a request, in the running one. */
export async function invalidateCatalog(tags: readonly string[]): Promise<void> {
  const unique = [...new Set(tags)];
  if (unique.length === 0) return;
  if (expireInThisServer(unique)) {
    log.info("catalog cache invalidated", { tags: unique });
    return;
  }
  await askRunningServer(unique);
}

/** Expires the tags here when this code runs inside a request or action; false when it runs outside one. */
export function expireInThisServer(tags: readonly string[]): boolean {
  try {
    for (const tag of tags) revalidateTag(tag, { expire: 0 });
    // The shared page cache in front of Next.js (scripts/page-cache.ts) empties itself on this.
    (process as EventEmitter).emit(CATALOG_INVALIDATED_EVENT, tags);
    return true;
  } catch (err) {
    // Next.js's own words when there is no request to attach the revalidation to.
    if (err instanceof Error && err.message.includes("static generation store missing")) return false;
    throw err;
  }
}

async function askRunningServer(tags: string[]): Promise<void> {
  const { PORT, AUTH_SECRET } = env();
  const endpoint = `http://127.0.0.1:${PORT}/api/internal/catalog-cache`;
  try {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { authorization: `Bearer ${internalToken(AUTH_SECRET)}`, "content-type": "application/json" },
      body: JSON.stringify({ tags }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    log.info("catalog cache invalidated through the server", { tags });
  } catch (err) {
    // No server running (the launcher's first sync, tests) means no cached page to expire; a server that
    // starts later expires everything on boot. Anything else is worth a warning.
    const refused = (err as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED";
    if (refused) log.info("catalog cache: no server running, nothing cached to expire", { tags, endpoint });
    else log.warn("catalog cache: the server could not be asked to invalidate", { tags, endpoint, error: err });
  }
}
