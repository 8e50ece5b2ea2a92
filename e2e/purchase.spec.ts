import type { Page } from "@playwright/test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import config from "../playwright.config";
import { attachmentIn, E2E, emailsTo, expect, signInWithPassword, test } from "./fixtures";

/** The simulators the store under test talks to. */
const SIMULATORS = (config.webServer as { env: Record<string, string> }).env;

/** Clicks "Buy" on the first plan row of a destination that matches `row`. */
async function buyPlan(page: Page, destination: string, row: (rows: ReturnType<Page["getByRole"]>) => ReturnType<Page["getByRole"]>) {
  await page.goto(`/destinations/${destination}`);
  const target = row(page.getByRole("table").getByRole("row")).first();
  const name = await target.getByRole("button", { name: /^Buy / }).getAttribute("aria-label");
  await target.getByRole("button", { name: /^Buy / }).click();
  await expect(page).toHaveURL(/\/orders\/RS\d{8}-[0-9A-F]{10}$/);
  await expect(page.getByRole("heading", { name: "Pay for your eSIM" })).toBeVisible();
  return name!;
}

async function topUpWallet(page: Page, amount: string) {
  await page.goto("/wallet/top-up");
  await page.getByLabel("Amount to add (USD)").fill(amount);
  await page.getByRole("button", { name: "Continue to payment" }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByText(/We added \$[\d.]+ to your wallet\./)).toBeVisible();
}

/** Waits on the order page until the provider has delivered the eSIM. */
async function expectInstallDetails(page: Page) {
  await expect(page.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("img", { name: /QR code to install eSIM \d+/ })).toBeVisible();
  await expect(page.getByTestId("lpa")).toHaveText(/^LPA:1\$[^$]+\$\S+$/);
  const lpa = await page.getByTestId("lpa").textContent();
  await expect(page.getByRole("link", { name: "Install on iPhone (one tap)" })).toHaveAttribute(
    "href",
    `https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=${encodeURIComponent(lpa!)}`,
  );
  await expect(page.getByText("APN")).toBeVisible();
}

test("a customer buys a plan by card and gets the QR code, LPA, iOS link and PDF, on the page and by email", async ({ page, customer }) => {
  const plan = await buyPlan(page, "japan", (rows) => rows.filter({ has: page.getByRole("button", { name: /^Buy / }) }));
  const price = /for (\$[\d.]+)$/.exec(plan)![1]!;
  await page.getByRole("button", { name: `Pay ${price} by card` }).click();

  await expect(page.getByRole("heading", { name: `Pay ${price}` })).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_test_/);
  await expect(page.getByText(new RegExp(`We received ${price.replace("$", "\\$")}`))).toBeVisible();

  await page.getByRole("link", { name: "View your order" }).click();
  await expectInstallDetails(page);
  await page.goto("/account");
  await expect(page.getByRole("table", { name: "My orders, newest first" })).toContainText("Ready to install");

  await page.goBack();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PDF" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^esim-\d+\.pdf$/);
  const bytes = Buffer.concat(await (await download.createReadStream()).toArray());
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");

  // The delivery email: its inline QR code holds the LPA the page shows, and the PDF is attached; it can be sent again.
  await page.getByRole("button", { name: "Email me the install details again" }).click();
  await expect(page.getByText(/^Sent to the address you ordered with/)).toBeVisible();
  const [resent, delivered] = await emailsTo(customer.email, /^Your eSIM is ready: /, 2);
  const lpa = await page.getByTestId("lpa").textContent();
  const iccid = download.suggestedFilename().replace(/^esim-(\d+)\.pdf$/, "$1");
  for (const email of [delivered!, resent!]) {
    const qr = attachmentIn(email, `qr-${iccid}.png`);
    expect(email.html).toContain(`src="cid:${qr.cid}"`);
    const image = PNG.sync.read(qr.bytes);
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(lpa);
    expect(attachmentIn(email, download.suggestedFilename()).bytes.subarray(0, 5).toString()).toBe("%PDF-");
  }
});

