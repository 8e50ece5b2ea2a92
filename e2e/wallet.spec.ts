import type { Page } from "@playwright/test";
import { E2E, expect, signInWithPassword, test } from "./fixtures";

/** From the wallet page to the fake Stripe's hosted payment page for a top-up of `amount`. */
async function startTopUp(page: Page, amount: string): Promise<void> {
  await page.goto("/wallet");
  await page.getByRole("link", { name: "Add money" }).click();
  await page.getByLabel("Amount to add (USD)").fill(amount);
  await page.getByRole("button", { name: "Continue to payment" }).click();
  await expect(page.getByRole("heading", { name: /^Pay \$/ })).toBeVisible();
  expect(new URL(page.url()).pathname).toMatch(/^\/pay\/cs_test_/);
}

const balance = (page: Page) => page.getByRole("region", { name: "Wallet balance" });

test("a customer tops up $25 through the Stripe pay page and sees the balance and the history", async ({ page, customer: _signedIn }) => {
  await page.goto("/wallet");
  await expect(balance(page)).toContainText("$0.00");

  await startTopUp(page, "25");
  await expect(page.getByRole("heading", { name: "Pay $25.00" })).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();

  await expect(page).toHaveURL(/\/wallet\/top-up\/success\?session_id=cs_test_/);
  await expect(page.getByText("Payment received")).toBeVisible();
  await expect(page.getByText("We added $25.00 to your wallet.")).toBeVisible();
  await page.getByRole("link", { name: "Back to your wallet" }).click();

  await expect(balance(page)).toContainText("$25.00");
  const history = page.getByRole("table", { name: "Wallet history, newest first" });
  await expect(history.getByRole("row")).toHaveCount(2);
  await expect(history).toContainText("Top-up by card");
  await expect(history).toContainText("+$25.00");

  // Reloading the success page (fulfilment runs again) credits nothing more.
  await page.goBack();
  await page.reload();
  await expect(page.getByText("We added $25.00 to your wallet.")).toBeVisible();
  await page.goto("/wallet");
  await expect(balance(page)).toContainText("$25.00");

  const today = new Date().toISOString().slice(0, 10);
  const statement = page.getByRole("form", { name: "Download statement" });
  await statement.getByLabel("From").fill(today);
  await statement.getByLabel("To").fill(today);
  const [download] = await Promise.all([page.waitForEvent("download"), statement.getByRole("button", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe(`wallet-statement-${today}-to-${today}.csv`);
  const csv = await (await download.createReadStream()).toArray();
  expect(Buffer.concat(csv).toString("utf8")).toMatch(/^Date \(UTC\),Type,.*\r\n.*,TOPUP,Top-up by card,25\.00,25\.00,USD,,\r\n$/s);
});

test("a declined payment credits nothing", async ({ page, customer: _signedIn }) => {
  await startTopUp(page, "25");
  await page.getByRole("button", { name: "Decline" }).click();
  await expect(page.getByRole("alert")).toHaveText("Your card was declined.");

  await page.goto("/wallet");
  await expect(balance(page)).toContainText("$0.00");
  await expect(page.getByText("No wallet activity yet.")).toBeVisible();
});

test("cancelling on the pay page returns to the wallet with nothing credited", async ({ page, customer: _signedIn }) => {
  await startTopUp(page, "40");
  await page.getByRole("button", { name: "Cancel" }).click();

  await expect(page).toHaveURL(/\/wallet\?topup=cancelled$/);
  await expect(page.getByText("Top-up cancelled")).toBeVisible();
  await expect(balance(page)).toContainText("$0.00");
  await expect(page.getByText("No wallet activity yet.")).toBeVisible();
});

test("an amount outside the limits is refused on our page, keeping what was typed", async ({ page, customer: _signedIn }) => {
  await page.goto("/wallet/top-up");
  const amount = page.getByLabel("Amount to add (USD)");
  await amount.fill("5");
  await page.getByRole("button", { name: "Continue to payment" }).click();
  await expect(page.getByText("Top-ups must be between $10.00 and $1,000.00.")).toBeVisible();
  await expect(amount).toHaveValue("5");
  await expect(page).toHaveURL(/\/wallet\/top-up$/);
});

test("a bad statement range is explained next to the form", async ({ page, customer: _signedIn }) => {
  await page.goto("/wallet/statement?from=2026-03-31&to=2026-03-01");
  await expect(page).toHaveURL(/\/wallet\?from=2026-03-31&to=2026-03-01/);
  await expect(page.getByRole("form", { name: "Download statement" }).getByRole("alert")).toHaveText(
    "The start date must be on or before the end date.",
  );
});

test("an admin credits a customer's wallet with a reason, and cannot take it below zero", async ({ page, customer }) => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();
  await page.goto("/admin/wallets");
  await page.getByRole("searchbox", { name: "Search by email or name" }).fill(customer.email);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: customer.email }).click();

  const form = page.getByRole("form", { name: "Adjust wallet" });
  await form.getByLabel("Amount (USD)").fill("12.50");
  await form.getByRole("button", { name: "Record adjustment" }).click();
  await expect(form.getByText("Say why you are adjusting this wallet (at least 5 characters).")).toBeVisible();
  await expect(form.getByLabel("Amount (USD)")).toHaveValue("12.50");

  await form.getByLabel("Reason").fill("Goodwill for a slow eSIM");
  await form.getByRole("button", { name: "Record adjustment" }).click();
  await expect(form.getByText("Adjusted by $12.50. New balance: $12.50.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Wallet balance" })).toContainText("$12.50");

  await form.getByLabel("Amount (USD)").fill("-20");
  await form.getByLabel("Reason").fill("Taking back too much");
  await form.getByRole("button", { name: "Record adjustment" }).click();
  await expect(form.getByText(/That would make the balance negative/)).toBeVisible();
  await expect(page.getByRole("region", { name: "Wallet balance" })).toContainText("$12.50");
  await expect(page.getByRole("table", { name: "Wallet history, newest first" })).toContainText(E2E.adminEmail);
});
