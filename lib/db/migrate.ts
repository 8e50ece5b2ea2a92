import "server-only";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

/**
 * Applies the committed migrations with the Prisma CLI (`migrate deploy`), for
 * the launcher, the test databases and the benchmark alike. Asynchronous on
 * purpose: the embedded database may be served from this very process, and a
 * blocking call would starve it.
 */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  await promisify(execFile)(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
}
