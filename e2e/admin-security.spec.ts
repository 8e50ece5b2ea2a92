/**
 * Admin security from the attacker's side: a session whose password is more
 * than 10 minutes old cannot refund without the password again; a TOTP code
 * (made here by otpauth, as a phone would) is needed after the password, and
 * cannot be replayed; a formula in a customer's name reaches the orders
 * export as text. Each test uses an admin of its own, made in the database,
 * so the shared admin's sessions and second factor stay as they are.
 */
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import bcrypt from "bcryptjs";
import * as OTPAuth from "otpauth";
import pg from "pg";
import { E2E_DATABASE_URL, expect, newCustomer, signInThroughDatabase, signInWithPassword, signOut, test } from "./fixtures";

async function sql<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A confirmed admin account of this test's own. */
async function newAdmin(): Promise<{ id: string; email: string; password: string }> {
  const id = `e2eadm${randomBytes(10).toString("hex")}`;
  const admin = { id, email: `${id}@e2e.test`, password: `pw-${id}` };
  await sql(
    `INSERT INTO "User" (id, email, name, "emailVerified", "passwordHash", role, "updatedAt") VALUES ($1, $2, 'Test Admin', now(), $3, 'ADMIN', now())`,
    [admin.id, admin.email, await bcrypt.hash(admin.password, 4)],
  );
  return admin;
}

