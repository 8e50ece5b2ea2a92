/**
 * Edges from the attacker's side: server action requests that cannot be
 * decoded answer 400 (never 500), and the admin Outbox shows a customer's
 * confirmation link with its token removed, so an admin cannot use it.
 */
import { E2E, expect, linkIn, latestEmailTo, newCustomer, register, signInWithPassword, test } from "./fixtures";
import { serverActions } from "./fuzz/surface";

test("undecodable server action requests answer 400, not 500", async ({ request, baseURL }) => {
  const action = serverActions().find((a) => a.page.length === 0) ?? serverActions()[0]!;
  const page = `/${action.page.map((s) => ("literal" in s ? s.literal : "x")).join("/")}`;
  const headers = (extra: Record<string, string>) => ({ origin: baseURL!, accept: "text/x-component", ...extra });
  const attempts: [string, { headers: Record<string, string>; data: string | Buffer }][] = [
    [
      "an action id no build has",
      { headers: headers({ "next-action": "00".repeat(21), "content-type": "text/plain;charset=UTF-8" }), data: "[]" },
    ],
    ["broken JSON", { headers: headers({ "next-action": action.id, "content-type": "text/plain;charset=UTF-8" }), data: '[{"a":' }],
    [
      "garbage multipart",
      {
        headers: headers({ "next-action": action.id, "content-type": "multipart/form-data; boundary=zz" }),
        data: "--zz\r\nnonsense\u0000\r\n",
      },
    ],
    ["a reply that is not a list", { headers: headers({ "next-action": action.id, "content-type": "application/json" }), data: '{"0":1}' }],
  ];
  for (const [what, init] of attempts) {
    const res = await request.post(page, { ...init, maxRedirects: 0 });
    expect(res.status(), what).toBe(400);
    expect(res.headers()["content-security-policy"], what).toContain("frame-ancestors 'none'");
  }
});

test("the admin Outbox never shows a working confirmation link", async ({ page, browser, baseURL }) => {
  const customer = newCustomer();
  await register(page, customer);
  const link = new URL(linkIn(await latestEmailTo(customer.email, "Confirm your email address")));
  // The token, and any other long value but the address the page shows anyway.
  const secrets = [...link.searchParams.values()].filter((v) => v.length >= 16 && v !== customer.email);
  expect(secrets.length, `a token in ${link.href}`).toBeGreaterThan(0);

  const admin = await (await browser.newContext({ baseURL })).newPage();
  await signInWithPassword(admin, E2E.adminEmail, E2E.adminPassword);
  await admin.goto("/admin/outbox");
  const message = admin
    .locator("article, section, div")
    .filter({ hasText: `To: ${customer.email}` })
    .last();
  await expect(message).toContainText("REDACTED");
  const html = await admin.content();
  for (const secret of secrets) {
    expect(html).not.toContain(secret);
    expect(html).not.toContain(encodeURIComponent(secret));
  }
});
