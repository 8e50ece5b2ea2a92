import {
  alertIn,
  askForEmailLink,
  confirmAndSignIn,
  E2E,
  emailsTo,
  expect,
  followEmailLink,
  latestEmailTo,
  newCustomer,
  register,
  signInWithPassword,
  signOut,
  signUp,
  test,
} from "./fixtures";

test("home page lists destinations from the catalog", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Mobile data for your next trip" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Japan/ }).first()).toBeVisible();
});

test("a visitor signs up, confirms the address from the email, signs in and lands on their account", async ({ page }) => {
  const customer = newCustomer();
  await signUp(page, customer);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: `Hello, ${customer.name}` })).toBeVisible();
});

test("password sign-in waits for the address to be confirmed, and the link can be sent again", async ({ page }) => {
  const customer = newCustomer();
  await register(page, customer);

  await signInWithPassword(page, customer.email, customer.password);
  await expect(alertIn(page)).toContainText("Confirm your email address first");
  await page.getByRole("button", { name: "Send the confirmation link again" }).click();
  await expect(page.getByRole("status").filter({ hasText: "a new link is on its way" })).toBeVisible();
  await emailsTo(customer.email, "Confirm your email address", 2);

  await confirmAndSignIn(page, customer);
  await expect(page).toHaveURL(/\/account$/);
});

test("an email registered by someone else goes to its owner at their first email-link sign-in, and the registrant's password stops working", async ({
  page,
}) => {
  const owner = newCustomer();
  const registrant = { ...owner, name: "Not The Owner", password: "registrants-own-password" };
  await register(page, registrant);
  await signInWithPassword(page, registrant.email, registrant.password);
  await expect(alertIn(page)).toContainText("Confirm your email address first");

  await followEmailLink(page, await askForEmailLink(page, owner.email));
  // The account is the owner's now, without the name the registrant gave it.
  await expect(page.getByRole("heading", { name: `Hello, ${owner.email}` })).toBeVisible();
  await signOut(page);

  await signInWithPassword(page, registrant.email, registrant.password);
  await expect(alertIn(page)).toContainText("don’t match an account");
});

test("signing out ends the session on the server: its cookie sent again afterwards is refused", async ({ page, context, customer }) => {
  void customer;
  const signedIn = await context.cookies();
  await signOut(page);
  await context.addCookies(signedIn);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Faccount/);
});

test("sign-up rejects a short password, keeping what was typed, and tells nobody an email is taken", async ({ page }) => {
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
  // Answered as for a new address (e2e/account-attacks.spec.ts has the rest).
  await expect(page.getByRole("heading", { name: "Confirm your email" })).toBeVisible();
  await latestEmailTo(customer.email, "Someone tried to register with your address");
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

test("40 parallel wrong passwords for one email, each claiming its own X-Forwarded-For, get at most 5 “invalid credentials” answers", async ({
  page,
  request,
}) => {
  const customer = newCustomer();
  await signUp(page, customer);
  await signOut(page);

  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const codes = await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const response = await request.post("/api/auth/callback/credentials", {
        form: { csrfToken, email: customer.email, password: `wrong-${i}`, callbackUrl: "/account" },
        headers: { "X-Forwarded-For": `203.0.113.${i + 1}` },
        maxRedirects: 0,
      });
      return new URL(response.headers()["location"]!, page.url()).searchParams.get("code");
    }),
  );
  const invalid = codes.filter((code) => code === "invalid_credentials").length;
  expect(invalid).toBeGreaterThan(0);
  expect(invalid).toBeLessThanOrEqual(5);
  expect(codes.filter((code) => code === "rate_limited")).toHaveLength(40 - invalid);

  // The audit log has each failure from where it really came (this machine), not from the claimed addresses.
  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/admin/audit");
  const failures = page.getByRole("row").filter({ hasText: customer.email }).filter({ hasText: "auth.sign_in_failed" });
  await expect(failures).toHaveCount(invalid);
  for (const row of await failures.all()) {
    await expect(row.getByRole("cell").last()).toHaveText(/^(127\.0\.0\.1|::1)$/);
  }
});

test("a customer signs in through a magic link read from the outbox", async ({ page }) => {
  const customer = newCustomer();
  await signUp(page, customer);
  await signOut(page);

  const link = await askForEmailLink(page, customer.email);
  expect(link).toContain(`${new URL(page.url()).origin}/sign-in/confirm?`);
  await followEmailLink(page, link);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: `Hello, ${customer.name}` })).toBeVisible();

  // A magic link works once.
  await signOut(page);
  await followEmailLink(page, link);
  await expect(alertIn(page)).toContainText("expired or was already used");
});

test("an account made by an email link sets a password from its page; changing it asks for the current one, and each is mailed", async ({
  page,
}) => {
  const customer = newCustomer();
  await followEmailLink(page, await askForEmailLink(page, customer.email));
  await expect(page.getByRole("heading", { name: `Hello, ${customer.email}` })).toBeVisible();

  const set = page.getByRole("form", { name: "Set a password" });
  await set.getByLabel("New password").fill(customer.password);
  await set.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your password is saved" })).toBeVisible();
  await latestEmailTo(customer.email, "Your password was changed");

  await page.reload();
  const change = page.getByRole("form", { name: "Change your password" });
  await change.getByLabel("Current password").fill("not the current password");
  await change.getByLabel("New password").fill("a second long password");
  await change.getByRole("button", { name: "Change password" }).click();
  await expect(change.getByText("That is not your current password.")).toBeVisible();
  await change.getByLabel("Current password").fill(customer.password);
  await change.getByLabel("New password").fill("a second long password");
  await change.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your password is saved" })).toBeVisible();
  await emailsTo(customer.email, "Your password was changed", 2);
  // This session stays; the new password is the one that signs in.
  await page.reload();
  await signOut(page);
  await signInWithPassword(page, customer.email, customer.password);
  await expect(alertIn(page)).toContainText("don’t match an account");
  await signInWithPassword(page, customer.email, "a second long password");
  await expect(page).toHaveURL(/\/account$/);
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
