import { E2E, expect, signInWithPassword, signOut, test } from "./fixtures";

test("the admin adjusts a customer's wallet with a reason; the form sent twice is applied once", async ({ page, customer }) => {
  await signOut(page);
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/admin/customers");
  await page.getByRole("searchbox", { name: "Search by email or name" }).fill(customer.email);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: customer.email }).click();
  await expect(page.getByRole("heading", { level: 1, name: customer.email })).toBeVisible();

  const form = page.getByRole("form", { name: "Adjust wallet" });
  await form.getByLabel("Amount (USD)").fill("7.50");
  await form.getByLabel("Reason").fill("Goodwill for a dropped connection");
  // Two submissions of the same rendering, as a double click or a resend would make.
  await form.evaluate((element: HTMLFormElement) => {
    element.requestSubmit();
    element.requestSubmit();
  });
  await expect(
    form.getByText(/already recorded \(the form was sent twice\); it was applied once\. Balance after it: \$7\.50\./),
  ).toBeVisible();
  await expect(page.getByRole("region", { name: "Wallet balance" })).toContainText("$7.50");
  const history = page.getByRole("table", { name: "Wallet history, newest first" });
  await expect(history.getByRole("row").filter({ hasText: "Goodwill for a dropped connection" })).toHaveCount(1);

  // The next adjustment is a new one.
  await form.getByLabel("Amount (USD)").fill("2.50");
  await form.getByLabel("Reason").fill("Second, separate credit");
  await form.getByRole("button", { name: "Record adjustment" }).click();
  await expect(form.getByText("Adjusted by $2.50. New balance: $10.00.")).toBeVisible();
});

test("the admin changes the store-wide markup, previews it, and the storefront shows the new prices", async ({ page }) => {
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  const japanPrice = page
    .getByRole("table", { name: "Plans for Japan" })
    .getByRole("row")
    .filter({ hasText: "Japan 1 GB, 7 days" })
    .first()
    .locator("td:nth-child(4) span:first-child");
  await page.goto("/destinations/japan");
  const before = (await japanPrice.textContent())!;
  expect(before).toMatch(/^\$\d+\.99$/);

  await page.goto("/admin/pricing");
  const form = page.getByRole("form", { name: "Store-wide pricing" });
  const markup = await form.getByLabel("Markup (%)").inputValue();
  await form.getByLabel("Markup (%)").fill("100");
  await form.getByRole("button", { name: "Preview prices" }).click();
  await expect(form.getByRole("region", { name: "Price preview" })).toContainText(/\d+ of \d+ marked-up plans on sale would change price/);
  await form.getByRole("button", { name: "Save and reprice" }).click();
  await expect(form.getByText(/^Saved\. \d+ prices changed/)).toBeVisible();

  await page.goto("/destinations/japan");
  await expect(japanPrice).toHaveText(/^\$\d+\.99$/);
  await expect(japanPrice).not.toHaveText(before);

  // Back to what it was: the store shows the old prices again.
  await page.goto("/admin/pricing");
  await form.getByLabel("Markup (%)").fill(markup);
  await form.getByRole("button", { name: "Save and reprice" }).click();
  await expect(form.getByText(/^Saved\./)).toBeVisible();
  await page.goto("/destinations/japan");
  await expect(japanPrice).toHaveText(before);
  await page.goto("/admin/audit");
  await expect(page.getByRole("cell", { name: "pricing.store_set" }).first()).toBeVisible();
});
