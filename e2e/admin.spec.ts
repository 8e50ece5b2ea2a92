import { E2E, expect, signInWithPassword, test } from "./fixtures";

test.beforeEach(async ({ page }) => {
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();
});

test("the admin sets a plan's price by hand and the store shows it", async ({ page }) => {
  await page.goto("/admin/catalog?q=Japan 5 GB, 30 days");
  const form = page.getByRole("form", { name: "Price of Japan 5 GB, 30 days" });
  await form.getByLabel("Price").fill("abc");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toHaveText("Enter a price like 12.99.");

  await form.getByLabel("Price").fill("12.34");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("Price saved.")).toBeVisible();

  await page.goto("/destinations/japan");
  await expect(page.getByRole("row").filter({ hasText: "Japan 5 GB, 30 days" })).toContainText("$12.34");
  await page.goto("/admin/audit");
  await expect(page.getByRole("cell", { name: "plan.price_set" }).first()).toBeVisible();
});

test("the admin withdraws a plan and it leaves the store, then puts it back", async ({ page }) => {
  await page.goto("/admin/catalog?q=Japan Unlimited");
  await page.getByRole("button", { name: "Withdraw" }).click();
  await expect(page.getByRole("button", { name: "Put on sale" })).toBeVisible();
  await page.goto("/destinations/japan");
  await expect(page.getByRole("row").filter({ hasText: "Japan Unlimited" })).toHaveCount(0);

  await page.goto("/admin/catalog?q=Japan Unlimited");
  await page.getByRole("button", { name: "Put on sale" }).click();
  await expect(page.getByRole("button", { name: "Withdraw" })).toBeVisible();
  await page.goto("/destinations/japan");
  await expect(page.getByRole("row").filter({ hasText: "Japan Unlimited" })).toHaveCount(1);
});

test("the admin syncs the catalog in the background and the page follows each provider's run until it is done", async ({ page }) => {
  await page.goto("/admin/catalog");
  const runs = page.getByRole("table", { name: "Latest catalog sync per provider" });
  const history = page.getByRole("table", { name: "Sync history (latest 20 runs)" });
  // The launcher filled the catalog on first start, as a recorded run (other journeys may have synced since).
  await expect(history.getByRole("row").filter({ hasText: "MIOeSIM" }).filter({ hasText: "startup" }).first()).toBeVisible();

  await page.getByRole("button", { name: "Sync catalog from providers" }).click();
  await expect(page.getByText("MIOeSIM: sync queued · MeiSIM: sync queued")).toBeVisible();
  // Between the click and the end, the rows show where each run is.
  await expect(runs).toContainText(/Waiting to start|Reading the provider|Saving plans/);
  for (const provider of ["MIOeSIM", "MeiSIM"]) {
    const row = runs.getByRole("row").filter({ hasText: provider });
    await expect(row).toContainText("admin");
    // No reload: the page refreshes itself while a run is queued or running.
    await expect(row).toContainText("done", { timeout: 60_000 });
    await expect(row).toContainText(/\d+ plans: 0 new/);
  }
  // The history keeps each finished run with what it added, changed and withdrew.
  for (const provider of ["MIOeSIM", "MeiSIM"])
    await expect(history.getByRole("row").filter({ hasText: provider }).filter({ hasText: "admin" }).first()).toBeVisible();
});

test("the admin sees both provider accounts, the MeiSIM dealer wallet, and can ask for a dealer key", async ({ page }) => {
  await page.goto("/admin/providers");
  await expect(page.getByText(/Signed in; \d+ products available\./)).toBeVisible();
  await expect(page.getByText(/Dealer wallet: \$[\d,]+\.\d\d/)).toBeVisible();
  await expect(page.getByRole("table", { name: "Recent dealer wallet transactions" })).toBeVisible();

  await page.getByRole("link", { name: "MeiSIM tools" }).click();
  const topUp = page.getByRole("form", { name: "Top up the MeiSIM dealer wallet" });
  await topUp.getByLabel("Amount (USD, $50–$10,000)").fill("20");
  await topUp.getByLabel("Reason").fill("Monthly float");
  await topUp.getByRole("button", { name: "Top up through Stripe" }).click();
  await expect(topUp.getByRole("alert")).toHaveText("MeiSIM top-ups are $50 to $10,000.");

  await page.goto("/admin/providers/meisim/account");
  const send = page.getByRole("form", { name: "Send a MeiSIM sign-in code" });
  await send.getByLabel("Dealer email").fill("dealer@demo.test");
  await send.getByRole("button", { name: "Send code" }).click();
  await expect(send.getByText("Code sent. Enter it below within 5 minutes.")).toBeVisible();

  const verify = page.getByRole("form", { name: "Verify the MeiSIM code" });
  await verify.getByLabel("Dealer email for the code").fill("dealer@demo.test");
  await verify.getByLabel("Code", { exact: true }).fill("000000");
  await verify.getByLabel("Reason").fill("Key rotation");
  await verify.getByRole("button", { name: "Verify" }).click();
  await expect(verify.getByRole("alert")).toBeVisible();
});

test("the admin finds orders by reference or email", async ({ page }) => {
  await page.goto("/admin/orders");
  await expect(page.getByRole("heading", { name: "Orders" })).toBeVisible();
  await page
    .getByRole("searchbox", { name: "Order reference, provider order, ICCID, email or Stripe session" })
    .fill("nobody-ordered-this@nowhere.test");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=nobody-ordered-this/);
  await expect(page.getByRole("table", { name: "Orders, newest first" }).getByRole("row")).toHaveCount(1);
});
