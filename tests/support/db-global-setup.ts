/**
 * Gives each database project a fresh, migrated database: an in-memory PGlite
 * behind its socket server, or a new database on the PostgreSQL server at
 * TEST_POSTGRES_URL (the test command installs and starts one).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { findFreePort, startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrateDatabase } from "../../lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    engine: "pglite" | "postgres";
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const engine = project.config.provide.engine;
  if (engine === "pglite") {
    const embedded = await startEmbeddedPostgres({ dataDir: null, port: await findFreePort() });
    await migrateDatabase(embedded.url);
    project.provide("databaseUrl", embedded.url);
    return () => embedded.stop();
  }

  const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/postgres";
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `The PostgreSQL test project needs a server at TEST_POSTGRES_URL (${adminUrl}): ${(err as Error).message}. Run the suite with \`npm test\`, which installs and starts one.`,
    );
  }
  const name = `esim_test_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  project.provide("databaseUrl", url.toString());
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}
