/**
 * Gives each database project a fresh, migrated database: an in-memory PGlite
 * behind its socket server, or a new database on the PostgreSQL server at
 * TEST_POSTGRES_URL (the test command installs and starts one).
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "./migrate";

declare module "vitest" {
  export interface ProvidedContext {
    engine: "pglite" | "postgres";
    databaseUrl: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export default async function setup(project: TestProject) {
  const engine = project.config.provide.engine;
  if (engine === "pglite") {
    const embedded = await startEmbeddedPostgres({ dataDir: null, port: await freePort() });
    await migrate(embedded.url);
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
  await migrate(url.toString());
  project.provide("databaseUrl", url.toString());
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}