test("a cancellation acknowledged but not confirmed: no refund until confirmed", async ({
  page,
  browser,
  request,
  customer: _signedIn,
}) => {
  test.setTimeout(180_000); // a purchase, the cancellation jobs, then the admin's confirmation
  // The strict MIOeSIM answers a cancellation as done (status 2); this one processes it but answers with a bare acknowledgement.
  const armed = await request.post(`${SIMULATORS.MIOESIM_BASE_URL}/__sim/faults`, { data: { forced: { refundAcknowledged: 1 } } });
  expect(armed.ok()).toBe(true);
  await topUpWallet(page, "60");
  // A plan whose policy allows cancellation (no "Non-refundable" badge).
  await buyPlan(page, "japan", (rows) =>
    rows.filter({ has: page.getByRole("button", { name: /^Buy / }) }).filter({ hasNotText: "Non-refundable" }),
  );
  await page.getByRole("button", { name: /from wallet$/ }).click();
  await expect(page.getByText("Paid from your wallet")).toBeVisible();
  await page.getByRole("link", { name: "View your order" }).click();
  await expectInstallDetails(page);
  await expect(page.getByText("Not installed yet")).toBeVisible();
  const orderPath = new URL(page.url()).pathname;
  const otherOrderId = orderPath.split("/").pop()!;

  // The request returns at once: the page says the cancellation is requested, and offers no second one.
  await page.getByRole("button", { name: "Cancel and refund" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Cancellation requested" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel and refund" })).toHaveCount(0);
  // The job sends refundOrder; MIOeSIM acknowledges it with data null, which confirms nothing.
  await expect(page.getByText("Cancellation pending", { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("Your order was cancelled and refunded.")).toHaveCount(0);
  await page.goto("/wallet");
  await expect(page.getByRole("region", { name: "Wallet balance" })).not.toContainText("$60.00");

  // An admin reads MIOeSIM's records and confirms the cancellation: only now does the money go back, once.
  const desk = await (await browser.newContext()).newPage();
  await signInWithPassword(desk, E2E.adminEmail, E2E.adminPassword);
  await desk.goto(`/admin/orders/${otherOrderId}`);
  const confirm = desk.getByRole("form", { name: "Confirm the cancellation" });
  await confirm.getByLabel("What the provider's records show").fill("MIOeSIM portal shows the order cancelled (2)");
  await confirm.getByRole("button", { name: "Cancelled at provider: refund" }).click();
  // The page is refreshed with the action's answer: one refund, succeeded, with the admin's reason, and the form gone.
  const refunds = desk
    .getByRole("table", { name: "Refunds" })
    .getByRole("row")
    .filter({ hasText: "MIOeSIM portal shows the order cancelled (2)" });
  await expect(refunds).toHaveCount(1);
  await expect(refunds).toContainText("succeeded");
  await expect(desk.getByRole("form", { name: "Confirm the cancellation" })).toHaveCount(0);
  await desk.context().close();

  await page.goto(orderPath);
  await expect(page.getByText("Refunded", { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await page.goto("/wallet");
  await expect(page.getByRole("region", { name: "Wallet balance" })).toContainText("$60.00");
});

test("a wallet that does not cover the order cannot pay from it", async ({ page, customer: _signedIn }) => {
  await buyPlan(page, "japan", (rows) => rows.filter({ has: page.getByRole("button", { name: /^Buy / }) }));
  await expect(page.getByRole("button", { name: /from wallet$/ })).toBeDisabled();
  await expect(page.getByText(/not enough/)).toBeVisible();
});

/** Pays the order on its page by card through the fake Stripe and opens the order again. */
async function payByCard(page: Page) {
  await page.getByRole("button", { name: /by card$/ }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_test_/);
  await page.getByRole("link", { name: "View your order" }).click();
}

test("a customer buys two MeiSIM eSIMs in one order and gets each one's QR code and LPA", async ({ page, customer: _signedIn }) => {
  await page.goto("/destinations/japan");
  // MeiSIM's plans are the ones whose title the store composes as "<destination> <data>, <days>".
  const row = page
    .getByRole("table")
    .getByRole("row")
    .filter({ hasText: /Japan \d+ GB, \d+ days/ })
    .first();
  await row.getByLabel(/^Number of eSIMs/).selectOption("2");
  await row.getByRole("button", { name: /^Buy / }).click();
  await expect(page.getByRole("heading", { name: "Pay for your eSIM" })).toBeVisible();
  await expect(page.getByText(/× 2/)).toBeVisible();
  await payByCard(page);

  await expect(page.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("img", { name: /QR code to install eSIM \d+/ })).toHaveCount(2);
  const lpas = await page.getByTestId("lpa").allTextContents();
  expect(lpas).toHaveLength(2);
  for (const lpa of lpas) expect(lpa).toMatch(/^LPA:1\$[^$]+\$\S+$/);
  expect(new Set(lpas).size).toBe(2);
  await expect(page.getByLabel("Data usage").first()).toContainText("Status:");
});

test("a customer adds data to a renewable MIOeSIM eSIM and it stays on the order that delivered it", async ({
  page,
  customer: _signedIn,
}) => {
  await page.goto("/destinations/japan");
  const row = page.getByRole("table").getByRole("row").filter({ hasText: "Top-up available" }).first();
  await row.getByRole("button", { name: /^Buy / }).click();
  await payByCard(page);
  await expect(page.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });
  const firstOrder = page.url();

  await page.getByRole("link", { name: "Add more data" }).click();
  await expect(page.getByRole("table", { name: "Plans that can renew this eSIM" })).toBeVisible();
  await page
    .getByRole("button", { name: /^Renew with / })
    .first()
    .click();
  await payByCard(page);

  await expect(page.getByText("Data added")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("link", { name: "See its usage and install details" }).click();
  await expect(page).toHaveURL(firstOrder);
});
