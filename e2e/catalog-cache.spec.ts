import { E2E, expect, newCustomer, signInThroughDatabase, signInWithPassword, test } from "./fixtures";

const PLAN = "Japan 5 GB, 30 days";

test("catalog pages are served from the cache, and a saved price shows on them at once", async ({ page, request }) => {
  // Viewed twice: the second answer comes from the cache, so what follows proves invalidation, not a fresh render.
  // (From the shared page cache in front of Next.js, or from Next.js's own.)
  const fromCache = (headers: Record<string, string>) => headers["x-roamsim-cache"] ?? headers["x-nextjs-cache"];
  await request.get("/destinations/japan");
  expect(fromCache((await request.get("/destinations/japan")).headers())).toBe("HIT");
  await request.get("/");
  expect(fromCache((await request.get("/")).headers())).toBe("HIT");

  await signInWithPassword(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto(`/admin/catalog?q=${PLAN}`);
  const form = page.getByRole("form", { name: `Price of ${PLAN}` });
  await form.getByLabel("Price").fill("23.45");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("Price saved.")).toBeVisible();

  const fresh = await request.get("/destinations/japan");
  expect(await fresh.text()).toContain("$23.45");
  await page.goto("/destinations/japan");
  await expect(page.getByRole("row").filter({ hasText: PLAN })).toContainText("$23.45");
  await page.getByRole("row").filter({ hasText: PLAN }).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/plans\//);
  await expect(page.getByText("$23.45").first()).toBeVisible();
});

test("no customer's data ends up in a shared page", async ({ browser, request }) => {
  const visitors = [];
  for (const customer of [newCustomer(), newCustomer()]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInThroughDatabase(page, customer);
    visitors.push({ customer, context, page });
  }
  const anonymous = {
    home: await (await request.get("/")).text(),
    japan: await (await request.get("/destinations/japan")).text(),
  };
  for (const { customer, context, page } of visitors) {
    for (const [path, shared] of [
      ["/", anonymous.home],
      ["/destinations/japan", anonymous.japan],
    ] as const) {
      const answer = await context.request.get(path);
      const html = await answer.text();
      // The same bytes for everyone: nothing of the visitor is rendered into a catalog page.
      expect(html, path).toBe(shared);
      expect(html).not.toContain(customer.email);
      expect(html).not.toContain(customer.name);
    }
    // The visitor's own parts come from per-request answers, each customer's own.
    const me = await context.request.get("/api/me");
    expect(me.headers()["cache-control"]).toContain("no-store");
    expect(await me.json()).toMatchObject({ signedIn: true, name: customer.name });
    await page.goto("/destinations/japan");
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    const account = await (await context.request.get("/account")).text();
    expect(account).toContain(customer.name);
    for (const other of visitors.filter((v) => v.customer !== customer)) {
      expect(account).not.toContain(other.customer.email);
      expect(account).not.toContain(other.customer.name);
    }
  }
  for (const { context } of visitors) await context.close();
});
