import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { E2E, expect, signInWithPassword, signOut, test } from "./fixtures";

const ADMIN_DIR = path.resolve("app/admin");
const baseURL = E2E.baseURL;
/** Fills every dynamic segment: a well-formed record id that names nothing, so only the role check can answer. */
const SAMPLE_ID = "RS20260101-0000000000";

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The URL a page.tsx or route.ts under app/admin answers at: route groups dropped, dynamic segments filled. */
function urlOf(file: string): string {
  const segments = path
    .relative(path.resolve("app"), path.dirname(file))
    .split(path.sep)
    .filter((s) => !/^\(.*\)$/.test(s))
    .map((s) => (/^\[.*\]$/.test(s) ? SAMPLE_ID : s));
  return `/${segments.join("/")}`;
}

const adminFiles = filesUnder(ADMIN_DIR);
const pages = adminFiles.filter((f) => path.basename(f) === "page.tsx").map(urlOf);
const routeFiles = adminFiles.filter((f) => /^route\.tsx?$/.test(path.basename(f)));
/** Each route handler with the HTTP methods it exports. */
const routes = routeFiles.flatMap((file) =>
  [...fs.readFileSync(file, "utf8").matchAll(/^export\s+(?:async\s+function|const)\s+(GET|POST|PUT|PATCH|DELETE)\b/gm)].map((m) => ({
    url: urlOf(file),
    method: m[1]!,
  })),
);

/** Every server action the admin area exports, with the id the build gave it (from the build's manifest). */
function adminActions(): { name: string; id: string }[] {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { filename: string; exportedName: string }>;
  };
  return adminFiles
    .filter((f) => path.basename(f) === "actions.ts")
    .flatMap((file) => {
      const filename = path.relative(process.cwd(), file).split(path.sep).join("/");
      const exported = [...fs.readFileSync(file, "utf8").matchAll(/^export\s+(?:async\s+function|const|let)\s+(\w+)/gm)].map((m) => m[1]!);
      return exported.map((name) => {
        const id = Object.entries(manifest.node).find(([, v]) => v.filename === filename && v.exportedName === name)?.[0];
        // An action the build does not know cannot be called; it is also dead code, which is a failure of its own.
        if (!id) throw new Error(`${filename} exports ${name}, which the build has no server action id for`);
        return { name: `${filename}#${name}`, id };
      });
    });
}

