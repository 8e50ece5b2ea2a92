/**
 * Attacks on accounts, played by the attacker: signing up with someone
 * else's address (a new one, one with an account, one that bought as a
 * guest) while a mail scanner fetches every link in the victim's inbox,
 * signing a victim's browser in to the attacker's account (login CSRF), and
 * a password reset link used twice or late. Each ends with what the attacker
 * can reach: nothing of the victim's.
 */
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import {
  alertIn,
  askForEmailLink,
  buyAsGuest,
  type Customer,
  E2E,
  emailsTo,
  expect,
  followEmailLink,
  latestEmailTo,
  linkIn,
  newCustomer,
  plantSession,
  queryDatabase,
  register,
  signInThroughDatabase,
  signInWithPassword,
  test,
} from "./fixtures";

/** A browser of its own, signed out. */
async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ baseURL: E2E.baseURL })).newPage();
}

/** What a mail scanner does: fetch every link in every email to `to` (following redirects), and press nothing. */
async function scanInbox(scanner: APIRequestContext, to: string): Promise<void> {
  for (const message of await emailsTo(to, undefined, 1)) {
    for (const link of message.text.match(/https?:\/\/\S+/g) ?? []) {
      // Links to this store only (a delivery email also links to the phone makers' install pages).
      if (link.startsWith(`${E2E.baseURL}/`)) await scanner.get(link.replace(/[.,;:)\]]+$/, ""));
    }
  }
}

async function signedInAs(request: APIRequestContext): Promise<string | null> {
  const me = (await (await request.get("/api/me")).json()) as { signedIn: boolean; name?: string };
  return me.signedIn ? me.name! : null;
}

const tokensOf = async (identifier: string) =>
  Number((await queryDatabase<{ n: string }>(`SELECT count(*) AS n FROM "VerificationToken" WHERE identifier = $1`, [identifier]))[0]!.n);

test("a mail scanner fetching the confirmation link of a sign-up with the victim's address confirms nothing, and the attacker stays out", async ({
  page,
  request: scanner,
}) => {
  const victim = newCustomer();
  const attacker = { ...victim, name: "Mallory", password: "mallory's own password" };
  await register(page, attacker);

  const confirmation = linkIn(await latestEmailTo(victim.email, "Confirm your email address"));
  const scanned = await scanner.get(confirmation);
  expect(scanned.status()).toBe(200);
  expect(await scanned.text()).toContain("Confirm my email address");
  await scanInbox(scanner, victim.email);
  // The link is not used up either.
  expect(await tokensOf(`email-confirmation:${victim.email}`)).toBe(1);

  await signInWithPassword(page, attacker.email, attacker.password);
  await expect(alertIn(page)).toContainText("Confirm your email address first");
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Faccount/);
});

test("a sign-up over an address that has an account changes nothing, is answered as for a new address, and tells the owner", async ({
  browser,
  page: ownerPage,
}) => {
  const owner = newCustomer();
  await signInThroughDatabase(ownerPage, owner);
  const attacker = await freshPage(browser);

  /** Signs up with `email`; answers the page shown after, with the address blanked, the action's HTTP status, and how long it took. */
  async function signUpAs(email: string, password: string) {
    await attacker.goto("/sign-up");
    await attacker.getByLabel("Name").fill("Mallory");
    await attacker.getByLabel("Email").fill(email);
    await attacker.getByLabel("Password").fill(password);
    const started = Date.now();
    const [response] = await Promise.all([
      attacker.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-up"),
      attacker.getByRole("button", { name: "Create account" }).click(),
    ]);
    const ms = Date.now() - started;
    await expect(attacker.getByRole("heading", { name: "Confirm your email" })).toBeVisible();
    const url = attacker.url().replace(encodeURIComponent(email), "EMAIL");
    const text = (await attacker.getByRole("main").innerText()).replace(email, "EMAIL");
    return { url, text, status: response.status(), ms };
  }

  // One of each first, so that neither measured kind pays for the server's first render of the pages or emails.
  await signUpAs(newCustomer().email, "mallory's own password");
  await signUpAs(owner.email, "mallory's own password");
  const fresh1 = await signUpAs(newCustomer().email, "mallory's own password");
  const over1 = await signUpAs(owner.email, "mallory's own password");
  const fresh2 = await signUpAs(newCustomer().email, "mallory's own password");
  const over2 = await signUpAs(owner.email, "mallory's own password");
  const { ms: _a, ...freshAnswer } = fresh1;
  const { ms: _b, ...overAnswer } = over1;
  expect(overAnswer).toEqual(freshAnswer);
  // Both hash the password and write one row and one email; each takes about as long as the other.
  const freshMs = (fresh1.ms + fresh2.ms) / 2;
  const overMs = (over1.ms + over2.ms) / 2;
  console.log(`sign-up answer: new address ${freshMs} ms, address with an account ${overMs} ms (mean of 2)`);
  expect(overMs).toBeGreaterThan(freshMs / 2);
  expect(overMs).toBeLessThan(freshMs * 2);

  // The owner was told, with a plain sign-in link, and sent no confirmation link.
  const notices = await emailsTo(owner.email, "Someone tried to register with your address", 3);
  expect(linkIn(notices[0]!)).toBe(new URL("/sign-in", E2E.baseURL).href);
  expect(notices[0]!.text).not.toContain("Mallory");
  expect((await emailsTo(owner.email, undefined, 1)).map((m) => m.subject)).not.toContain("Confirm your email address");

  // Nothing changed: the owner is still signed in under their name, and only their password works.
  await ownerPage.reload();
  await expect(ownerPage.getByRole("heading", { name: `Hello, ${owner.name}` })).toBeVisible();
  await signInWithPassword(attacker, owner.email, "mallory's own password");
  await expect(alertIn(attacker)).toContainText("don’t match an account");
  await signInWithPassword(attacker, owner.email, owner.password);
  await expect(attacker).toHaveURL(/\/account$/);
  await expect(attacker.getByRole("heading", { name: `Hello, ${owner.name}` })).toBeVisible();
});

