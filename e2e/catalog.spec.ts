import { expect, test } from "./fixtures";

test("a traveller searches as they type, sorts and compares plans, and opens a plan's page", async ({ page }) => {
  await page.goto("/");
  const search = page.getByRole("combobox", { name: "Where are you going?" });
  await search.fill("jap");
  const suggestions = page.getByRole("listbox", { name: "Matching destinations" });
  await expect(suggestions.getByRole("option").first()).toContainText("Japan");
  await search.press("ArrowDown");
  await expect(suggestions.getByRole("option", { name: /Japan/ })).toHaveAttribute("aria-selected", "true");
  await search.press("Enter");
  await expect(page).toHaveURL(/\/destinations\/japan$/);
  await expect(page.getByRole("heading", { level: 1, name: "Japan" })).toBeVisible();

  const plans = page.getByRole("table", { name: "Plans for Japan" });
  await page.getByLabel("Sort by").selectOption("data");
  await page.getByLabel("Sort by").selectOption("price");
  const prices = (await plans.getByRole("row").locator("td:nth-child(4) span:first-child").allTextContents()).map((t) =>
    Number(t.replace(/[^\d.]/g, "")),
  );
  expect(prices.length).toBeGreaterThan(2);
  expect(prices).toEqual([...prices].sort((a, b) => a - b));

  // The regional and global plans that also work in Japan are listed too.
  await expect(page.getByRole("table", { name: "Regional and global plans that cover Japan" })).toBeVisible();

  const compare = plans.getByRole("checkbox", { name: /^Compare / });
  await compare.nth(0).check();
  await compare.nth(1).check();
  await expect(page.getByRole("heading", { name: "Comparing 2 plans" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Plans side by side" }).getByRole("columnheader")).toHaveCount(2);

  const first = plans.getByRole("row").nth(1).getByRole("link");
  const name = await first.textContent();
  await first.click();
  await expect(page).toHaveURL(/\/plans\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1, name: name! })).toBeVisible();
  await expect(page.getByText("Cancellation and refund")).toBeVisible();
  await expect(page.getByText("When the data runs out")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Buy / })).toBeVisible();
});

test("without JavaScript, the search box lists matches on the search page", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("combobox", { name: "Where are you going?" }).fill("uk");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/search\?q=uk$/);
  await expect(page.getByRole("link", { name: /United Kingdom/ }).first()).toBeVisible();
  await context.close();
});

for (const width of [360, 390]) {
  test(`at ${width} px the destination page shows plans as cards and nothing scrolls sideways`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await page.goto("/destinations/japan");
    await expect(page.getByRole("list", { name: "Plans for Japan" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Plans for Japan" })).toBeHidden();
    await expect(page.getByRole("list", { name: "Plans for Japan" }).getByRole("button", { name: /^Buy / }).first()).toBeInViewport();
    const compare = page.getByRole("list", { name: "Plans for Japan" }).getByRole("checkbox", { name: /^Compare / });
    for (const n of [0, 1, 2]) await compare.nth(n).check();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
}
