/**
 * The guest journey from issue 10: search "jap" and pick Japan, sort by price
 * and compare two plans, buy two eSIMs with an email address alone, then
 * install them from the delivery email: each inline QR code decodes to an
 * LPA string the order page shows, and the attached PDFs open.
 */
import jsQR from "jsqr";
import { PDFDocument } from "pdf-lib";
import { PNG } from "pngjs";
import { expect, latestEmailTo, test } from "./fixtures";

function decodeQr(png: Buffer): string {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!code) throw new Error("no QR code in the image");
  return code.data;
}

test("a guest finds Japan, compares plans, buys two eSIMs and installs them from the delivery email", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("combobox", { name: "Where are you going?" }).fill("jap");
  await page.getByRole("listbox", { name: "Matching destinations" }).getByRole("option", { name: /Japan/ }).click();
  await expect(page).toHaveURL(/\/destinations\/japan$/);

  const plans = page.getByRole("table", { name: "Plans for Japan" });
  await page.getByLabel("Sort by").selectOption("data");
  await page.getByLabel("Sort by").selectOption("price");
  const prices = (await plans.getByRole("row").locator("td:nth-child(4) span:first-child").allTextContents()).map((t) =>
    Number(t.replace(/[^\d.]/g, "")),
  );
  expect(prices.length).toBeGreaterThan(2);
  expect(prices).toEqual([...prices].sort((a, b) => a - b));

  // Two plans sold by the eSIM (MeiSIM's titles read "<destination> <data>, <days>"), so more than one can be bought at once.
  const multi = plans.getByRole("row").filter({ hasText: /Japan \d+ GB, \d+ days/ });
  await multi
    .nth(0)
    .getByRole("checkbox", { name: /^Compare / })
    .check();
  await multi
    .nth(1)
    .getByRole("checkbox", { name: /^Compare / })
    .check();
  const comparison = page.getByRole("region", { name: "Comparing 2 plans" });
  await expect(comparison.getByRole("table", { name: "Plans side by side" }).getByRole("columnheader")).toHaveCount(2);
  await expect(comparison.getByRole("rowheader", { name: "Price per GB" })).toBeVisible();

  await comparison
    .getByLabel(/^Number of eSIMs/)
    .first()
    .selectOption("2");
  await comparison.getByRole("button", { name: /^Buy / }).first().click();
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  const email = `guest-journey-${Date.now().toString(36)}@e2e.test`;
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: /^Pay .* by card$/ }).click();
  await expect(page.getByText(`Receipt to ${email}`)).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?order=RS[\w-]+&key=/);
  await page.getByRole("link", { name: "View your order" }).click();
  await expect(page.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });
  const lpas = await page.getByTestId("lpa").allTextContents();
  expect(lpas).toHaveLength(2);
  expect(new Set(lpas).size).toBe(2);

  const delivery = await latestEmailTo(email, /^Your 2 eSIMs are ready: /, 30_000);
  const images = (delivery.attachments ?? []).filter((a) => a.contentType === "image/png");
  const pdfs = (delivery.attachments ?? []).filter((a) => a.contentType === "application/pdf");
  expect(images).toHaveLength(2);
  expect(pdfs).toHaveLength(2);

  const decoded = images.map((image) => {
    // Inline: the HTML shows the image by its Content-ID.
    expect(delivery.html).toContain(`cid:${image.cid}`);
    return decodeQr(Buffer.from(image.contentBase64, "base64"));
  });
  expect(decoded.sort()).toEqual([...lpas].sort());
  for (const lpa of lpas) expect(delivery.text).toContain(lpa);

  for (const pdf of pdfs) {
    const bytes = Buffer.from(pdf.contentBase64, "base64");
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect((await PDFDocument.load(bytes)).getPageCount()).toBeGreaterThanOrEqual(1);
  }
});
