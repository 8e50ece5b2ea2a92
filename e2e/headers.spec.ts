/**
 * The security headers on every kind of response (catalog, sign-in,
 * customer and admin pages, route handlers, 404 and 400 answers), and the
 * Content Security Policy in a real browser: pages hydrate and navigate with
 * no violation (catalog pages with no 'unsafe-inline', their inline scripts
 * allowed by hash), and no page can be framed. Policy choices: lib/security/headers.ts.
 */
import { createHash } from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { E2E, expect, signInWithPassword, test } from "./fixtures";

/** Which script policy: a fresh nonce, or the one that also serves prerendered HTML (see lib/security/headers). */
type Policy = "nonce" | "no-nonce";

/** The directives of a Content Security Policy, by name. */
function directives(csp: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (csp ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values.join(" ")]),
  );
}

async function expectSecurityHeaders(request: APIRequestContext, path: string, policy: Policy, status: number): Promise<string | null> {
  const res = await request.get(path, { maxRedirects: 0 });
  expect(res.status(), path).toBe(status);
  const headers = res.headers();
  expect(headers["x-content-type-options"], path).toBe("nosniff");
  expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"], path).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
  expect(headers["x-frame-options"], path).toBe("DENY");
  // The e2e store is served over http: HSTS would be meaningless there (lib/security/headers sends it only for an https APP_URL).
  expect(headers["strict-transport-security"], path).toBeUndefined();
  const csp = directives(headers["content-security-policy"]);
  expect(csp, path).toMatchObject({
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "connect-src": "'self'",
  });
  if (policy === "no-nonce") {
    // No 'unsafe-inline': the inline scripts of this very answer, by hash (scripts/inline-script-hashes.ts).
    expect(csp["script-src"], path).toMatch(/^'self'( 'sha256-[A-Za-z0-9+/]+={0,2}')*$/);
    if (headers["content-type"]?.startsWith("text/html")) {
      const inline = [...(await res.text()).matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)]
        .map((m) => m[1]!)
        .filter(Boolean);
      expect(inline.length, path).toBeGreaterThan(0);
      for (const body of inline)
        expect(csp["script-src"], path).toContain(`'sha256-${createHash("sha256").update(body).digest("base64")}'`);
    }
    return null;
  }
  const nonce = /^'self' 'nonce-([A-Za-z0-9+/]+={0,2})' 'strict-dynamic'$/.exec(csp["script-src"] ?? "")?.[1];
  expect(nonce, `${path}: script-src ${csp["script-src"]}`).toBeTruthy();
  if (headers["content-type"]?.startsWith("text/html")) {
    const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length, path).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
  }
  return nonce!;
}

/** Buys the first plan of a destination; returns the new order's reference. */
async function startOrder(page: Page): Promise<string> {
  await page.goto("/destinations/japan");
  await page.getByRole("button", { name: /^Buy / }).first().click();
  await expect(page).toHaveURL(/\/orders\/RS\d{8}-[0-9A-F]{10}$/);
  return new URL(page.url()).pathname.split("/").pop()!;
}

test("every kind of response carries the security headers, with a fresh nonce where pages render per request", async ({
  page,
  customer: _signedIn,
  browser,
  playwright,
  baseURL,
}) => {
  const orderId = await startOrder(page);
  const anonymous = await playwright.request.newContext({ baseURL });
  const visitorPages: [string, Policy, number][] = [
    ["/", "no-nonce", 200],
    ["/destinations", "no-nonce", 200],
    ["/destinations/japan", "no-nonce", 200],
    ["/no-such-page", "no-nonce", 404],
    ["/destinations/%ff", "no-nonce", 400],
    ["/api/health", "no-nonce", 200],
    ["/sign-in", "nonce", 200],
    ["/account", "nonce", 307],
  ];
  for (const [path, policy, status] of visitorPages) await expectSecurityHeaders(anonymous, path, policy, status);

  const customerPages: [string, Policy, number][] = [
    ["/account", "nonce", 200],
    [`/orders/${orderId}`, "nonce", 200],
    // Refused before anything renders, so there is no script to stamp.
    ["/orders/%c0%af", "no-nonce", 400],
    ["/wallet", "nonce", 200],
    ["/wallet/statement?from=2026-01-01&to=2026-01-31", "nonce", 200],
    ["/admin/orders", "nonce", 403],
  ];
  for (const [path, policy, status] of customerPages) await expectSecurityHeaders(page.request, path, policy, status);
  const first = await expectSecurityHeaders(page.request, "/account", "nonce", 200);
  const second = await expectSecurityHeaders(page.request, "/account", "nonce", 200);
  expect(first).not.toBe(second);

  const admin = await (await browser.newContext({ baseURL })).newPage();
  await signInWithPassword(admin, E2E.adminEmail, E2E.adminPassword);
  for (const path of ["/admin", "/admin/orders", "/admin/customers", "/admin/catalog?q=Japan"])
    await expectSecurityHeaders(admin.request, path, "nonce", 200);
});

