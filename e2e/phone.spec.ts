/**
 * Phones first: at 360 and 390 px no element of the home, destination, plan,
 * checkout and order pages reaches past the screen's right edge, nothing
 * scrolls sideways, and every control is a touch target at least 44 px tall.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/** What does not fit a phone screen on the page as it is now, one line per element. */
async function phoneProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const describe = (el: Element) => {
      const text = (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      return `<${el.tagName.toLowerCase()}> "${text}"`;
    };
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > width) problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 0.5) problems.push(`${describe(el)} reaches ${Math.round(box.right)} px`);
    }
    for (const control of document.body.querySelectorAll<HTMLElement>("a[href], button, input, select")) {
      if (control instanceof HTMLInputElement && control.type === "hidden") continue;
      if ((control as HTMLButtonElement).disabled) continue;
      // A box is tapped through its label; a link inside a sentence is exempt (WCAG 2.5.8, "inline").
      const target =
        control instanceof HTMLInputElement && ["checkbox", "radio"].includes(control.type) ? control.closest("label") : control;
      const box = (target ?? control).getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || control.closest(".sr-only")) continue;
      const inSentence =
        getComputedStyle(control).display === "inline" &&
        [...(control.parentElement?.childNodes ?? [])].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      if (!inSentence && box.height < 44) problems.push(`${describe(control)} is ${Math.round(box.height)} px tall`);
    }
    return problems;
  });
}

test("at 360 and 390 px nothing is wider than the screen and every control is 44 px tall, from the home page to a delivered order", async ({
  page,
}) => {
  test.slow(); // a purchase, then ten pages measured
  // A guest's order, bought on a phone: its checkout and (delivered) order pages are checked with the rest.
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto("/destinations/japan");
  const cards = page.getByRole("list", { name: "Plans for Japan" });
  const planPath = (await cards.getByRole("link").first().getAttribute("href"))!;
  await cards.getByRole("button", { name: /^Buy / }).first().click();
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  const checkoutPath = new URL(page.url()).pathname + new URL(page.url()).search;
  await page.getByLabel("Email address").fill(`phone-${Date.now().toString(36)}@e2e.test`);
  await page.getByRole("button", { name: /^Pay .* by card$/ }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?/);
  await page.getByRole("link", { name: "View your order" }).click();
  await expect(page.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });
  const orderPath = new URL(page.url()).pathname + new URL(page.url()).search;

  const checked: string[] = [];
  const problems: string[] = [];
  for (const width of [360, 390]) {
    await page.setViewportSize({ width, height: 800 });
    for (const path of ["/", "/destinations/japan", planPath, checkoutPath, orderPath]) {
      await page.goto(path);
      // The header's account links come last (asked of /api/me once the page runs): then the page is whole.
      await expect(page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
      checked.push(`${width} px ${path}`);
      problems.push(...(await phoneProblems(page)).map((p) => `${width} px ${path}: ${p}`));
    }
  }
  console.log(`phone widths checked:\n${checked.join("\n")}`);
  expect(problems).toEqual([]);
});
