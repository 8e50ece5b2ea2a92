/**
 * The catalog pages are prerendered, not rendered per request: the build's
 * prerender manifest lists the home and destinations pages as static, and
 * the destination and plan pages as incremental (rendered on first visit,
 * then kept). Per-request areas must never appear there.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";

interface PrerenderManifest {
  routes: Record<string, unknown>;
  dynamicRoutes: Record<string, { fallback: string | false | null }>;
}

function manifest(): PrerenderManifest {
  expect(fs.existsSync(".next/prerender-manifest.json"), "run `npm run build` first (npm test does)").toBe(true);
  return JSON.parse(fs.readFileSync(".next/prerender-manifest.json", "utf8")) as PrerenderManifest;
}

describe("production build", () => {
  it("prerenders the catalog pages", () => {
    const { routes, dynamicRoutes } = manifest();
    expect(Object.keys(routes)).toEqual(expect.arrayContaining(["/", "/destinations"]));
    expect(Object.keys(dynamicRoutes)).toEqual(expect.arrayContaining(["/destinations/[slug]", "/plans/[id]"]));
    // null: an unlisted destination or plan is rendered on its first visit and then served from the cache.
    expect(dynamicRoutes["/destinations/[slug]"]?.fallback).toBeNull();
    expect(dynamicRoutes["/plans/[id]"]?.fallback).toBeNull();
  });

  it("prerenders nothing of the per-request areas", () => {
    const { routes, dynamicRoutes } = manifest();
    const perRequest = /^\/(account|admin|checkout|esims|orders|wallet|sign-in|sign-up|top-up|search)(\/|$)/;
    expect([...Object.keys(routes), ...Object.keys(dynamicRoutes)].filter((route) => perRequest.test(route))).toEqual([]);
  });
});
