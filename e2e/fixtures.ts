import fs from "node:fs/promises";
import path from "node:path";
import { test as base, expect, type Page } from "@playwright/test";
import type { OutboxMessage } from "../lib/email/outbox";
import { E2E } from "../playwright.config";

export { expect };

export interface Customer {
  name: string;
  email: string;
  password: string;
}

let counter = 0;
/** A unique customer per call, so tests never depend on each other's data. */
export function newCustomer(): Customer {
  counter += 1;
  const id = `${Date.now().toString(36)}${counter}`;
  return { name: `Test Customer ${id}`, email: `customer-${id}@e2e.test`, password: `pw-${id}-long-enough` };
}

/** Fills in the sign-up form; the account then waits for its email address to be confirmed. */
export async function register(page: Page, customer: Customer): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(customer.name);
  await page.getByLabel("Email").fill(customer.email);
  await page.getByLabel("Password").fill(customer.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Confirm your email" })).toBeVisible();
}

/** Follows the newest confirmation link emailed to the customer and signs in with their password. */
export async function confirmAndSignIn(page: Page, customer: Customer): Promise<void> {
  await page.goto(linkIn(await latestEmailTo(customer.email, "Confirm your email address")));
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
  const form = page.getByRole("form", { name: "Sign in with password" });
  await expect(form.getByLabel("Email")).toHaveValue(customer.email);
  await form.getByLabel("Password").fill(customer.password);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** Signs up as a new customer does: the form, the confirmation link from the outbox, then sign-in. */
export async function signUp(page: Page, customer: Customer): Promise<void> {
  await register(page, customer);
  await confirmAndSignIn(page, customer);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
}

export async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  const form = page.getByRole("form", { name: "Sign in with password" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  // Wait for the server action's answer: an alert left from an earlier attempt must not count as this one's.
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-in"),
    form.getByRole("button", { name: "Sign in" }).click(),
  ]);
}

/** The page's own alert (Next.js adds a route announcer with role=alert too). */
export function alertIn(page: Page) {
  return page.getByRole("main").getByRole("alert");
}

/** Reads the newest demo-mode email to `to` (with `subject`, or a subject it matches, if given) from the outbox folder, waiting for it to land. */
export async function latestEmailTo(to: string, subject?: string | RegExp, timeoutMs = 10_000): Promise<OutboxMessage> {
  return (await emailsTo(to, subject, 1, timeoutMs))[0]!;
}

/** Waits until at least `count` demo-mode emails to `to` (with `subject`, if given) are in the outbox; newest first. */
export async function emailsTo(
  to: string,
  subject: string | RegExp | undefined,
  count: number,
  timeoutMs = 10_000,
): Promise<OutboxMessage[]> {
  const dir = path.join(E2E.dataDir, "outbox");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const names = (await fs.readdir(dir).catch(() => [] as string[])).sort().reverse();
    const found = [];
    for (const name of names) {
      let message;
      try {
        message = JSON.parse(await fs.readFile(path.join(dir, name), "utf8"));
      } catch {
        continue; // still being written
      }
      const subjectMatches =
        subject === undefined || (typeof subject === "string" ? message.subject === subject : subject.test(message.subject));
      if (message.to === to && subjectMatches) found.push(message);
    }
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Fewer than ${count} emails to ${to}${subject ? ` ("${subject}")` : ""} in ${dir} within ${timeoutMs} ms`);
}

/**
 * A file attached to an email, by name, as bytes: a PDF to open, or an
 * inline image (its `cid` is what the HTML's `<img src="cid:…">` names).
 */
export function attachmentIn(email: OutboxMessage, filename: string | RegExp): { contentType: string; cid?: string; bytes: Buffer } {
  const found = email.attachments?.find((a) => (typeof filename === "string" ? a.filename === filename : filename.test(a.filename)));
  if (!found) throw new Error(`No attachment ${filename} in "${email.subject}"`);
  return { contentType: found.contentType, cid: found.cid, bytes: Buffer.from(found.contentBase64, "base64") };
}

/** The link in an email. */
export function linkIn(email: { text: string }): string {
  const link = /https?:\/\/\S+/.exec(email.text)?.[0];
  if (!link) throw new Error(`No link in: ${email.text}`);
  return link;
}

export const test = base.extend<{ customer: Customer }>({
  /** A freshly signed-up (and confirmed), signed-in customer. */
  customer: async ({ page }, use) => {
    const customer = newCustomer();
    await signUp(page, customer);
    await use(customer);
  },
});

export { E2E };
