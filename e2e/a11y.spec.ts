/**
 * WCAG 2.2 AA in the browser: axe finds no violation on any customer page,
 * signed out and signed in (the pages checked are listed in the report), and
 * the way from the search box to paying works with the keyboard alone, with
 * the focus visible on every control it passes.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { expect, test } from "./fixtures";

const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

// The file's tests share nothing, and the two audits are the longest journeys: let both workers take them at once.
test.describe.configure({ mode: "parallel" });

/** Runs axe on pages as they are visited and gathers what it finds, so one run reports every page's violations at once. */
class AxeAudit {
  readonly checked: string[] = [];
  readonly violations: string[] = [];
  constructor(private readonly page: Page) {}

  async check(label: string): Promise<void> {
    const result = await new AxeBuilder({ page: this.page }).withTags(WCAG_22_AA).analyze();
    this.checked.push(`${label} (${new URL(this.page.url()).pathname})`);
    for (const v of result.violations) {
      this.violations.push(`${label}: ${v.id} (${v.impact}) on ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    }
  }

  async visit(path: string, label = path): Promise<void> {
    const response = await this.page.goto(path);
    expect(response?.ok() || response?.status() === 404, `${path} answered ${response?.status()}`).toBe(true);
    await this.check(label);
  }

  async report(testInfo: TestInfo): Promise<void> {
    const list = this.checked.join("\n");
    console.log(`axe checked ${this.checked.length} pages (${testInfo.title}):\n${list}`);
    await testInfo.attach("pages checked", { body: list, contentType: "text/plain" });
    expect(this.violations).toEqual([]);
  }
}

test("axe finds no WCAG 2.2 AA violation on the pages a visitor sees signed out", async ({ page }, testInfo) => {
  test.slow(); // fifteen pages audited
  const axe = new AxeAudit(page);
  await axe.visit("/", "home");
  await page.getByRole("combobox", { name: "Where are you going?" }).fill("jap");
  await expect(page.getByRole("listbox", { name: "Matching destinations" }).getByRole("option").first()).toBeVisible();
  await axe.check("home, search suggestions open");
  await axe.visit("/destinations", "all destinations");
  await axe.visit("/destinations/europe", "region page");
  await axe.visit("/destinations/japan", "country page");
  const compare = page.getByRole("table", { name: "Plans for Japan" }).getByRole("checkbox", { name: /^Compare / });
  await compare.nth(0).check();
  await compare.nth(1).check();
  await expect(page.getByRole("heading", { name: "Comparing 2 plans" })).toBeVisible();
  await axe.check("country page, two plans compared");
  const planPath = await page.getByRole("table", { name: "Plans for Japan" }).getByRole("link").first().getAttribute("href");
  await axe.visit(planPath!, "plan page");
  await axe.visit("/search?q=jap", "search results");
  await axe.visit("/sign-in", "sign-in");
  await axe.visit("/sign-up", "sign-up");
  await axe.visit("/top-up", "mobile top-up");

  await page.goto("/destinations/japan");
  await page.getByRole("button", { name: /^Buy / }).first().click();
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  await axe.check("checkout, guest email page");
  await page.getByRole("button", { name: /^Pay .* by card$/ }).click();
  await expect(page.getByLabel("Email address")).toHaveAttribute("aria-invalid", "true");
  await axe.check("checkout, email missing");

  await axe.visit("/no-such-page", "not found");
  await axe.report(testInfo);
});

test("axe finds no WCAG 2.2 AA violation on a signed-in customer's pages, with an eSIM delivered", async ({
  page,
  customer: _signedIn,
}, testInfo) => {
  test.slow(); // a dozen pages audited, and a delivery awaited
  const axe = new AxeAudit(page);
  await axe.visit("/", "home, signed in");
  await axe.visit("/account", "account, no orders yet");
  await axe.visit("/esims", "My eSIMs, none yet");
  await axe.visit("/wallet", "wallet, empty");
  await axe.visit("/wallet/top-up", "wallet top-up");
  await page.getByLabel("Amount to add (USD)").fill("60");
  await page.getByRole("button", { name: "Continue to payment" }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByText(/We added \$[\d.]+ to your wallet\./)).toBeVisible();
  await axe.check("wallet top-up paid");
  await axe.visit("/top-up", "mobile top-up, signed in");

  // A renewable plan, paid from the wallet, so that its renewal page exists too.
  await page.goto("/destinations/japan");
  const renewable = page.getByRole("table", { name: "Plans for Japan" }).getByRole("row").filter({ hasText: "Top-up available" }).first();
  await renewable.getByRole("button", { name: /^Buy / }).click();
  await expect(page.getByRole("heading", { name: "Pay for your eSIM" })).toBeVisible();
  await axe.check("order, unpaid");
  await page.getByRole("button", { name: /from wallet$/ }).click();
  await expect(page.getByText("Paid from your wallet")).toBeVisible();
  await axe.check("order paid from the wallet");
  await page.getByRole("link", { name: "View your order" }).click();
  await expect(page.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });
  await axe.check("order, paid and delivered");

  await axe.visit("/account", "account, one order");
  await axe.visit("/wallet", "wallet with history");
  await axe.visit("/esims", "My eSIMs, one delivered");
  await page
    .getByRole("link", { name: /^Install details for eSIM \d+$/ })
    .first()
    .click();
  await expect(page.getByTestId("lpa")).toBeVisible();
  await axe.check("eSIM install details");
  await page.getByRole("link", { name: "Add more data" }).click();
  await expect(page.getByRole("table", { name: "Plans that can renew this eSIM" })).toBeVisible();
  await axe.check("renewal page");
  await axe.report(testInfo);
});

/** Where the keyboard focus is, and whether it shows: an outline or a ring, inside the viewport. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const ring = style.boxShadow !== "none";
    const box = el.getBoundingClientRect();
    const onScreen = box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth;
    return {
      name: el.getAttribute("aria-label") ?? el.getAttribute("name") ?? el.textContent?.trim().slice(0, 40) ?? el.tagName,
      role: el.getAttribute("role") ?? el.tagName.toLowerCase(),
      visible: el.matches(":focus-visible") && (outline || ring) && onScreen,
    };
  });
}

/** Presses Tab until `reached` says the focus is where it should be, checking that every stop on the way shows its focus. */
async function tabTo(page: Page, what: string, reached: (f: { name: string; role: string }) => boolean, maxStops = 80) {
  for (let stop = 0; stop < maxStops; stop++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    expect(f, `Tab lost the focus on the way to ${what}`).not.toBeNull();
    expect(f!.visible, `focus not visible on ${f!.role} "${f!.name}"`).toBe(true);
    if (reached(f!)) return;
  }
  throw new Error(`${what} not reached within ${maxStops} Tab presses`);
}

test("a visitor finds a plan and pays for it with the keyboard alone, the focus always visible", async ({ page }) => {
  await page.goto("/");
  await tabTo(page, "the search box", (f) => f.role === "combobox");
  await page.keyboard.type("jap");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/destinations\/japan$/);
  await expect(page.getByRole("heading", { level: 1, name: "Japan" })).toBeVisible();

  await tabTo(page, "the sort order", (f) => f.role === "select");
  await page.keyboard.press("ArrowDown"); // the next sort order, chosen from the keyboard
  await expect(page.getByLabel("Sort by")).not.toHaveValue("price");
  await tabTo(page, "a Compare box", (f) => f.name.startsWith("Compare "));
  await page.keyboard.press("Space");
  await expect(page.getByRole("heading", { name: "Comparing 1 plan" })).toBeVisible();
  await tabTo(page, "a Buy button", (f) => f.role === "button" && f.name.startsWith("Buy "));
  await page.keyboard.press("Enter");

  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  await tabTo(page, "the email field", (f) => f.name === "email");
  await page.keyboard.type(`keyboard-${Date.now().toString(36)}@e2e.test`);
  await tabTo(page, "the Pay button", (f) => /^Pay .* by card$/.test(f.name));
  await page.keyboard.press("Enter");
  // Stripe's own page is theirs; paying on it returns to ours.
  await expect(page.getByRole("heading", { name: /^Pay \$/ })).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).press("Enter");
  await expect(page).toHaveURL(/\/checkout\/success\?/);
  await tabTo(page, "the order link", (f) => f.name === "View your order");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/orders\/RS[\w-]+\?key=/);
});
