/**
 * MeiSIM dealer products: the admin lists a US prepaid product by its
 * productId, and a guest buys it. The checkout refuses a bad IMEI next to
 * the field with every typed value kept, then the order is placed through
 * /dealer/order and its page shows MeiSIM's short id and that the activation
 * comes by email (no QR code).
 */
import { E2E, expect, signInWithPassword, test } from "./fixtures";

const PRODUCT = "p3:att-prepaid-30";

test("the admin adds a US prepaid dealer product and a guest buys it", async ({ page, browser }) => {
  const name = `AT&T Prepaid E2E ${Date.now().toString(36)}`;
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/admin/providers/meisim/dealer-products");
  const form = page.getByRole("form", { name: "Save a dealer product" });
  await form.getByLabel("MeiSIM product id").fill(PRODUCT);
  await form.getByLabel("Name shown to customers").fill(name);
  await form.getByLabel("Destination (country code)").fill("US");
  await form.getByLabel("Validity (days)").fill("30");
  await form.getByLabel("Retail price (USD)").fill("39.99");
  await form.getByLabel("Dealer cost (USD)").fill("25.00");
  await form.getByLabel(/US prepaid/).check();
  await form.getByLabel("Reason").fill("Selling AT&T prepaid");
  await form.getByRole("button", { name: "Save product" }).click();
  await expect(form.getByRole("status")).toContainText(`Saved ${PRODUCT}`);
  await expect(page.getByRole("table", { name: "Dealer products" })).toContainText(name);

  const guest = await (await browser.newContext()).newPage();
  await guest.goto("/destinations/united-states");
  await guest
    .getByRole("button", { name: new RegExp(`^Buy ${name}`) })
    .first()
    .click();
  await expect(guest.getByRole("heading", { name: "Checkout" })).toBeVisible();
  const email = `dealer-${Date.now().toString(36)}@e2e.test`;
  await guest.getByLabel("Email address").fill(email);
  await guest.getByLabel("IMEI (15 digits)").fill("35912345678901");
  await guest.getByLabel("EID (32 characters)").fill("89001012012341234012345678901224");
  await guest.getByLabel("First name").fill("Jane");
  await guest.getByLabel("Last name").fill("Doe");
  await guest.getByLabel("Street address").fill("123 Main St");
  await guest.getByLabel("City").fill("Phoenix");
  await guest.getByLabel("State (2 letters)").fill("AZ");
  await guest.getByLabel("ZIP code").fill("85001");
  await guest.getByLabel("Phone (+1…)").fill("+15555550100");
  await guest.getByRole("button", { name: /^Pay .* by card$/ }).click();

  await expect(guest.getByText("The IMEI is exactly 15 digits")).toBeVisible();
  await expect(guest.getByLabel("IMEI (15 digits)")).toHaveAttribute("aria-invalid", "true");
  await expect(guest.getByLabel("IMEI (15 digits)")).toHaveValue("35912345678901");
  await expect(guest.getByLabel("Email address")).toHaveValue(email);
  await expect(guest.getByLabel("City")).toHaveValue("Phoenix");
  await expect(guest.getByLabel("Phone (+1…)")).toHaveValue("+15555550100");

  await guest.getByLabel("IMEI (15 digits)").fill("359123456789012");
  await guest.getByRole("button", { name: /^Pay .* by card$/ }).click();
  await expect(guest.getByText(`Receipt to ${email}`)).toBeVisible();
  await guest.getByRole("button", { name: "Pay" }).click();
  await expect(guest).toHaveURL(/\/checkout\/success\?order=RS[\w-]+&key=/);
  await guest.getByRole("link", { name: "View your order" }).click();
  const activation = guest.getByRole("status").filter({ hasText: "Activation sent by email" });
  await expect(activation).toBeVisible({ timeout: 30_000 });
  await expect(activation).toContainText(/order MM-\w+/);
  await expect(guest.getByTestId("lpa")).toHaveCount(0);
});
