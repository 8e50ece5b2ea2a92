/**
 * Owns the Prisma client. The app always reaches PostgreSQL over the wire
 * through the `pg` driver adapter: a PostgreSQL server when DATABASE_URL is
 * set, otherwise the embedded PGlite socket server that `npm start` runs.
 */
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "../config/env";
import { PrismaClient } from "../generated/prisma/client";

export type Db = PrismaClient;
export type { Prisma } from "../generated/prisma/client";

export function createDb(connectionString: string, poolSize: number): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: poolSize }) });
}

const globalForDb = globalThis as unknown as { __db?: Db };

/**
 * The process-wide client. Kept on globalThis so dev-mode hot reloads reuse
 * one pool instead of opening a new one per edit.
 */
export function db(): Db {
  if (!globalForDb.__db) {
    const { DATABASE_URL, DATABASE_POOL_SIZE } = env();
    if (!DATABASE_URL) {
      throw new Error(
        "DATABASE_URL is not set in the app process. Start the storefront with `npm start` (it runs the embedded database) or set DATABASE_URL to a PostgreSQL server.",
      );
    }
    globalForDb.__db = createDb(DATABASE_URL, DATABASE_POOL_SIZE);
  }
  return globalForDb.__db;
}
