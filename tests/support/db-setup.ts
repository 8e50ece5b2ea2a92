// Runs in each test worker before the test file: points lib/db at the project's database.
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
// As the launcher does for the embedded database (see DATABASE_POOL_SIZE in lib/config/env.ts).
if (inject("engine") === "pglite") process.env.DATABASE_POOL_SIZE = "1";
process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0000";
process.env.DATA_DIR ??= ".data/test";
