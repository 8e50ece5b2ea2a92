import { alertIn, E2E, expect, latestEmailTo, newCustomer, signInWithPassword, signOut, signUp, test } from "./fixtures";

test("home page lists destinations from the catalog", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Mobile data for your next trip" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Japan/ }).first()).toBeVisible();
});

test("a visitor signs up and lands signed in", async ({ page }) => {
  const customer = newCustomer();
  await signUp(page, customer);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: `Hello, ${customer.name}` })).toBeVisible();
});

test("sign-up rejects a short password and a taken email, keeping what was typed", async ({ page }) => {
  const customer = newCustomer();
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(customer.name);
  await page.getByLabel("Email").fill(customer.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Password must be at least 10 characters.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(customer.email);

  await signUp(page, customer);
  await signOut(page);
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(customer.email);
  await page.getByLabel("Password").fill("another-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists.")).toBeVisible();
});

test("a customer signs in with a password, and a wrong one is refused", async ({ page }) => {
  const customer = newCustomer();
  await signUp(page, customer);
  await signOut(page);

  await signInWithPassword(page, customer.email, "not-the-password");
  await expect(alertIn(page)).toContainText("don’t match an account");

  await signInWithPassword(page, customer.email, customer.password);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("repeated wrong passwords are rate limited", async ({ page }) => {
  const customer = newCustomer();
  await signUp(page, customer);
  await signOut(page);
  for (let i = 0; i < 5; i++) {
    await signInWithPassword(page, customer.email, `wrong-${i}`);
    await expect(alertIn(page)).toContainText("don’t match");
  }
  // Even the right password is refused until the window passes.
  await signInWithPassword(page, customer.email, customer.password);
  await expect(alertIn(page)).toContainText("Too many sign-in attempts");
});

test("a customer signs in through a magic link read from the outbox", async ({ page }) => {
  const customer = newCustomer();
  await signUp(page, customer);
  await signOut(page);

  await page.goto("/sign-in?callbackUrl=/account");
  const form = page.getByRole("form", { name: "Sign in with an email link" });
  await form.getByLabel("Email for a sign-in link").fill(customer.email);
  await form.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const email = await latestEmailTo(customer.email);
  expect(email.subject).toBe("Your sign-in link");
  const link = /https?:\/\/\S+/.exec(email.text)?.[0];
  expect(link).toContain("/api/auth/callback/email");
  await page.goto(link!);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: `Hello, ${customer.name}` })).toBeVisible();

  // A magic link works once.
  await signOut(page);
  await page.goto(link!);
  await expect(alertIn(page)).toContainText("expired or was already used");
});

test("a signed-out visitor asking for the admin area is sent to sign in", async ({ page }) => {
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin%2Fusers/);
});

test("a customer is refused the admin area with a 403 page", async ({ page, customer }) => {
  void customer;
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don’t have access to this page" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
});

test("the admin signs in, sees customers and reads the outbox", async ({ page }) => {
  const customer = newCustomer();
  await signUp(page, customer);
  await signOut(page);

  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();
  await page.goto("/admin/users");
  await expect(page.getByRole("cell", { name: customer.email })).toBeVisible();
  await page.goto("/admin/audit");
  await expect(page.getByRole("cell", { name: "user.sign_up" }).first()).toBeVisible();
  await page.goto("/admin/outbox");
  await expect(page.getByRole("heading", { name: "Email outbox" })).toBeVisible();
});