test("a stranger who signs up with a guest's address never sees the guest's order or activation code; the guest does once the address is confirmed", async ({
  browser,
  page: attacker,
  request: scanner,
}) => {
  const guestEmail = `guest-claimed-${Date.now().toString(36)}@e2e.test`;
  const guest = await freshPage(browser);
  const orderLink = await buyAsGuest(guest, guestEmail);
  await guest.goto(orderLink.href);
  await expect(guest.getByText("Ready to install")).toBeVisible({ timeout: 30_000 });
  const [lpa] = await guest.getByTestId("lpa").allTextContents();
  expect(lpa?.length).toBeGreaterThan(10);
  const orderPath = orderLink.pathname;

  // The stranger signs up with the guest's address, asks for the confirmation again, and tries the password chosen.
  const stranger: Customer = { name: "Mallory", email: guestEmail, password: "mallory's own password" };
  await register(attacker, stranger);
  await attacker.getByRole("button", { name: "Send the confirmation link again" }).click();
  await expect(attacker.getByRole("status").filter({ hasText: "a new link is on its way" })).toBeVisible();
  await askForEmailLink(attacker, guestEmail);
  // The guest's mail scanner fetches every link in the inbox.
  await scanInbox(scanner, guestEmail);
  expect(await signedInAs(scanner)).toBeNull();
  await signInWithPassword(attacker, guestEmail, stranger.password);
  await expect(alertIn(attacker)).toContainText("don’t match an account");

  for (const path of ["/account", "/esims", orderPath]) {
    await attacker.goto(path);
    await expect(attacker, path).toHaveURL(/\/sign-in\?callbackUrl=/);
  }
  // Even a session for the account, had one been opened some other way, shows nothing while the address is unconfirmed.
  const [account] = await queryDatabase<{ id: string; name: string | null; passwordHash: string | null; emailVerified: Date | null }>(
    `SELECT id, name, "passwordHash", "emailVerified" FROM "User" WHERE email = $1`,
    [guestEmail],
  );
  expect(account).toMatchObject({ name: null, passwordHash: null, emailVerified: null });
  await plantSession(attacker, { id: account!.id, email: guestEmail, name: null });
  for (const path of ["/account", "/esims", orderPath]) {
    await attacker.goto(path);
    await expect(attacker, path).toHaveURL(/\/sign-in\?callbackUrl=/);
    await expect(attacker.getByText(lpa!)).toHaveCount(0);
  }
  expect(await signedInAs(attacker.request)).toBeNull();

  // The guest signs in with an email link (pressing its page's button): the order is in the account now.
  const owner = await freshPage(browser);
  const link = await askForEmailLink(owner, guestEmail);
  await owner.goto(link);
  expect(await signedInAs(owner.request)).toBeNull();
  await owner.getByRole("button", { name: `Sign in as ${guestEmail}` }).click();
  await expect(owner).toHaveURL(/\/account$/);
  await owner.getByRole("link", { name: "Japan" }).first().click();
  await expect(owner.getByTestId("lpa")).toHaveText(lpa!);
});

