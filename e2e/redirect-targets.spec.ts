/**
 * An attacker's sign-in link: `/sign-in?callbackUrl=<somewhere else>`, sent
 * to a customer who then signs in. Each string is written into the query as
 * the attacker would; every one must leave the customer on the store.
 */
import type { Page } from "@playwright/test";
import { E2E, expect, newCustomer, signInThroughDatabase, test } from "./fixtures";

const ATTACKS = [
  "//evil.example",
  "/%5Cevil.example",
  "%5C/evil.example",
  "/%09/evil.example",
  "/%0A/evil.example",
  "/%2F%2Fevil.example",
  "/%252F%252Fevil.example",
  "https://evil.example",
  "https%3A%2F%2Fevil.example",
];

const ACCOUNT = new URL("/account", E2E.baseURL).href;

/** Goes to `path`; a navigation that ends on an unreachable host elsewhere fails to load, which is itself the finding. */
async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path).catch(() => undefined);
}

for (const attack of ATTACKS) {
  test(`sign-in with callbackUrl=${attack} ends on the store`, async ({ page }) => {
    const customer = newCustomer();
    await signInThroughDatabase(page, customer);
    const link = `/sign-in?callbackUrl=${attack}`;

    // Already signed in: the sign-in page sends the visitor straight on.
    await visit(page, link);
    await expect(page).toHaveURL(ACCOUNT);

    // Signed out: the password form on that page, then wherever the sign-in sends the browser.
    await page.context().clearCookies();
    await visit(page, link);
    const form = page.getByRole("form", { name: "Sign in with password" });
    await form.getByLabel("Email").fill(customer.email);
    await form.getByLabel("Password").fill(customer.password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(ACCOUNT);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  });
}
