/**
 * Who can open an order: a guest buys with an email address alone and gets
 * the order's signed link; without it (or with a wrong key) the order, its
 * eSIM, PDF and renewal pages are not found, also for another customer,
 * whose forms cannot act on it either.
 */
import type { Page } from "@playwright/test";
import { buyAsGuest, expect, test } from "./fixtures";

async function expectNotFound(page: Page, url: string) {
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
}

test("a guest's order opens with its signed link only; another customer gets 404 and cannot act on it", async ({
  browser,
  baseURL,
  page,
  customer: _customerB,
}) => {
  const guestContext = await browser.newContext({ baseURL });
  const guest = await guestContext.newPage();
  const email = `guest-${Date.now().toString(36)}@e2e.test`;
  const link = await buyAsGuest(guest, email);
  const orderPath = link.pathname;
  const key = link.searchParams.get("key")!;

  await guest.getByRole("link", { name: "View your order" }).click();
  await expect(guest.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });
  await expect(guest.getByRole("button", { name: /from wallet$/ })).toHaveCount(0);
  const pdfPath = new URL((await guest.getByRole("link", { name: "Download PDF" }).getAttribute("href"))!, link).pathname;
  const iccid = /\/esims\/(\d+)\/pdf$/.exec(pdfPath)![1];
  const pdf = await guest.request.get(`${pdfPath}?key=${key}`);
  expect(pdf.status()).toBe(200);
  expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");

  // Without the link: signed out, the order page asks to sign in; a wrong key is not found.
  await guest.goto(orderPath);
  await expect(guest).toHaveURL(/\/sign-in\?callbackUrl=/);
  const wrongKey = `${key.slice(0, -2)}${key.endsWith("AA") ? "BB" : "AA"}`;
  await expectNotFound(guest, `${orderPath}?key=${wrongKey}`);
  expect((await guest.request.get(`${pdfPath}?key=${wrongKey}`)).status()).toBe(404);
  expect((await guest.request.get(pdfPath)).status()).toBe(401);
  await guestContext.close();

  // Customer B, signed in, without the link: the order, its eSIM, its PDF and its renewal page are not found.
  await expectNotFound(page, orderPath);
  await expectNotFound(page, `/esims/${iccid}`);
  expect((await page.request.get(pdfPath)).status()).toBe(404);
  await expectNotFound(page, `/esims/${iccid}/renew`);

  // B's own unpaid order's forms, pointed at the other order, find nothing and change nothing.
  await page.goto("/destinations/japan");
  await page.getByRole("button", { name: /^Buy / }).first().click();
  await expect(page.getByRole("heading", { name: "Pay for your eSIM" })).toBeVisible();
  const otherOrderId = orderPath.split("/").pop()!;
  await page.locator('input[name="otherOrderId"]').evaluateAll((inputs, id) => {
    for (const input of inputs as HTMLInputElement[]) input.value = id;
  }, otherOrderId);
  await page.getByRole("button", { name: /by card$/ }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("We couldn’t find that order.");
  await page.getByRole("button", { name: "Cancel order" }).click();
  await expect(page.getByRole("main").getByRole("alert").filter({ hasText: "find that order" })).toHaveCount(2);
});