test("a mail scanner fetching an email sign-in link signs nobody in and leaves the link working; a form on another site cannot use one", async ({
  browser,
  page,
  request: scanner,
}) => {
  const customer = newCustomer();
  await signInThroughDatabase(await freshPage(browser), customer);
  const link = await askForEmailLink(page, customer.email);

  const scanned = await scanner.get(link);
  expect(scanned.status()).toBe(200);
  expect(await scanned.text()).toContain(`Sign in as <strong>${customer.email}</strong>?`);
  // The URL Auth.js itself would have emailed, fetched, only leads to the same page.
  const callback = new URL("/api/auth/callback/email", E2E.baseURL);
  callback.search = new URL(link).search;
  const redirected = await scanner.get(callback.href, { maxRedirects: 0 });
  expect(redirected.status()).toBe(303);
  expect(redirected.headers()["location"]).toBe(link);
  expect(await signedInAs(scanner)).toBeNull();
  expect(await tokensOf(customer.email)).toBe(1);

  // Login CSRF: the attacker's page posts the attacker's link from the victim's browser.
  const attacker = newCustomer();
  await signInThroughDatabase(await freshPage(browser), attacker);
  const attackersLink = new URL(await askForEmailLink(await freshPage(browser), attacker.email));
  const victim = await freshPage(browser);
  await victim.goto("about:blank");
  await victim.setContent(
    `<form method="post" action="${callback.origin}${callback.pathname}${attackersLink.search}"><button>Win a prize</button></form>`,
  );
  const [refused] = await Promise.all([
    victim.waitForResponse((r) => new URL(r.url()).pathname === callback.pathname),
    victim.getByRole("button", { name: "Win a prize" }).click(),
  ]);
  expect(refused.status()).toBe(403);
  expect(await signedInAs(victim.request)).toBeNull();
  expect(await tokensOf(attacker.email)).toBe(1);

  await followEmailLink(page, link);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: `Hello, ${customer.name}` })).toBeVisible();
});

test("a password reset link works once and not late, sets the password, and signs out every other session", async ({ browser, page }) => {
  const customer = newCustomer();
  const laptop = await freshPage(browser);
  await signInThroughDatabase(laptop, customer);
  const phone = await freshPage(browser);
  await signInWithPassword(phone, customer.email, customer.password);
  await expect(phone).toHaveURL(/\/account$/);

  /** Asks for a reset link on the sign-in page's "Forgot password?" (signed out); answers the message shown, with the address blanked. */
  async function askForReset(email: string, from = page): Promise<string> {
    await from.goto("/sign-in");
    await from.getByRole("link", { name: "Forgot password?" }).click();
    await expect(from.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
    await from.getByLabel("Email", { exact: true }).fill(email);
    await from.getByRole("button", { name: "Email me a reset link" }).click();
    const answer = from.getByRole("main").getByRole("status");
    await expect(answer).toBeVisible();
    return (await answer.innerText()).replace(email, "EMAIL");
  }
  const unknown = newCustomer().email;
  expect(await askForReset(unknown)).toBe(await askForReset(customer.email));
  expect(await tokensOf(`password-reset:${unknown}`)).toBe(0);

  const link = linkIn(await latestEmailTo(customer.email, "Choose a new password"));
  // Opening the link changes nothing.
  await page.goto(link);
  await laptop.reload();
  await expect(laptop.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill("my new long password");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page.getByText("Your new password is set. Sign in with it.")).toBeVisible();
  await latestEmailTo(customer.email, "Your password was changed");

  for (const other of [laptop, phone]) {
    await other.goto("/account");
    await expect(other).toHaveURL(/\/sign-in\?callbackUrl=%2Faccount/);
  }
  await signInWithPassword(page, customer.email, customer.password);
  await expect(alertIn(page)).toContainText("don’t match an account");
  await signInWithPassword(page, customer.email, "my new long password");
  await expect(page).toHaveURL(/\/account$/);

  // Used once already.
  const usedAgain = await freshPage(browser);
  await usedAgain.goto(link);
  await usedAgain.getByLabel("New password", { exact: true }).fill("an attacker's password");
  await usedAgain.getByRole("button", { name: "Set the new password" }).click();
  await expect(alertIn(usedAgain)).toContainText("expired or was already used");

  // A new link, opened after its 30 minutes (the clock moved on in the database).
  await askForReset(customer.email, usedAgain);
  const late = linkIn((await emailsTo(customer.email, "Choose a new password", 2))[0]!);
  expect(late).not.toBe(link);
  await queryDatabase(`UPDATE "VerificationToken" SET expires = now() - interval '1 second' WHERE identifier = $1`, [
    `password-reset:${customer.email}`,
  ]);
  await usedAgain.goto(late);
  await usedAgain.getByLabel("New password", { exact: true }).fill("an attacker's password");
  await usedAgain.getByRole("button", { name: "Set the new password" }).click();
  await expect(alertIn(usedAgain)).toContainText("expired or was already used");
  await signInWithPassword(usedAgain, customer.email, "my new long password");
  await expect(usedAgain).toHaveURL(/\/account$/);
});
