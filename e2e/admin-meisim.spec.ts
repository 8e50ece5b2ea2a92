import fs from "node:fs/promises";
import { E2E, expect, signInWithPassword, test } from "./fixtures";

/** The MeiSIM simulator's control API (playwright.config.ts points MEISIM_BASE_URL here). */
const MEISIM_SIM = "http://127.0.0.1:4120";

test.beforeEach(async ({ page }) => {
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
});

test("the admin submits a MeiSIM verification batch, watches it finish and downloads its results", async ({ page }) => {
  const lpas = [
    "LPA:1$t-mobile.idemia.io$E2E-AAAA-0001",
    "LPA:1$t-mobile.idemia.io$E2E-AAAA-0002",
    "LPA:1$t-mobile.idemia.io$E2E-AAAA-0003",
  ];
  await page.goto("/admin/providers/meisim/verification");
  const form = page.getByRole("form", { name: "Submit a verification batch" });
  await form.getByLabel(/LPAs, one per line/).fill(`${lpas[0]}\nnot-an-lpa\n`);
  await form.getByLabel("Reason").fill("Check returned stock");
  await form.getByRole("button", { name: "Submit batch" }).click();
  await expect(form.getByRole("alert")).toContainText('line 2: "not-an-lpa" is not an LPA');

  // React resets a form after its action runs, so the fields are filled again.
  await form.getByLabel(/LPAs, one per line/).fill(lpas.join("\n"));
  await form.getByLabel("Reason").fill("Check returned stock");
  await form.getByRole("button", { name: "Submit batch" }).click();
  await expect(page).toHaveURL(/\/admin\/providers\/meisim\/batches\/[\w-]+$/);
  // No reload: the page refreshes itself while the batch runs.
  await expect(page.getByTestId("batch-status")).toHaveText("Complete: 3 of 3 checked", { timeout: 30_000 });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download results (CSV)" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^meisim-verification-[\w-]+\.csv$/);
  const [header, ...rows] = (await fs.readFile(await download.path(), "utf8")).trim().split("\n");
  expect(header).toBe("iccid,lpa,status,reason,checked_at");
  expect(rows.map((r) => r.split(",")[1])).toEqual(lpas);
  for (const row of rows) expect(row.split(",")[2]).toMatch(/^(available|used|invalid|error|unknown)$/);
});

test("the admin buys more eSIM Supply stock than there is and sees the partial fill", async ({ page, request }) => {
  await request.post(`${MEISIM_SIM}/__sim/supply/restock`, { data: { count: 4 } });
  await page.goto("/admin/providers/meisim/supply");
  const available = Number((await page.getByTestId("supply-stock").locator("strong").textContent()) ?? "0");
  expect(available).toBeGreaterThanOrEqual(4);

  const form = page.getByRole("form", { name: "Buy eSIM Supply stock" });
  await form.getByLabel("Quantity").fill(String(available + 3));
  await form.getByLabel("Reason").fill("Stock up for the weekend");
  await form.getByRole("button", { name: "Buy" }).click();
  await expect(form.getByRole("status")).toContainText(
    `Partial fill: ${available} of ${available + 3} eSIMs filled for $${(available * 4).toFixed(2)}; the shortfall of 3 was credited back`,
  );
  await expect(page.getByTestId("supply-stock").locator("strong")).toHaveText("0");
  await expect(page.getByRole("table", { name: "eSIMs assigned to us, newest first" }).getByRole("row")).not.toHaveCount(1);
});
