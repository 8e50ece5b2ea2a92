import { E2E, expect, signInWithPassword, test } from "./fixtures";

test("the admin orders 2 physical SIMs for the distribution partner and sees their distribution status, not a QR code", async ({
  page,
}) => {
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/admin/providers/mioesim");
  await expect(page.getByRole("table", { name: "Physical SIM packages of distribution partner DP-TYO-01" })).toBeVisible();

  const form = page.getByRole("form", { name: "Order physical SIMs" });
  // A missing reason is refused and nothing is ordered; what was chosen stays.
  await form.getByLabel("Package").selectOption({ label: "Japan SIM card 1GB 7 days (SKU 9001), $5.49 each" });
  await form.getByLabel("Quantity").fill("2");
  await form.getByRole("button", { name: "Order physical SIMs" }).click();
  await expect(form.getByText("Say why you are ordering (at least 5 characters).")).toBeVisible();
  await expect(form.getByLabel("Quantity")).toHaveValue("2");

  await form.getByLabel("Customer email (optional)").fill("tour-group@example.test");
  await form.getByLabel("Reason").fill("Restock for the Tokyo airport counter");
  await form.getByRole("button", { name: "Order physical SIMs" }).click();

  await expect(page).toHaveURL(/\/admin\/orders\/RS\d{8}-[0-9A-F]+$/);
  await expect(page.getByText(/by partner invoice/)).toBeVisible();
  // The worker places the order with the dpId; the page shows the cards once MIOeSIM answered.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("heading", { name: "Physical SIMs (2 of 2)" })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByText("Plastic cards for distribution partner DP-TYO-01")).toBeVisible();
  const cards = page.getByRole("table", { name: "The order's eSIMs with their live status" });
  await expect(cards.getByRole("columnheader", { name: "Distribution status" })).toBeVisible();
  await expect(cards.getByRole("cell", { name: "Enabled: plan not started yet" })).toHaveCount(2);
  await expect(page.getByText(/LPA:1\$/)).toHaveCount(0);
  await expect(page.locator("img[src^='data:image']")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Resend delivery email" })).toHaveCount(0);
  await expect(page.getByText("tour-group@example.test")).toBeVisible();
});
