import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// The CLI talks to the database through the same driver adapter as the app, so
// it works offline against PGlite's socket server and PostgreSQL alike.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    // `migrate diff` builds the adapter without connecting, so a missing URL
    // only matters to commands that reach the database; they fail naming it.
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "postgresql://DATABASE_URL-is-not-set" });
  },
});
