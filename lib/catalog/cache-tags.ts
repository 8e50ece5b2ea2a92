/**
 * The cache tags of the storefront's catalog pages. Every cached catalog read
 * ("use cache" + cacheTag) names the tags of what it reads, and every change
 * (a sync, a price or markup edit, a plan withdrawal) invalidates exactly the
 * tags of what it changed; lib/catalog/cache.ts does the invalidating.
 */

/** Everything the catalog pages show: the destination list, search index, every destination and plan. */
export const CATALOG_TAG = "catalog";
/** The list of destinations with their "from" prices (home page, destinations page, search suggestions). */
export const DESTINATIONS_TAG = "catalog:destinations";

/** One destination's page: its plans and the regional plans that cover it. */
export function destinationTag(slug: string): string {
  return `catalog:destination:${slug}`;
}

/** One plan's detail page. */
export function planTag(planId: string): string {
  return `catalog:plan:${planId}`;
}

/** Emitted on `process` after catalog tags were expired in it, for the shared page cache in front of Next.js (scripts/page-cache.ts). */
export const CATALOG_INVALIDATED_EVENT = "roamsim:catalog-invalidated";
