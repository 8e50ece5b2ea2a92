import type { Page } from "@playwright/test";
import config from "../playwright.config";
import { MEISIM_DEMO_ACCOUNT } from "../simulators/meisim";
import { E2E, expect, latestEmailTo, signInWithPassword, signOut, test } from "./fixtures";

/** The simulators the store under test talks to (strict dialects: only what the providers document). */
const SIMULATORS = (config.webServer as { env: Record<string, string> }).env;

/** Buys the first plan of the destination page's rows that `which` keeps, by card, and opens the order. Returns its reference. */
async function buyByCard(page: Page, which: RegExp | string): Promise<string> {
  await page.goto("/destinations/japan");
  const row = page.getByRole("table").getByRole("row").filter({ hasText: which }).first();
  await row.getByRole("button", { name: /^Buy / }).click();
  await expect(page).toHaveURL(/\/orders\/RS\d{8}-[0-9A-F]{10}$/);
  const otherOrderId = new URL(page.url()).pathname.split("/").pop()!;
  await page.getByRole("button", { name: /by card$/ }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_test_/);
  await page.goto(`/orders/${otherOrderId}`);
  return otherOrderId;
}

test("a lost answer with no way to tell: the customer is told we are confirming, and an admin resolves it in one step", async ({
  page,
  request,
  customer,
}) => {
  // The store waits PROVIDER_TIMEOUT_MS (15 s) for the lost answer; MIOeSIM documents no look-up that could settle it.
  test.setTimeout(180_000);
  const armed = await request.post(`${SIMULATORS.MIOESIM_BASE_URL}/__sim/faults`, { data: { forced: { answerLostUnplaced: 1 } } });
  expect(armed.ok()).toBe(true);

  // MIOeSIM's renewable plans are the ones marked "Top-up available".
  const otherOrderId = await buyByCard(page, "Top-up available");
  await expect(page.getByText("We’re confirming your eSIM with the network")).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText("Your payment is safe.")).toBeVisible();
  await expect(page.getByText("Delivery failed")).toHaveCount(0);

  await signOut(page);
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto(`/admin/orders/${otherOrderId}`);
  await expect(page.getByRole("heading", { name: `Order ${otherOrderId}` })).toBeVisible();
  // The admin checked MIOeSIM's portal: no order under our reference. One step places it.
  const placeAgain = page.getByRole("form", { name: "Place again" });
  await placeAgain.getByLabel("What you checked at the provider").fill("MIOeSIM portal: no order under our reference");
  await placeAgain.getByRole("button", { name: "Not at provider: place again" }).click();
  // Delivered from the one placement the admin asked for (the form goes with the review state).
  await expect(page.getByRole("heading", { name: "eSIMs (1 of 1)" })).toBeVisible({ timeout: 30_000 });
  const timeline = page.getByRole("table", { name: "Lifecycle timeline, oldest first" });
  await expect(timeline.getByRole("row").filter({ hasText: "retry_requested" })).toContainText(E2E.adminEmail);
  await expect(timeline.getByRole("row").filter({ hasText: "delivered" })).toHaveCount(1);
  const audit = page.getByRole("table", { name: "Audit log of this order, oldest first" });
  await expect(audit.getByRole("row").filter({ hasText: "order.desk.retry" })).toContainText(
    "MIOeSIM portal: no order under our reference",
  );

  // The customer is told by email: the delivery email with the install details.
  const delivery = await latestEmailTo(customer.email, /^Your eSIM is ready: /, 30_000);
  expect(delivery.text).toContain("LPA:1$");
});

test("a 402 on a bundle (the MeiSIM dealer wallet ran short after payment): the customer is refunded, nothing placed", async ({
  page,
  request,
  customer,
}) => {
  test.setTimeout(120_000);
  const armed = await request.post(`${SIMULATORS.MEISIM_BASE_URL}/__sim/faults`, { data: { forced: { walletShort: 1 } } });
  expect(armed.ok()).toBe(true);

  // MeiSIM's plans are the ones whose title the store composes as "<destination> <data>, <days>".
  const otherOrderId = await buyByCard(page, /Japan \d+ GB, \d+ days/);
  // The refund settles once the fake Stripe confirms it; the page shows it on the next load.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText("Refunded", { exact: true }).first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await latestEmailTo(customer.email, `Refund for order ${otherOrderId}`, 30_000);

  // MeiSIM's own records: no order under this order's references.
  const history = await request.get(`${SIMULATORS.MEISIM_BASE_URL}/api/v1/orders`, {
    headers: { "x-dealer-key": MEISIM_DEMO_ACCOUNT.dealerKey },
  });
  const upstream = ((await history.json()) as { customer_reference: string | null }[]).filter((o) =>
    o.customer_reference?.startsWith(otherOrderId),
  );
  expect(upstream).toEqual([]);
});