/** A customer's one-card order, paid by card through the fake Stripe and delivered. */
async function paidOrder(page: Page): Promise<string> {
  await page.goto("/destinations/japan");
  const row = page
    .getByRole("table")
    .getByRole("row")
    .filter({ hasText: /Japan \d+ GB, \d+ days/ })
    .first();
  await row.getByRole("button", { name: /^Buy / }).click();
  await expect(page.getByRole("heading", { name: "Pay for your eSIM" })).toBeVisible();
  const otherOrderId = /\/orders\/(RS\d{8}-[0-9A-F]{10})$/.exec(page.url())![1]!;
  await page.getByRole("button", { name: /by card$/ }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await page.getByRole("link", { name: "View your order" }).click();
  await expect(page.getByRole("img", { name: /QR code to install eSIM/ })).toHaveCount(1, { timeout: 30_000 });
  return otherOrderId;
}

const refundRows = async (otherOrderId: string) =>
  Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM "Refund" WHERE "orderId" = $1`, [otherOrderId]))[0]!.n);

test("a session whose password is 11 minutes old cannot refund until the password is given again; then it refunds once", async ({
  page,
  customer: _signedIn,
}) => {
  test.setTimeout(180_000);
  const otherOrderId = await paidOrder(page);
  await signOut(page);
  const admin = await newAdmin();
  await signInWithPassword(page, admin.email, admin.password);
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();
  // The attacker's copy of a session signed in 11 minutes ago: the password is not recent any more.
  await sql(
    `UPDATE "Session" SET "stepUpAt" = now() - interval '11 minutes', "createdAt" = now() - interval '11 minutes' WHERE "userId" = $1`,
    [admin.id],
  );

  await page.goto(`/admin/orders/${otherOrderId}`);
  const refund = page.getByRole("form", { name: "Refund the order" });
  await refund.getByLabel("Reason to refund the order").fill("Asked by someone holding the session");
  await refund.getByRole("button", { name: "Refund" }).click();
  const prompt = page.getByRole("form", { name: "Confirm your password" });
  await expect(prompt).toContainText("Confirm your password to continue");
  expect(await refundRows(otherOrderId)).toBe(0);

  await prompt.getByLabel("Your password").fill("a guess at the password");
  await prompt.getByRole("button", { name: "Confirm and continue" }).click();
  await expect(prompt).toContainText("That password is not right");
  expect(await refundRows(otherOrderId)).toBe(0);

  await prompt.getByLabel("Your password").fill(admin.password);
  await prompt.getByRole("button", { name: "Confirm and continue" }).click();
  // The refund form goes with the refund (the order is no longer refundable), and the refund is listed once.
  await expect(page.getByRole("table", { name: "Refunds" }).getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("form", { name: "Refund the order" })).toHaveCount(0);
  await expect(prompt).toHaveCount(0);
  expect(await refundRows(otherOrderId)).toBe(1);
  const audit = await sql<{ action: string }>(
    `SELECT action FROM "AuditLog" WHERE "actorId" = $1 AND action LIKE 'auth.step_up%' ORDER BY "createdAt"`,
    [admin.id],
  );
  expect(audit.map((a) => a.action)).toEqual(["auth.step_up_failed", "auth.step_up"]);
});

const codeAt = (secret: string, timestamp: number) =>
  OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30, timestamp });

test("an admin enrols TOTP; signing in then needs a code, a used code is refused, a recovery code works once", async ({ page }) => {
  const admin = await newAdmin();
  await signInWithPassword(page, admin.email, admin.password);
  await page.goto("/admin/security");
  await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await page.getByText(/^Key:/).locator("code").textContent())!.trim();
  const enrolCode = codeAt(secret, Date.now());
  const confirm = page.getByRole("form", { name: "Confirm two-step sign-in" });
  await confirm.getByLabel("Code from the app").fill(enrolCode);
  await confirm.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().textContent())!;
  await signOut(page);

  // The password alone opens nothing: every page sends to the code step.
  await signInWithPassword(page, admin.email, admin.password);
  await expect(page.getByRole("heading", { name: "Two-step sign-in" })).toBeVisible();
  await page.goto("/admin/orders");
  await expect(page).toHaveURL(/\/sign-in\/second-factor\?callbackUrl=%2Fadmin%2Forders/);
  const step = page.getByRole("form", { name: "Two-step sign-in code" });
  // The code used to enrol, seen over the admin's shoulder: refused.
  await step.getByLabel("Code").fill(enrolCode);
  await step.getByRole("button", { name: "Continue" }).click();
  await expect(step.getByRole("alert")).toContainText("used already");
  const signInCode = codeAt(secret, Date.now() + 30_000);
  await step.getByLabel("Code").fill(signInCode);
  await step.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/admin\/orders$/);
  await signOut(page);

  // The same code again, in a new sign-in within its window: refused. A recovery code works, once.
  await signInWithPassword(page, admin.email, admin.password);
  await step.getByLabel("Code").fill(signInCode);
  await step.getByRole("button", { name: "Continue" }).click();
  await expect(step.getByRole("alert")).toContainText("used already");
  await step.getByLabel("Code").fill(recovery);
  await step.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await signOut(page);
  await signInWithPassword(page, admin.email, admin.password);
  await step.getByLabel("Code").fill(recovery);
  await step.getByRole("button", { name: "Continue" }).click();
  await expect(step.getByRole("alert")).toContainText("used already");
});

test("a customer named like a spreadsheet formula appears in the orders export as text", async ({ page, browser }) => {
  const customer = { ...newCustomer(), name: '=HYPERLINK("http://evil.example","x")' };
  await signInThroughDatabase(page, customer);
  // An order awaiting payment is enough to be exported.
  await page.goto("/destinations/japan");
  await page
    .getByRole("table")
    .getByRole("row")
    .filter({ hasText: /Japan \d+ GB, \d+ days/ })
    .first()
    .getByRole("button", { name: /^Buy / })
    .click();
  await expect(page.getByRole("heading", { name: "Pay for your eSIM" })).toBeVisible();

  const admin = await newAdmin();
  const context = await browser.newContext();
  const adminPage = await context.newPage();
  try {
    await signInWithPassword(adminPage, admin.email, admin.password);
    await expect(adminPage.getByRole("link", { name: "Admin" })).toBeVisible();
    const response = await adminPage.request.get(`/admin/orders/export?q=${encodeURIComponent(customer.email)}`);
    expect(response.headers()["content-type"]).toContain("text/csv");
    const [header, row] = (await response.text()).trimEnd().split("\n");
    expect(header).toContain("customerEmail,customerName");
    // The cell starts with an apostrophe inside its quotes: a spreadsheet shows the text and runs nothing.
    expect(row).toContain(`${customer.email},"'=HYPERLINK(""http://evil.example"",""x"")"`);
  } finally {
    await context.close();
  }
});
