/**
 * First-start data: the admin account (login printed once, and kept in the
 * data folder in demo mode so it can be printed again) and the catalog.
 */
import fs from "node:fs";
import path from "node:path";
import { ensureAdmin } from "../lib/auth/users";
import type { Env } from "../lib/config/env";
import { isDemoMode } from "../lib/config/env";

export async function seed(e: Env): Promise<void> {
  const loginFile = path.join(e.DATA_DIR, "admin-login.txt");
  const admin = await ensureAdmin({ email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD });
  if (admin.password && isDemoMode(e)) fs.writeFileSync(loginFile, `${admin.email}\n${admin.password}\n`, { mode: 0o600 });
  const remembered = fs.existsSync(loginFile) ? fs.readFileSync(loginFile, "utf8").split("\n") : [];
  const password = admin.password ?? (remembered[0] === admin.email ? remembered[1] : null);
  const line = "=".repeat(64);
  console.log(
    `\n${line}\n  Admin login: ${admin.email}\n  Password:    ${password ?? "(set when the admin was created; not stored)"}\n  Sign in at:  ${new URL("/sign-in", e.APP_URL)}\n${line}\n`,
  );
}

/**
 * Fills the catalog from every configured provider the first time (or on
 * `--sync-catalog`). A provider that cannot be reached is logged and skipped,
 * so the store still starts with what the others offer.
 */
export async function seedCatalog(e: Env, force: boolean): Promise<void> {
  const { db } = await import("../lib/db/client");
  const { allProviders } = await import("../lib/providers/registry");
  const { runCatalogSync } = await import("../lib/catalog/sync");
  const { log } = await import("../lib/log");
  for (const provider of allProviders()) {
    const existing = await db().plan.count({ where: { provider: provider.id } });
    if (existing > 0 && !force) continue;
    try {
      // Recorded as a run, so the admin catalog page shows when the catalog was first filled.
      const report = await runCatalogSync(provider.id, { trigger: "startup" });
      console.log(`  Catalog: ${report.plans} plans from ${provider.displayName}`);
    } catch (err) {
      log.error("catalog sync failed", { provider: provider.id, error: err });
    }
  }
}
