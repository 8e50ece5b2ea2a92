/**
 * Throw-away databases for the benchmarks: an in-memory PGlite on a free
 * port, or a new database on the PostgreSQL server at TEST_POSTGRES_URL (or
 * DATABASE_URL), dropped afterwards.
 */
import pg from "pg";
import { findFreePort, startEmbeddedPostgres } from "../../lib/db/embedded";

export type Engine = "pglite" | "postgres";

export interface ThrowawayDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The PostgreSQL server the postgres engine uses, or null when none is configured. */
export function postgresServerUrl(): string | null {
  return process.env.TEST_POSTGRES_URL ?? process.env.DATABASE_URL ?? null;
}

export async function throwawayDatabase(engine: Engine, prefix: string): Promise<ThrowawayDatabase> {
  if (engine === "pglite") {
    const embedded = await startEmbeddedPostgres({ dataDir: null, port: await findFreePort() });
    return { url: embedded.url, stop: () => embedded.stop() };
  }
  const server = postgresServerUrl();
  if (!server) throw new Error("the postgres engine needs TEST_POSTGRES_URL or DATABASE_URL");
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async stop() {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Nearest-rank percentile of a list of numbers (ms). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