/** Records CSP violations in the page, from before any of its scripts run. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) console.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __violations: string[] }).__violations = []);
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push(`${e.violatedDirective} blocked ${e.blockedURI} on ${location.pathname}`),
    );
  });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations))];
}

/** Follows a link and checks it was a client-side navigation: only a hydrated app router does that. */
async function navigatesInPlace(page: Page, link: ReturnType<Page["getByRole"]>, url: RegExp) {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await link.click();
  await expect(page).toHaveURL(url);
  expect(
    await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    `${url} loaded as a new document: the page did not hydrate`,
  ).toBe(true);
}

test("pages hydrate and work under the policy, with no violation, and cannot be framed", async ({
  page,
  customer: _signedIn,
  browser,
  baseURL,
}) => {
  const violations = await watchViolations(page);
  // Catalog pages (the prerendered policy, inline scripts by hash): the search box's suggestions need hydrated React.
  await page.goto("/");
  const search = page.getByRole("combobox", { name: "Where are you going?" });
  await search.fill("jap");
  await expect(page.getByRole("listbox", { name: "Matching destinations" }).getByRole("option").first()).toContainText("Japan");
  await search.fill("");
  // A second view comes from the shared page cache, with the hashes it was answered with.
  const cached = await page.request.get("/destinations");
  const again = await page.request.get("/destinations");
  expect(again.headers()["content-security-policy"]).toBe(cached.headers()["content-security-policy"]);
  expect(again.headers()["content-security-policy"]).not.toMatch(/script-src[^;]*unsafe-inline/);
  await navigatesInPlace(page, page.getByRole("link", { name: /^Japan/ }).first(), /\/destinations\/japan$/);
  // A server action's redirect, then customer pages (the per-request policy).
  await page.getByRole("button", { name: /^Buy / }).first().click();
  await expect(page).toHaveURL(/\/orders\/RS\d{8}-[0-9A-F]{10}$/);
  await page.reload();
  await navigatesInPlace(page, page.getByRole("link", { name: "All my eSIMs" }), /\/account$/);
  await navigatesInPlace(page, page.getByRole("link", { name: "Wallet" }), /\/wallet$/);
  expect(await violations()).toEqual([]);

  const adminContext = await browser.newContext({ baseURL });
  const admin = await adminContext.newPage();
  const adminViolations = await watchViolations(admin);
  await signInWithPassword(admin, E2E.adminEmail, E2E.adminPassword);
  await admin.goto("/admin/wallets");
  await navigatesInPlace(admin, admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Orders" }), /\/admin\/orders$/);
  expect(await adminViolations()).toEqual([]);

  // The refund and adjustment forms live on admin pages: another site framing one gets nothing.
  const framing = await adminContext.newPage();
  const refused = framing.waitForEvent("console", (message) => message.text().includes("frame-ancestors 'none'"));
  await framing.setContent(`<iframe src="${baseURL}/admin/orders"></iframe>`);
  await refused;
});

test("a path segment longer than any file name is not found, with the security headers, never a 500", async ({ request }) => {
  const long = "x".repeat(300);
  for (const path of [`/${long}`, `/destinations/${long}`, `/api/auth/${long}`, `/plans/${long}?q=1`]) {
    for (const method of ["GET", "POST"]) {
      const response = await request.fetch(path, { method, maxRedirects: 0 });
      expect(response.status(), `${method} ${path}`).toBe(404);
      expect(response.headers()["content-security-policy"], `${method} ${path}`).toContain("frame-ancestors 'none'");
    }
  }
});
