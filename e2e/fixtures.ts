import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { test as base, expect, type Page } from "@playwright/test";
import bcrypt from "bcryptjs";
import { encode } from "next-auth/jwt";
import pg from "pg";
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

/** Follows the newest confirmation link emailed to the customer, presses its page's button and signs in with their password. */
export async function confirmAndSignIn(page: Page, customer: Customer): Promise<void> {
  await page.goto(linkIn(await latestEmailTo(customer.email, "Confirm your email address")));
  await page.getByRole("button", { name: "Confirm my email address" }).click();
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

/** Asks for an email sign-in link for `email` and answers the link from the outbox (it opens a page whose button signs in). */
export async function askForEmailLink(page: Page, email: string): Promise<string> {
  await page.goto("/sign-in");
  const form = page.getByRole("form", { name: "Sign in with an email link" });
  await form.getByLabel("Email for a sign-in link").fill(email);
  await form.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  return linkIn(await latestEmailTo(email, "Your sign-in link"));
}

/** Opens an emailed sign-in link and presses its page's button. */
export async function followEmailLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole("button", { name: /^Sign in as / }).click();
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

/** The embedded database of the server under test, reached through its socket server. */
export const E2E_DATABASE_URL =
  process.env.DATABASE_URL ?? `postgresql://postgres:postgres@127.0.0.1:${E2E.databasePort}/postgres?sslmode=disable`;

/** Auth.js's session cookie on plain http, and the salt its JWT is encrypted with. */
const SESSION_COOKIE = "authjs.session-token";

/**
 * Puts a confirmed customer straight into the database and gives the page the
 * session cookie a password sign-in would have set: the rows lib/auth writes
 * (the account, and the Session row the cookie's `sid` names) and the JWT
 * Auth.js would encrypt with the server's AUTH_SECRET. The sign-up form, the
 * confirmation email and the sign-in form have tests of their own
 * (auth.spec.ts); every other test starts signed in this way, as the Epic
 * Stack's fixtures do.
 */
export async function signInThroughDatabase(page: Page, customer: Customer): Promise<void> {
  const userId = `e2e${randomBytes(12).toString("hex")}`;
  // The lowest bcrypt cost: the server compares against any cost, and this one takes a millisecond.
  const passwordHash = await bcrypt.hash(customer.password, 4);
  await queryDatabase(
    `INSERT INTO "User" (id, email, name, "emailVerified", "passwordHash", role, "updatedAt") VALUES ($1, $2, $3, now(), $4, 'CUSTOMER', now())`,
    [userId, customer.email, customer.name, passwordHash],
  );
  await plantSession(page, { id: userId, email: customer.email, name: customer.name });
  await page.goto("/account");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** Runs one statement on the server's database; answers its rows. */
export async function queryDatabase<Row extends Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Gives the page a session of the account `user` (a Session row, and the cookie a sign-in would set), however the account stands. */
export async function plantSession(page: Page, user: { id: string; email: string; name: string | null }): Promise<void> {
  const sessionToken = randomBytes(32).toString("base64url");
  await queryDatabase(
    `INSERT INTO "Session" ("sessionToken", "userId", expires, "updatedAt") VALUES ($1, $2, now() + interval '1 day', now())`,
    [sessionToken, user.id],
  );
  const value = await encode({
    token: { name: user.name, email: user.email, sub: user.id, uid: user.id, sid: sessionToken },
    secret: E2E.authSecret,
    salt: SESSION_COOKIE,
    maxAge: 24 * 3600,
  });
  await page.context().addCookies([{ name: SESSION_COOKIE, value, url: E2E.baseURL, httpOnly: true, sameSite: "Lax" }]);
}

/** Buys the first Japan plan as a guest (card, paid at the fake Stripe) with `email`; answers the order's signed link. */
export async function buyAsGuest(page: Page, email: string): Promise<URL> {
  await page.goto("/destinations/japan");
  await page.getByRole("button", { name: /^Buy / }).first().click();
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: /^Pay .* by card$/ }).click();
  await expect(page.getByText(`Receipt to ${email}`)).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?order=RS\d{8}-[0-9A-F]{10}&key=[0-9a-z]+\.[\w-]{43}&session_id=cs_test_/);
  return new URL((await page.getByTestId("order-link").textContent())!);
}

export const test = base.extend<{ customer: Customer }>({
  /** A confirmed customer, signed in (through the database: see signInThroughDatabase). */
  customer: async ({ page }, use) => {
    const customer = newCustomer();
    await signInThroughDatabase(page, customer);
    await use(customer);
  },
});

export { E2E };
