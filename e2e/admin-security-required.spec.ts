/**
 * With two-step sign-in required for every admin, an admin without it is
 * sent to set it up before anything else. Store-wide (it changes the setting
 * every admin sees), so it runs alone; the setting is put back afterwards.
 */
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import pg from "pg";
import { E2E_DATABASE_URL, expect, signInWithPassword, test } from "./fixtures";

async function sql(text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

test("an admin without TOTP is sent to enrol before any admin page, and cannot switch the requirement off without the password", async ({
  page,
}) => {
  const id = `e2eadm${randomBytes(10).toString("hex")}`;
  const password = `pw-${id}`;
  await sql(
    `INSERT INTO "User" (id, email, name, "emailVerified", "passwordHash", role, "updatedAt") VALUES ($1, $2, 'Test Admin', now(), $3, 'ADMIN', now())`,
    [id, `${id}@e2e.test`, await bcrypt.hash(password, 4)],
  );
  await sql(
    `INSERT INTO "SecuritySettings" (id, "adminTotpRequired", "updatedAt") VALUES (1, true, now()) ON CONFLICT (id) DO UPDATE SET "adminTotpRequired" = true`,
  );
  try {
    await signInWithPassword(page, `${id}@e2e.test`, password);
    for (const path of ["/admin", "/admin/orders", "/admin/customers"]) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/admin\/security\?required=1$/);
    }
    await expect(page.getByText("The store requires two-step sign-in for every admin")).toBeVisible();

    // An hour-old password: switching the requirement off asks for it, and changes nothing before.
    await sql(`UPDATE "Session" SET "stepUpAt" = now() - interval '1 hour' WHERE "userId" = $1`, [id]);
    await page.getByRole("button", { name: "Make it optional" }).click();
    await expect(page.getByRole("form", { name: "Confirm your password" })).toBeVisible();
    await page.goto("/admin/orders");
    await expect(page).toHaveURL(/\/admin\/security\?required=1$/);
  } finally {
    await sql(`UPDATE "SecuritySettings" SET "adminTotpRequired" = false WHERE id = 1`);
  }
});