/** Calls a server action as the browser's fetch does. */
function callAction(request: APIRequestContext, id: string): Promise<APIResponse> {
  return request.post("/admin", {
    headers: { "next-action": id, origin: baseURL, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: "[]",
    maxRedirects: 0,
  });
}

test("every admin page, route and server action refuses a customer (403) and sends a signed-out visitor to sign in", async ({
  page,
  playwright,
  customer: _signedIn,
}) => {
  test.setTimeout(180_000); // two requests for each of some sixty pages, routes and actions
  const actions = adminActions();
  // The lists are read from the tree; these are known to be in it.
  expect(pages).toEqual(expect.arrayContaining(["/admin", "/admin/orders", `/admin/orders/${SAMPLE_ID}`]));
  expect(routes).toContainEqual({ url: "/admin/orders/export", method: "GET" });
  // Every route file was read for its methods (an export form the pattern misses would leave one untested).
  expect(new Set(routes.map((r) => r.url)).size).toBe(routeFiles.length);
  expect(actions.map((a) => a.name)).toEqual(expect.arrayContaining(["app/admin/orders/actions.ts#refundOrderAction"]));

  const signedOut = await playwright.request.newContext({ baseURL });
  try {
    for (const { url, method } of [...pages.map((url) => ({ url, method: "GET" })), ...routes]) {
      const asCustomer = await page.request.fetch(url, { method, maxRedirects: 0 });
      expect(asCustomer.status(), `${method} ${url} as a customer`).toBe(403);
      const asNobody = await signedOut.fetch(url, { method, maxRedirects: 0 });
      expect([303, 307], `${method} ${url} signed out`).toContain(asNobody.status());
      expect(asNobody.headers().location, `${method} ${url} signed out`).toMatch(/^(http:\/\/[^/]+)?\/sign-in\?callbackUrl=%2Fadmin/);
    }
    for (const action of actions) {
      const asCustomer = await callAction(page.request, action.id);
      // Refused by the action's role check, not by the proxy's cross-site check (which answers in plain text).
      expect(asCustomer.headers()["content-type"], action.name).toContain("text/x-component");
      // Next.js answers a fetch-style action that called forbidden() with HTTP 200 and the 403 in the payload,
      // which the browser turns into the 403 page; the action itself stopped at its first line.
      expect(await asCustomer.text(), `${action.name} as a customer`).toContain("NEXT_HTTP_ERROR_FALLBACK;403");
      const asNobody = await callAction(signedOut, action.id);
      expect(asNobody.headers()["x-action-redirect"], `${action.name} signed out`).toMatch(/^\/sign-in\?callbackUrl=%2Fadmin/);
    }
  } finally {
    await signedOut.dispose();
  }
});

test("the admin finds a two-card order by an ICCID and refunds one card; the refund and the audit line show on the order", async ({
  page,
  customer: _signedIn,
}) => {
  test.setTimeout(180_000); // a purchase delivered through the simulators, then the admin's journey
  await page.goto("/destinations/japan");
  const row = page
    .getByRole("table")
    .getByRole("row")
    .filter({ hasText: /Japan \d+ GB, \d+ days/ })
    .first();
  await row.getByLabel(/^Number of eSIMs/).selectOption("2");
  await row.getByRole("button", { name: /^Buy / }).click();
  await expect(page.getByRole("heading", { name: "Pay for your eSIM" })).toBeVisible();
  const otherOrderId = /\/orders\/(RS\d{8}-[0-9A-F]{10})$/.exec(page.url())![1]!;
  await page.getByRole("button", { name: /by card$/ }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await page.getByRole("link", { name: "View your order" }).click();
  await expect(page.getByRole("img", { name: /QR code to install eSIM \d+/ })).toHaveCount(2, { timeout: 30_000 });
  const iccids = (
    await page.getByRole("img", { name: /QR code to install eSIM/ }).evaluateAll((imgs) => imgs.map((i) => i.getAttribute("alt")))
  ).map((alt) => alt!.replace("QR code to install eSIM ", ""));
  const refunded = iccids[1]!;
  const kept = iccids[0]!;
  await signOut(page);

  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();
  await page.goto("/admin/orders");
  await page.getByLabel("Order reference, provider order, ICCID, email or Stripe session").fill(refunded);
  await page.getByRole("search", { name: "Find orders" }).getByRole("button", { name: "Search" }).click();
  const list = page.getByRole("table", { name: "Orders, newest first" });
  await expect(list.getByRole("row")).toHaveCount(2); // the header and the one order
  await list.getByRole("link", { name: otherOrderId }).click();

  await expect(page.getByRole("heading", { name: `Order ${otherOrderId}` })).toBeVisible();
  const form = page.getByRole("form", { name: `Refund card ${refunded}` });
  await form.getByRole("button", { name: "Refund this card" }).click();
  // The reason is required: the browser refuses the empty field before anything is sent.
  const reason = form.getByLabel(`Reason to refund card ${refunded}`);
  expect(await reason.evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);
  await reason.fill("Traveller cancelled their trip");
  await form.getByRole("button", { name: "Refund this card" }).click();
  // The page is refreshed with the action's answer: the card shows as refunded, its form gone.
  const cards = page.getByRole("table", { name: "The order's eSIMs with their live status" });
  await expect(cards.getByRole("row").filter({ hasText: refunded })).toContainText("Refunded");

  await page.reload();
  const refunds = page.getByRole("table", { name: "Refunds" });
  await expect(refunds.getByRole("row").filter({ hasText: `Card ${refunded}` })).toContainText("Traveller cancelled their trip");
  await expect(refunds.getByRole("row")).toHaveCount(2);
  const audit = page.getByRole("table", { name: "Audit log of this order, oldest first" });
  await expect(audit.getByRole("row").filter({ hasText: "order.desk.refund" })).toContainText(E2E.adminEmail);
  await expect(audit.getByRole("row").filter({ hasText: "order.desk.refund" })).toContainText("Traveller cancelled their trip");
  // Once Stripe confirms the refund (partly refunded), the other card can still be refunded on its own.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("form", { name: `Refund card ${kept}` })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole("form", { name: `Refund card ${refunded}` })).toHaveCount(0);
});

test("a mobile top-up refunded from the admin desk", async ({ page, browser, customer: _signedIn }) => {
  test.setTimeout(120_000);
  await page.goto("/top-up");
  const form = page.getByRole("form", { name: "Mobile top-up" });
  await form.getByLabel("Mobile network").selectOption("Vodafone-UK");
  await form.getByLabel("Phone number, with country code").fill("+44 7700 900123");
  await form.getByLabel(/^Amount/).fill("20");
  await form.getByRole("button", { name: "Check number and see price" }).click();
  await expect(page).toHaveURL(/\/top-up\/[^/?]+$/);
  const topupId = new URL(page.url()).pathname.split("/").pop()!;
  await page.getByRole("button", { name: "Pay by card" }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(new RegExp(`/top-up/${topupId}\\?paid=1$`));
  // MeiSIM's answer is confirmed by its order history before the top-up counts as recharged.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("topup-status")).toHaveText("Recharged", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  const desk = await (await browser.newContext()).newPage();
  await signInWithPassword(desk, E2E.adminEmail, E2E.adminPassword);
  await desk.goto("/admin/topups");
  await desk.getByRole("table", { name: "Mobile top-ups, newest first" }).getByRole("link", { name: topupId }).click();
  await expect(desk.getByRole("heading", { name: `Top-up ${topupId}` })).toBeVisible();
  const refund = desk.getByRole("form", { name: "Refund the top-up" });
  await refund.getByLabel("Reason to refund the top-up").fill("Customer's phone was lost before use");
  await refund.getByRole("button", { name: "Refund" }).click();
  // The page is refreshed with the action's answer, and Stripe confirms the card refund: the timeline shows the admin's reason, and no refund form is left.
  await expect(async () => {
    await desk.reload();
    await expect(desk.getByText(/^Refunded · Vodafone-UK/)).toBeVisible({ timeout: 1_000 });
    await expect(desk.getByText(/refund succeeded$/)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(desk.getByRole("table", { name: "The top-up's status changes" })).toContainText("Customer's phone was lost before use");
  await expect(desk.getByRole("form", { name: "Refund the top-up" })).toHaveCount(0);
  await desk.context().close();

  await page.reload();
  await expect(page.getByTestId("topup-status")).toHaveText("Refunded");
  await expect(page.getByText(/refunded to your card/)).toBeVisible();
});
