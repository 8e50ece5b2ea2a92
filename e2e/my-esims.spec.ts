/**
 * My eSIMs: a customer who bought an eSIM finds it with its status, data
 * bar, time left and install state, opens its install details again, and
 * follows its order history back to the order.
 */
import { expect, test } from "./fixtures";

test("a customer sees each eSIM's usage, install state and orders, and its install details again", async ({
  page,
  customer: _signedIn,
}) => {
  await page.goto("/destinations/japan");
  await page.getByRole("button", { name: /^Buy / }).first().click();
  await page.getByRole("button", { name: /by card$/ }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await page.getByRole("link", { name: "View your order" }).click();
  await expect(page.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });
  const orderId = /\/orders\/(RS[\w-]+)$/.exec(page.url())![1]!;
  const lpa = await page.getByTestId("lpa").textContent();

  await page.goto("/esims");
  await expect(page.getByRole("heading", { name: "My eSIMs" })).toBeVisible();
  const esim = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: `order ${orderId}` }) });
  await expect(esim.getByText("Not installed yet", { exact: true })).toBeVisible();
  await expect(esim.getByRole("progressbar", { name: /^Data used on eSIM \d+$/ })).toHaveAttribute(
    "aria-valuetext",
    /^0 MB of .+ used \(0%\)$/,
  );
  await expect(esim.getByText("The plan starts when the eSIM first connects")).toBeVisible();
  await expect(esim.getByText(/^Not installed yet: install before \d+ \w+ \d{4}$/)).toBeVisible();

  await esim.getByRole("link", { name: /^Install details for eSIM \d+$/ }).click();
  await expect(page).toHaveURL(/\/esims\/\d+$/);
  await expect(page.getByTestId("lpa")).toHaveText(lpa!);
  await expect(page.getByRole("img", { name: /QR code to install eSIM \d+/ })).toBeVisible();
  await page.getByRole("link", { name: `order ${orderId}` }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`));
});
